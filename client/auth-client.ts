/**
 * The client: the API's routes as typed calls, and a `fetch` that sends the
 * access token. What it gets right is the refresh:
 * - single flight: every caller that needs a fresh token while a refresh is
 *   running waits for that one refresh;
 * - proactive: a token close to its expiry is refreshed before it is sent;
 * - on a 401 `invalid_token` (an HTTP API's 403 `Forbidden`) it refreshes at
 *   most once and retries once;
 * - across tabs sharing `localStorage`, one refresh at a time (Web Locks
 *   API), and a tab that waited waits for the other's tokens to reach its
 *   storage (a browser delivers them apart from the lock) and uses them;
 * - only a 401 `invalid_token` from the refresh itself ends the session: the
 *   tokens are forgotten and `session-ended` is emitted, instead of looping;
 *   429 and 5xx are retried with back-off and never end it;
 * - logout waits for a refresh in flight and forgets the tokens first, so no
 *   refresh can bring a logged-out session back;
 * - a step-up (`stepUp`) replaces the pair as a refresh does, and is the
 *   refresh in flight meanwhile: nobody refreshes the pair it replaces.
 */
import type {
  ChangePasswordBody,
  EmailChangeBody,
  EmailState,
  EmailVerifyBody,
  ForgotPasswordBody,
  LoginBody,
  LogoutBody,
  Me,
  MfaCodeBody,
  MfaRequiredBody,
  MfaVerifyBody,
  RecoveryCodes,
  RefreshBody,
  RegisterBody,
  RegisteredUser,
  ResetPasswordBody,
  SessionInfo,
  SessionPage,
  TokenResponse,
  TotpEnrolment,
  TotpEnrolmentBody,
  TotpRemovalBody,
} from './api-types';
import {
  ApiError,
  AuthClientError,
  MfaRequiredError,
  NetworkError,
  NotAuthenticatedError,
  SessionEndedError,
} from './errors';
import { jwtPayload } from './jwt-payload';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, retryAfterMs, retryDelayMs } from './retry';
import { memoryStorage, type StoredSession, type TokenStorage } from './storage';

/** A `fetch`-compatible function. */
export type FetchLike = (request: Request) => Promise<Response>;

/** Time as the client sees it; replace it in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** In [0, 1): the jitter of the back-off. */
  random(): number;
}

export interface AuthClientOptions {
  /** The API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** Where the tokens live. Default: {@link memoryStorage} (the safest; see docs/client.md). */
  storage?: TokenStorage;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /**
   * Refresh an access token this many seconds before it expires (at most
   * half its lifetime, so short-lived tokens are not refreshed all the time).
   * Default 30.
   */
  refreshBeforeExpirySeconds?: number;
  /** Retries of 429, 5xx and network failures. */
  retry?: Partial<RetryPolicy>;
  /**
   * Origins (besides the API's) to which `fetch` may send the access token.
   * Any other origin is refused: a token sent there would leak.
   */
  tokenOrigins?: readonly string[];
  /** Default: the real clock, `setTimeout` and `Math.random`. */
  clock?: Clock;
}

/** Why the client no longer holds a session. */
export type SessionEndReason =
  /** The API refused the refresh token (401 invalid_token): revoked, expired or reused. */
  | 'refresh_refused'
  /** `logout()`, `logoutAll()` or `revokeSession()` of the current session. */
  | 'logout'
  /** Another tab cleared the shared storage. */
  | 'other_tab';

export interface AuthClientEvents {
  /** The tokens are gone; show the login form. */
  'session-ended': { reason: SessionEndReason };
  /** New tokens: from a login, a refresh here, or one made by another tab. */
  'session-changed': { source: 'login' | 'refresh' | 'step_up' | 'other_tab' };
}

export interface AuthClient {
  /**
   * `POST /auth/register`; with an `email` (where the API sends e-mail), a link
   * to verify it is sent. Does not log in.
   */
  register(credentials: RegisterBody): Promise<RegisteredUser>;
  /**
   * `POST /auth/login`: stores the tokens; resolves with the new session's id.
   * For an account with a second factor, rejects with {@link MfaRequiredError}
   * (403 `mfa_required`) instead: nothing is stored until
   * {@link AuthClient.verifyMfa} with its `mfaToken` and a code.
   */
  login(credentials: LoginBody): Promise<{ sessionId: string | null }>;
  /**
   * `POST /auth/mfa/verify`: the `mfaToken` of an {@link MfaRequiredError}
   * and a code (TOTP, or a recovery code once); stores the tokens as login
   * does. 401 `invalid_credentials` for a wrong code (try another with the
   * same token); 400 `invalid_grant` once the token is used, expired or out
   * of tries (log in again). Never retried: a code works once.
   */
  verifyMfa(mfaToken: string, code: string): Promise<{ sessionId: string | null }>;
  /**
   * `POST /auth/mfa/step-up` (Bearer): proves the second factor again for the
   * current session, e.g. after a route answered 403
   * `insufficient_user_authentication`; stores the session's new pair (same
   * session, stronger `amr`). 401 `invalid_credentials` for a wrong code.
   */
  stepUp(code: string): Promise<void>;
  /**
   * `POST /auth/logout` with both tokens. The tokens are forgotten locally
   * first, whatever the API answers; a failure is still thrown, since the
   * tokens then stay valid on the server until they expire.
   */
  logout(): Promise<void>;
  /** `POST /auth/logout-all`: ends every session of the user, this one included. */
  logoutAll(): Promise<void>;
  /** `GET /auth/me`. */
  me(): Promise<Me>;
  /** One page of `GET /auth/sessions`. Works with the unpaginated API too (`next` is then `null`). */
  sessions(page?: { limit?: number; next?: string }): Promise<SessionPage>;
  /** Every session, following `next` to the end. */
  allSessions(): Promise<SessionInfo[]>;
  /** `DELETE /auth/sessions/{id}`; revoking the current session logs this client out. */
  revokeSession(sessionId: string): Promise<void>;
  /** `POST /auth/password`: ends every other session of the user. */
  changePassword(change: { currentPassword: string; newPassword: string }): Promise<void>;
  /**
   * `POST /auth/email`: sets or changes the account's address (unverified until
   * its link comes back); the same answer whether or not another account has it.
   */
  setEmail(change: { email: string; currentPassword: string }): Promise<EmailState>;
  /**
   * `POST /auth/email/verify` with the `token` of the message's link; needs no
   * session. Rejects with code `invalid_grant` for a bad, used or expired token.
   */
  verifyEmail(token: string): Promise<void>;
  /**
   * `POST /auth/password/forgot` by `{username}` or `{email}`; needs no
   * session. Resolves alike whether or not a link was sent (the API never
   * tells); the answer takes at least the API's floor (1.5 s by default).
   */
  forgotPassword(account: ForgotPasswordBody): Promise<void>;
  /**
   * `POST /auth/password/reset` with the `token` of the reset link; needs no
   * session. Every session of the account ends: a session this client stored
   * for that account ends at its next refresh (`session-ended`,
   * `refresh_refused`); the client cannot tell whose account the token is.
   * Rejects with code `invalid_grant` for a bad, used, replaced or expired
   * token, `invalid_request` for a new password the API refuses.
   */
  resetPassword(reset: { token: string; newPassword: string }): Promise<void>;
  /**
   * `POST /auth/mfa/totp`: starts turning TOTP on. Resolves with the new
   * secret and its `otpauth://` URI (for a QR code), shown this once; it stays
   * pending until {@link AuthClient.confirmTotp}. Rejects with 401
   * `invalid_credentials` for a wrong password, 400 while TOTP is on.
   */
  beginTotp(enrolment: { currentPassword: string }): Promise<TotpEnrolment>;
  /**
   * `POST /auth/mfa/totp/confirm` with a first code of the pending secret:
   * TOTP is on, every other session has ended; resolves with the ten
   * recovery codes, shown this once.
   */
  confirmTotp(code: string): Promise<RecoveryCodes>;
  /**
   * `DELETE /auth/mfa/totp`: turns TOTP off, given the current password and a
   * code (TOTP or recovery); every other session ends. Never retried: a code
   * works once.
   */
  removeTotp(removal: { currentPassword: string; code: string }): Promise<void>;
  /**
   * `fetch` with `Authorization: Bearer <access token>`, refreshed as needed.
   * A relative URL is resolved against `baseUrl`. Resolves with the response,
   * like `fetch`, whatever its status; rejects with {@link SessionEndedError}
   * when the session ended, {@link NotAuthenticatedError} when there is none.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** A valid access token (refreshed first when close to expiry), for other transports. */
  getAccessToken(): Promise<string>;
  /** Whether tokens are stored (the session may still turn out to be revoked). */
  isLoggedIn(): Promise<boolean>;
  /** The current session's id (the access token's `sid`), or `null`. */
  sessionId(): Promise<string | null>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof AuthClientEvents>(
    event: E,
    listener: (detail: AuthClientEvents[E]) => void,
  ): () => void;
  /** Stops listening to other tabs. */
  dispose(): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** A string claim of a JWT, read without verifying it (the client only reads `sid`). */
function jwtClaim(token: string, name: string): string | null {
  const value = jwtPayload(token)?.[name];
  return typeof value === 'string' ? value : null;
}

function sessionFrom(body: unknown, now: number): StoredSession {
  const tokens = body as Partial<TokenResponse> | null;
  if (
    typeof tokens?.access_token !== 'string' ||
    typeof tokens.refresh_token !== 'string' ||
    typeof tokens.expires_in !== 'number' ||
    typeof tokens.refresh_expires_in !== 'number'
  ) {
    throw new AuthClientError('invalid_response', 'The API answered without tokens.');
  }
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accessExpiresAt: now + tokens.expires_in * 1000,
    accessLifetimeMs: tokens.expires_in * 1000,
    refreshExpiresAt: now + tokens.refresh_expires_in * 1000,
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a response is the API's refusal of a token (401 `invalid_token`), without consuming it. */
async function isInvalidToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  if (/invalid_token/.test(response.headers.get('www-authenticate') ?? '')) return true;
  const body = (await readJson(response.clone())) as { error?: unknown } | undefined;
  return body?.error === 'invalid_token';
}

/**
 * Whether a response is an HTTP API's refusal of a token: a Lambda authorizer
 * behind an HTTP API cannot answer 401, so API Gateway's own 403
 * `{"message":"Forbidden"}` is how it refuses a revoked or expired token.
 */
async function isHttpApiRefusal(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const body = (await readJson(response.clone())) as { message?: unknown } | undefined;
  return body?.message === 'Forbidden';
}

/** Whether a request sent with the access token was refused for the token, by a REST or an HTTP API. */
async function isTokenRefusal(response: Response): Promise<boolean> {
  return (await isInvalidToken(response)) || (await isHttpApiRefusal(response));
}

type Listeners = { [E in keyof AuthClientEvents]: Set<(detail: AuthClientEvents[E]) => void> };

interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/**
 * How long a tab that waited for the refresh lock waits for the other tab's
 * tokens to show up in its storage before it refreshes itself. Chromium
 * delivers a `localStorage` write to the other tabs asynchronously, apart
 * from the lock's release: right after the lock, the stored tokens may still
 * be the stale ones. Within this bound it is tens of milliseconds; past it,
 * the other tab's refresh most likely failed.
 */
const OTHER_TAB_TOKENS_WAIT_MS = 1000;
/** How often the waiting tab looks at the storage meanwhile. */
const OTHER_TAB_TOKENS_POLL_MS = 20;

/** The Web Locks API, where the platform has it (browsers; not Node 20). */
function webLocks(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return typeof locks?.request === 'function' ? locks : undefined;
}

/** Creates a client of the API at `options.baseUrl`. */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const apiOrigin = new URL(baseUrl).origin;
  const tokenOrigins = new Set([apiOrigin, ...(options.tokenOrigins ?? [])]);
  const storage = options.storage ?? memoryStorage();
  const send: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
  const clock = options.clock ?? realClock;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const refreshBeforeMs = (options.refreshBeforeExpirySeconds ?? 30) * 1000;
  const listeners: Listeners = { 'session-ended': new Set(), 'session-changed': new Set() };

  /** The Web Lock that lets one tab at a time replace the shared tokens. */
  const refreshLock = `serverless-jwt-auth refresh ${storage.sharedName}`;
  /** The refresh in flight in this client: everyone who needs one waits for it. */
  let inflight: Promise<StoredSession> | null = null;
  /** Bumped whenever the session is replaced or forgotten: a late refresh result is then dropped. */
  let generation = 0;

  function emit<E extends keyof AuthClientEvents>(event: E, detail: AuthClientEvents[E]): void {
    for (const listener of listeners[event]) {
      try {
        listener(detail);
      } catch {
        // A listener's bug must not break the request that emitted the event.
      }
    }
  }

  const unwatch = storage.watch?.((session) => {
    generation += 1;
    if (session) emit('session-changed', { source: 'other_tab' });
    else emit('session-ended', { reason: 'other_tab' });
  });

  async function forget(reason: SessionEndReason): Promise<void> {
    generation += 1;
    await storage.save(null);
    emit('session-ended', { reason });
  }

  function url(path: string): string {
    return new URL(path.replace(/^\//, ''), baseUrl).toString();
  }

  /** Sends with retries of transient failures (see retry.ts); `make` builds a fresh request each try. */
  async function sendWithRetry(make: () => Request, idempotent: boolean): Promise<Response> {
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await send(make());
      } catch (error) {
        if ((error as { name?: unknown })?.name === 'AbortError') throw error;
        if (!idempotent || attempt + 1 >= policy.attempts) {
          throw new NetworkError(`The API could not be reached: ${String(error)}`, {
            cause: error,
          });
        }
        await clock.sleep(backoffMs(attempt, policy, clock.random));
        continue;
      }
      const delay = retryDelayMs(response, attempt, idempotent, policy, clock.now(), clock.random);
      if (delay === undefined) return response;
      await response.body?.cancel().catch(() => undefined);
      await clock.sleep(delay);
    }
  }

  async function errorOf(response: Response): Promise<ApiError> {
    const body = (await readJson(response)) as { error?: unknown; message?: unknown } | undefined;
    const code = typeof body?.error === 'string' ? body.error : `http_${response.status}`;
    const message = typeof body?.message === 'string' ? body.message : response.statusText;
    const after = retryAfterMs(response.headers.get('retry-after'), clock.now());
    return new ApiError(
      response.status,
      code,
      message || `HTTP ${response.status}`,
      after === undefined ? undefined : Math.ceil(after / 1000),
    );
  }

  function jsonRequest(method: string, path: string, body?: unknown, token?: string): Request {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    return new Request(url(path), {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  function refreshDue(session: StoredSession): boolean {
    const ahead = Math.min(refreshBeforeMs, session.accessLifetimeMs / 2);
    return clock.now() >= session.accessExpiresAt - ahead;
  }

  /**
   * One refresh, run alone (across tabs when the storage is shared). If the
   * stored tokens are no longer those that were found stale, someone else
   * (an earlier refresh here, another tab) has refreshed: use theirs.
   */
  async function refreshAlone(stale: string, startedAt: number): Promise<StoredSession> {
    // Logged out, or logged in again (here or in another tab), since this
    // refresh was asked for: whatever is stored now is the answer.
    const adoptLatest = async () => {
      const latest = await storage.load();
      if (latest) return latest;
      throw new SessionEndedError();
    };
    const stored = await storage.load();
    if (startedAt !== generation) return adoptLatest();
    if (!stored) throw new SessionEndedError();
    if (stored.accessToken !== stale && !refreshDue(stored)) return stored;

    const response = await sendWithRetry(
      () =>
        jsonRequest('POST', '/auth/refresh', {
          refresh_token: stored.refreshToken,
        } satisfies RefreshBody),
      // A repeated refresh is safe: within the API's grace window the same token
      // answers with the same successor pair.
      true,
    );
    if (response.ok) {
      const next = sessionFrom(await readJson(response), clock.now());
      // The session changed meanwhile: this result belongs to nobody, never store it.
      if (startedAt !== generation) return adoptLatest();
      await storage.save(next);
      emit('session-changed', { source: 'refresh' });
      return next;
    }
    if (await isInvalidToken(response)) {
      if (startedAt !== generation) return adoptLatest();
      await forget('refresh_refused');
      throw new SessionEndedError();
    }
    throw await errorOf(response);
  }

  /** Waits (bounded) until the stored access token is no longer `stale`: another tab's refresh landed. */
  async function otherTabsTokens(stale: string): Promise<void> {
    const deadline = clock.now() + OTHER_TAB_TOKENS_WAIT_MS;
    while ((await storage.load())?.accessToken === stale && clock.now() < deadline) {
      await clock.sleep(OTHER_TAB_TOKENS_POLL_MS);
    }
  }

  /**
   * One refresh across the tabs sharing the storage. The lock is free: this
   * tab refreshes. Another tab holds it: that tab is refreshing, so once it
   * is done, wait for its tokens to reach this tab's storage, then decide.
   */
  async function refreshAcrossTabs(
    locks: LockManagerLike,
    name: string,
    stale: string,
    startedAt: number,
  ): Promise<StoredSession> {
    const alone = await locks.request(name, { ifAvailable: true }, async (lock) =>
      lock ? { session: await refreshAlone(stale, startedAt) } : null,
    );
    if (alone) return alone.session;
    return locks.request(name, {}, async () => {
      await otherTabsTokens(stale);
      return refreshAlone(stale, startedAt);
    });
  }

  /** One refresh of `stale`, alone here and across the tabs sharing the storage. */
  function refreshOnce(stale: string): Promise<StoredSession> {
    const startedAt = generation;
    const locks = storage.sharedName ? webLocks() : undefined;
    return locks
      ? refreshAcrossTabs(locks, refreshLock, stale, startedAt)
      : refreshAlone(stale, startedAt);
  }

  /** Refreshes, single flight: joins the refresh in flight if there is one. */
  function refresh(stale: string): Promise<StoredSession> {
    if (!inflight) {
      inflight = refreshOnce(stale).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  async function currentSession(): Promise<StoredSession> {
    const session = await storage.load();
    if (!session) throw new NotAuthenticatedError();
    return session;
  }

  async function getAccessToken(): Promise<string> {
    if (inflight) return (await inflight).accessToken;
    const session = await currentSession();
    if (!refreshDue(session)) return session.accessToken;
    try {
      return (await refresh(session.accessToken)).accessToken;
    } catch (error) {
      // A transient failure while the token still works: use it, refresh next time.
      const transient = !(error instanceof SessionEndedError) && error instanceof AuthClientError;
      if (transient && clock.now() < session.accessExpiresAt) return session.accessToken;
      throw error;
    }
  }

  /** The token to retry with after `used` was refused: someone else's fresh one, or one refresh. */
  async function tokenAfterRefusal(used: string): Promise<string> {
    if (inflight) return (await inflight).accessToken;
    const session = await storage.load();
    // Refused, and the tokens are gone meanwhile: a concurrent refresh ended the session.
    if (!session) throw new SessionEndedError();
    if (session.accessToken !== used) return session.accessToken;
    return (await refresh(used)).accessToken;
  }

  /**
   * Sends with the access token; on a 401 invalid_token (or an HTTP API's
   * 403 Forbidden), one refresh and one retry.
   */
  async function authorized(
    make: (token: string) => Request,
    idempotent: boolean,
  ): Promise<Response> {
    const token = await getAccessToken();
    const response = await sendWithRetry(() => make(token), idempotent);
    if (!(await isTokenRefusal(response))) return response;
    const fresh = await tokenAfterRefusal(token);
    await response.body?.cancel().catch(() => undefined);
    return sendWithRetry(() => make(fresh), idempotent);
  }

  async function call<T>(
    method: string,
    path: string,
    options: { body?: unknown; idempotent?: boolean } = {},
  ): Promise<T> {
    const response = await authorized(
      (token) => jsonRequest(method, path, options.body, token),
      options.idempotent ?? method !== 'POST',
    );
    if (!response.ok) throw await errorOf(response);
    return (await readJson(response)) as T;
  }

  /** Stores the token pair of a successful login-like answer (login, MFA verify, step-up). */
  async function adoptTokens(
    response: Response,
    source: 'login' | 'step_up',
  ): Promise<{ sessionId: string | null; session: StoredSession }> {
    const session = sessionFrom(await readJson(response), clock.now());
    generation += 1;
    await storage.save(session);
    emit('session-changed', { source });
    return { sessionId: jwtClaim(session.accessToken, 'sid'), session };
  }

  /** The error of a refused login: {@link MfaRequiredError} for 403 `mfa_required`. */
  async function loginErrorOf(response: Response): Promise<ApiError> {
    if (response.status === 403) {
      const body = (await readJson(response.clone())) as Partial<MfaRequiredBody> | undefined;
      if (body?.error === 'mfa_required' && typeof body.mfa_token === 'string') {
        return new MfaRequiredError(
          typeof body.message === 'string' ? body.message : 'A second factor is required.',
          body.mfa_token,
        );
      }
    }
    return errorOf(response);
  }

  const client: AuthClient = {
    async register(credentials) {
      const response = await sendWithRetry(
        () => jsonRequest('POST', '/auth/register', credentials satisfies RegisterBody),
        false,
      );
      if (!response.ok) throw await errorOf(response);
      return (await readJson(response)) as RegisteredUser;
    },

    async login(credentials) {
      const response = await sendWithRetry(
        () => jsonRequest('POST', '/auth/login', credentials satisfies LoginBody),
        false,
      );
      if (!response.ok) throw await loginErrorOf(response);
      return { sessionId: (await adoptTokens(response, 'login')).sessionId };
    },

    async verifyMfa(mfaToken, code) {
      const response = await sendWithRetry(
        () =>
          jsonRequest('POST', '/auth/mfa/verify', {
            mfa_token: mfaToken,
            code,
          } satisfies MfaVerifyBody),
        false,
      );
      if (!response.ok) throw await errorOf(response);
      return { sessionId: (await adoptTokens(response, 'login')).sessionId };
    },

    async stepUp(code) {
      const previous = inflight;
      const steppingUp = (async (): Promise<StoredSession> => {
        // A refresh in flight or due first, so that the step-up replaces the newest pair.
        await previous?.catch(() => undefined);
        const stored = await currentSession();
        if (refreshDue(stored)) await refreshOnce(stored.accessToken).catch(() => undefined);
        const send = async () => {
          // The newest tokens: another tab may have refreshed before this one got the lock.
          const { accessToken } = await currentSession();
          const response = await sendWithRetry(
            () =>
              jsonRequest('POST', '/auth/mfa/step-up', { code } satisfies MfaCodeBody, accessToken),
            false,
          );
          if (!response.ok) throw await errorOf(response);
          return (await adoptTokens(response, 'step_up')).session;
        };
        const locks = storage.sharedName ? webLocks() : undefined;
        return locks ? locks.request(refreshLock, {}, send) : send();
      })();
      // The API revokes the replaced refresh token without a grace window: a refresh sent
      // meanwhile (here, or by another tab sharing the storage) would be reuse and end the
      // session. So the step-up is the refresh in flight, from now on and under its lock.
      inflight = steppingUp
        .catch(() => currentSession())
        .finally(() => {
          inflight = null;
        });
      await steppingUp;
    },

    async logout() {
      // The refresh in flight first, so that the tokens revoked are the newest.
      await inflight?.catch(() => undefined);
      const session = await storage.load();
      await forget('logout');
      if (!session) return;
      const response = await sendWithRetry(
        () =>
          jsonRequest(
            'POST',
            '/auth/logout',
            { refresh_token: session.refreshToken } satisfies LogoutBody,
            session.accessToken,
          ),
        true,
      );
      // 401: the tokens were dead already; nothing is left to revoke.
      if (!response.ok && response.status !== 401) throw await errorOf(response);
    },

    async logoutAll() {
      await call<void>('POST', '/auth/logout-all', { idempotent: true });
      await forget('logout');
    },

    me: () => call<Me>('GET', '/auth/me'),

    async sessions(page = {}) {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      if (page.next !== undefined) query.set('next', page.next);
      const search = query.toString();
      const suffix = search ? `?${search}` : '';
      const body = await call<{ sessions?: SessionInfo[]; next?: string | null }>(
        'GET',
        `/auth/sessions${suffix}`,
      );
      if (!Array.isArray(body?.sessions)) {
        throw new AuthClientError('invalid_response', 'The API answered without sessions.');
      }
      return { sessions: body.sessions, next: body.next ?? null };
    },

    async allSessions() {
      const all: SessionInfo[] = [];
      const seen = new Set<string>();
      let next: string | undefined;
      do {
        const page = await client.sessions(next === undefined ? {} : { next });
        all.push(...page.sessions);
        next = page.next ?? undefined;
        // A cursor seen before would loop forever.
        if (next !== undefined) {
          if (seen.has(next)) break;
          seen.add(next);
        }
      } while (next !== undefined);
      return all;
    },

    async revokeSession(sessionId) {
      const current = await client.sessionId();
      await call<void>('DELETE', `/auth/sessions/${encodeURIComponent(sessionId)}`);
      if (sessionId === current) await forget('logout');
    },

    async changePassword({ currentPassword, newPassword }) {
      await call<void>('POST', '/auth/password', {
        body: {
          current_password: currentPassword,
          new_password: newPassword,
        } satisfies ChangePasswordBody,
      });
    },

    async setEmail({ email, currentPassword }) {
      return call<EmailState>('POST', '/auth/email', {
        body: { email, current_password: currentPassword } satisfies EmailChangeBody,
      });
    },

    async verifyEmail(token) {
      const response = await sendWithRetry(
        () => jsonRequest('POST', '/auth/email/verify', { token } satisfies EmailVerifyBody),
        false,
      );
      if (!response.ok) throw await errorOf(response);
    },

    async forgotPassword(account) {
      const response = await sendWithRetry(
        () => jsonRequest('POST', '/auth/password/forgot', account),
        false,
      );
      if (!response.ok) throw await errorOf(response);
    },

    async resetPassword({ token, newPassword }) {
      const response = await sendWithRetry(
        () =>
          jsonRequest('POST', '/auth/password/reset', {
            token,
            new_password: newPassword,
          } satisfies ResetPasswordBody),
        false,
      );
      if (!response.ok) throw await errorOf(response);
    },

    beginTotp({ currentPassword }) {
      return call<TotpEnrolment>('POST', '/auth/mfa/totp', {
        body: { current_password: currentPassword } satisfies TotpEnrolmentBody,
      });
    },

    confirmTotp(code) {
      return call<RecoveryCodes>('POST', '/auth/mfa/totp/confirm', {
        body: { code } satisfies MfaCodeBody,
      });
    },

    async removeTotp({ currentPassword, code }) {
      await call<void>('DELETE', '/auth/mfa/totp', {
        body: { current_password: currentPassword, code } satisfies TotpRemovalBody,
        idempotent: false,
      });
    },

    async fetch(input, init) {
      const isRequest = typeof (input as Request).clone === 'function';
      const template = isRequest
        ? new Request(input as Request, init)
        : new Request(new URL(String(input), baseUrl), init);
      const origin = new URL(template.url).origin;
      if (!tokenOrigins.has(origin)) {
        throw new AuthClientError(
          'invalid_request',
          `Refusing to send the access token to ${origin}: add it to tokenOrigins if it is meant to receive it.`,
        );
      }
      const idempotent = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(template.method);
      return authorized((token) => {
        const request = template.clone();
        request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      }, idempotent);
    },

    getAccessToken,

    async isLoggedIn() {
      return (await storage.load()) !== null;
    },

    async sessionId() {
      const session = await storage.load();
      return session ? jwtClaim(session.accessToken, 'sid') : null;
    },

    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },

    dispose() {
      unwatch?.();
    },
  };
  return client;
}
