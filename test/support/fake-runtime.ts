/**
 * A handler runtime (`lambdas/runtime.ts`) over the in-memory fakes: a handler
 * test builds the route's handler on it (`create<Name>Handler(runtime)`) and
 * checks the HTTP mapping. The rules are specified on the same fakes
 * (test/unit/auth); what the stores send to DynamoDB is tested on the embedded
 * engine (test/integration).
 */
import type { ClientInfo, SessionRecord } from '../../lambdas/auth/ports';
import { ENV, loadConfig } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import { EMAIL_ENV, loadEmailConfig } from '../../lambdas/email-config';
import type { EmailRuntime } from '../../lambdas/email-runtime';
import { UnavailableError } from '../../lambdas/errors';
import { keySetOf } from '../../lambdas/signing/signer';
import type { TokenPair } from '../../lambdas/tokens/issue';
import { type DomainWorld, domainWorld } from './fakes';
import { TEST_SETTINGS } from './keys';

/** The e-mail settings of a fake runtime: on, with links to this page. */
export const TEST_LINK_BASE_URL = 'https://app.example.com/recover';

export interface FakeRuntime {
  /** Every route's runtime, the e-mail functions' included (on, sending to `world.mail`). */
  runtime: EmailRuntime;
  /** The fakes behind the runtime: arrange state on them, and read it back. */
  world: DomainWorld;
  /** Every store call so far, as `store.method` (`users.find`), in order. */
  calls: string[];
}

type StoreName =
  | 'users'
  | 'sessions'
  | 'revokedTokens'
  | 'loginAttempts'
  | 'mfa'
  | 'mfaChallenges'
  | 'recovery'
  | 'requestLimits'
  | 'mail';

/** The store as the handler sees it: each call is written down in `calls`. */
function recording<T extends object>(name: StoreName, store: T, calls: string[]): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(property)}`);
        return value.apply(target, args);
      };
    },
  });
}

/**
 * A runtime on fresh fakes. `env`: settings as the function reads them
 * (`SIGNUP_OPEN`, `CORS_ALLOWED_ORIGINS`, `EMAIL_FROM`: '' for e-mail off, …),
 * parsed by the real configuration loaders.
 */
export async function fakeRuntime(env: Record<string, string> = {}): Promise<FakeRuntime> {
  const calls: string[] = [];
  const config = loadConfig({
    ...tableEnvironment(),
    // Never read: the fakes hold the signing key.
    [ENV.localKeyDir]: '/nonexistent/signing-keys',
    [ENV.issuer]: TEST_SETTINGS.issuer,
    [ENV.audience]: TEST_SETTINGS.audience,
    ...env,
  });
  // Refresh tokens issued in the configured format, as the function would.
  const world = await domainWorld({ refreshFormat: config.refreshTokens.format });
  const email = loadEmailConfig({
    [EMAIL_ENV.emailFrom]: 'no-reply@example.com',
    [EMAIL_ENV.emailLinkBaseUrl]: TEST_LINK_BASE_URL,
    ...env,
  });
  const runtime: EmailRuntime = {
    config,
    email,
    recovery: () => recording('recovery', world.recovery, calls),
    mail: () => recording('mail', world.mail, calls),
    clock: world.clock,
    // The response-time floor waits on the manual clock: no test waits for real.
    sleep: async (ms) => world.clock.advance(ms / 1000),
    requestLimits: () => recording('requestLimits', world.requestLimits, calls),
    users: () => recording('users', world.users, calls),
    sessions: () => recording('sessions', world.sessions, calls),
    revokedTokens: () => recording('revokedTokens', world.revokedTokens, calls),
    loginAttempts: () => recording('loginAttempts', world.loginAttempts, calls),
    mfa: () => recording('mfa', world.mfa, calls),
    mfaChallenges: () => recording('mfaChallenges', world.mfaChallenges, calls),
    totpCipher: () => world.totpCipher,
    passwords: () => world.passwords,
    signer: () => world.signer,
    keySet: () => keySetOf(world.signer),
    verifier: () => world.verifier,
    issuer: () => world.issuer,
  };
  return { runtime, world, calls };
}

/** Makes `store[method]` fail as a store does when DynamoDB cannot be reached. */
export function unavailable<T extends object>(store: T, method: keyof T): void {
  (store as Record<keyof T, unknown>)[method] = async () => {
    throw new UnavailableError();
  };
}

/** A live session of `subject` (and its user, unless stored already), stored as login stores it; returns its token pair. */
export async function storedSession(
  world: DomainWorld,
  subject: { sub: string; sid: string; username: string },
  client: ClientInfo = { ip: '198.51.100.1', userAgent: 'old-agent' },
): Promise<TokenPair> {
  if (!(await world.users.find(subject.username))) {
    await world.users.create({
      username: subject.username,
      userId: subject.sub,
      passwordHash: 'never checked',
      createdAt: new Date(0).toISOString(),
    });
  }
  const pair = await world.issuer.issuePair({
    ...subject,
    sessionExpiresAt: world.issuer.sessionExpiresAt(),
  });
  await world.sessions.create(sessionRecord(pair, client));
  return pair;
}

/** The Sessions record holding `pair`. */
export function sessionRecord(pair: TokenPair, client: ClientInfo): SessionRecord {
  const { access, refresh } = pair;
  return {
    userId: access.claims.sub,
    sessionId: access.claims.sid,
    username: access.claims.username,
    accessJti: access.claims.jti,
    accessExp: access.claims.exp,
    refreshJti: refresh.claims.jti,
    refreshExp: refresh.claims.exp,
    createdAt: new Date(access.claims.iat * 1000).toISOString(),
    expiresAt: refresh.claims.exp,
    ...client,
  };
}

/** The authorizer context API Gateway passes on for `pair`: every value a string. */
export function authorizerContextOf(pair: TokenPair): Record<string, string> {
  const { sub, sid, jti, username, exp } = pair.access.claims;
  return { sub, sid, jti, username, exp: String(exp), principalId: sub };
}
