/**
 * A user's own sessions: list them a page at a time, end one, end many.
 *
 * The Sessions table is keyed by userId + a random sessionId, so DynamoDB
 * cannot return them newest first. The session cap (`maxSessionsPerUser`)
 * bounds how many live sessions a user has, so reading them all and ordering
 * them here stays cheap; the `next` cursor names the last session of a page
 * (createdAt + sessionId), so a session created or ended meanwhile never
 * shifts the following pages.
 */
import { STORED_ID } from '../contract/ids';
import { InvalidRequestError, NotFoundError } from '../errors';
import type { ClientInfo, RevocationReason, SessionRecord, SessionStore } from './ports';
import { type RevokeSessionDeps, revokeSession } from './revoke-session';

/** A session as its user or an operator sees it. */
export interface SessionOverview {
  sessionId: string;
  createdAt: string;
  /** `null` until the first refresh. */
  refreshedAt: string | null;
  /** ISO 8601 end of the session. */
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionSummary extends SessionOverview {
  /** The session of the token making the request. */
  current: boolean;
}

/** What a session item shows of itself: no token ids. */
export function overview(session: SessionRecord): SessionOverview {
  return {
    sessionId: session.sessionId,
    createdAt: session.createdAt,
    refreshedAt: session.refreshedAt ?? null,
    expiresAt: new Date(session.expiresAt * 1000).toISOString(),
    ip: session.ip ?? null,
    userAgent: session.userAgent ?? null,
  };
}

function summarise(session: SessionRecord, currentSessionId: string): SessionSummary {
  return { ...overview(session), current: session.sessionId === currentSessionId };
}

type Ordered = Pick<SessionRecord, 'createdAt' | 'sessionId'>;

/**
 * Sort order of a user's sessions, newest first: by `createdAt`, ties broken
 * by `sessionId`, so every session has one fixed place.
 */
export function newestFirst(a: Ordered, b: Ordered): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.sessionId === b.sessionId) return 0;
  return a.sessionId < b.sessionId ? 1 : -1;
}

/** Page size of `GET /auth/sessions` when the client gives none, and the largest allowed. */
export const SESSIONS_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** The page the client asks for, as the query string has it (both optional). */
export interface PageQuery {
  limit?: string | undefined;
  next?: string | undefined;
}

export interface SessionsPage {
  sessions: SessionSummary[];
  /** Cursor of the following page; `null` on the last one. */
  next: string | null;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const MAX_CURSOR_LENGTH = 512;

/** The opaque cursor: base64url of `[createdAt, sessionId]` of the page's last session. */
function encodeCursor({ createdAt, sessionId }: Ordered): string {
  return Buffer.from(JSON.stringify([createdAt, sessionId])).toString('base64url');
}

function decodeCursor(cursor: string): Ordered {
  const invalid = () => new InvalidRequestError('The next cursor is invalid.');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    !ISO_INSTANT.test(value[0]) ||
    !STORED_ID.test(value[1])
  ) {
    throw invalid();
  }
  return { createdAt: value[0], sessionId: value[1] };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return SESSIONS_PAGE.defaultLimit;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= SESSIONS_PAGE.maxLimit)) {
    throw new InvalidRequestError(`limit must be an integer from 1 to ${SESSIONS_PAGE.maxLimit}.`);
  }
  return limit;
}

/**
 * One page of the user's live sessions, newest first. A bad `limit` or a
 * `next` that is not a cursor of this API throws `InvalidRequestError` (400).
 */
export async function listSessions(
  { sessions }: { sessions: Pick<SessionStore, 'listByUser'> },
  caller: { userId: string; sessionId: string },
  query: PageQuery = {},
): Promise<SessionsPage> {
  const limit = parseLimit(query.limit);
  const after = query.next === undefined ? undefined : decodeCursor(query.next);
  const ordered = (await sessions.listByUser(caller.userId)).sort(newestFirst);
  const rest = after ? ordered.filter((session) => newestFirst(after, session) < 0) : ordered;
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return {
    sessions: page.map((session) => summarise(session, caller.sessionId)),
    next: last && rest.length > limit ? encodeCursor(last) : null,
  };
}

export interface DeleteSessionDeps extends RevokeSessionDeps {
  sessions: Pick<SessionStore, 'get' | 'remove'>;
}

/**
 * Ends one of the caller's sessions (reason `session_revoked`). The key is
 * userId + sessionId, so another user's session id is simply not found (404).
 */
export async function deleteSession(
  deps: DeleteSessionDeps,
  userId: string,
  sessionId: string,
  client: ClientInfo,
): Promise<void> {
  const session = await deps.sessions.get(userId, sessionId);
  if (!session) throw new NotFoundError('No such session.');
  await revokeSession(deps, session, 'session_revoked', client);
}

/**
 * Sessions revoked at once. Each costs two conditional puts and a delete, so
 * this keeps at most 32 DynamoDB requests in flight: below the SDK's 50
 * sockets, and 100 sessions take a handful of round trips, far inside the
 * Lambda timeout.
 */
export const REVOCATION_CONCURRENCY = 16;

/**
 * Ends every session of `targets` (password change, logout-all, eviction),
 * {@link REVOCATION_CONCURRENCY} at a time. Every revocation is its own
 * conditional put, never a BatchWriteItem: a token revoked before keeps its
 * first reason. After a failure no new session is started; the first error is
 * thrown once the ones under way have settled (a retry finishes the job).
 */
export async function revokeSessions(
  deps: RevokeSessionDeps,
  targets: readonly SessionRecord[],
  reason: RevocationReason,
  client: ClientInfo,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < targets.length) {
      const session = targets[next++] as SessionRecord;
      try {
        await revokeSession(deps, session, reason, client);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(REVOCATION_CONCURRENCY, targets.length) }, worker);
  const results = await Promise.allSettled(workers);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
