/**
 * The bounds on a user's sessions: the per-user cap enforced at login, the
 * paginated list, and revoking many sessions in parallel with a bound.
 */
import { login, MAX_EVICTIONS_PER_LOGIN } from '../../../lambdas/auth/login';
import type { SessionRecord } from '../../../lambdas/auth/ports';
import { register } from '../../../lambdas/auth/register';
import {
  deleteSession,
  listSessions,
  REVOCATION_CONCURRENCY,
  revokeSessions,
  SESSIONS_PAGE,
} from '../../../lambdas/auth/sessions';
import { InvalidRequestError, NotFoundError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const CREDENTIALS = { username: 'alice', password: 'correct horse battery' };

async function world(): Promise<DomainWorld> {
  const w = await domainWorld();
  await register(w, CREDENTIALS);
  return w;
}

/** Logs in `count` times, one second apart, and returns the session ids, oldest first. */
async function logins(w: DomainWorld, count: number, cap?: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    w.clock.advance(1);
    const pair = await login({ ...w, maxSessionsPerUser: cap }, CREDENTIALS, CLIENT);
    ids.push(pair.access.claims.sid);
  }
  return ids;
}

const liveIds = (w: DomainWorld) =>
  [...w.sessions.items.values()].map((session) => session.sessionId).sort();

/** Stores `count` sessions of `userId` directly, one second apart, oldest first. */
function storeSessions(w: DomainWorld, userId: string, count: number): SessionRecord[] {
  // Before the world's clock, so any login now is newer.
  const base = w.clock().getTime() - 1_000_000_000;
  return Array.from({ length: count }, (_, i) => {
    const session: SessionRecord = {
      userId,
      sessionId: `s${String(i).padStart(4, '0')}`,
      username: 'alice',
      accessJti: `a${i}`,
      accessExp: 1_900_000_000,
      refreshJti: `r${i}`,
      refreshExp: 1_900_000_000,
      createdAt: new Date(base + i * 1000).toISOString(),
      expiresAt: 1_900_000_000,
    };
    w.sessions.items.set(`${userId}/${session.sessionId}`, session);
    return session;
  });
}

describe('session cap at login', () => {
  it('ends the oldest session of a login beyond the cap, with reason session_evicted', async () => {
    const w = await world();
    const [oldest, ...rest] = await logins(w, 4, 3);
    const evicted = [...w.revokedTokens.items.values()];

    expect(liveIds(w)).toEqual([...rest].sort());
    expect(evicted).toHaveLength(2);
    expect(evicted.every((r) => r.sid === oldest && r.reason === 'session_evicted')).toBe(true);
  });

  it('keeps the newest sessions when logins race at the cap, never the one just created', async () => {
    const w = await world();
    await logins(w, 2, 2);
    w.clock.advance(1);

    const racing = await Promise.all(
      [1, 2, 3].map(() => login({ ...w, maxSessionsPerUser: 2 }, CREDENTIALS, CLIENT)),
    );

    // The old sessions go; of the racing ones the newest always stays. The cap
    // may be exceeded by the logins in flight, until the next login.
    const racingIds = racing.map((pair) => pair.access.claims.sid).sort();
    const live = liveIds(w);
    expect(racingIds).toEqual(expect.arrayContaining(live));
    expect(live).toContain(racingIds[racingIds.length - 1]);
    expect(live.length).toBeGreaterThanOrEqual(2);
    w.clock.advance(1);
    const [last] = await logins(w, 1, 2);
    expect(liveIds(w)).toHaveLength(2);
    expect(liveIds(w)).toContain(last);
  });

  it('ends at most MAX_EVICTIONS_PER_LOGIN sessions at one login', async () => {
    const w = await world();
    const userId = [...w.users.items.values()][0]?.userId as string;
    storeSessions(w, userId, MAX_EVICTIONS_PER_LOGIN + 10);

    await logins(w, 1, 1);

    expect(w.sessions.items.size).toBe(10 + 1);
  });

  it('still logs in when the cap cannot be enforced (the next login catches up)', async () => {
    const w = await world();
    await logins(w, 2, 1);
    // A warning: Powertools writes it to the error stream.
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const listByUser = jest
      .spyOn(w.sessions, 'listByUser')
      .mockRejectedValueOnce(new Error('down'));

    await logins(w, 1, 1);
    expect(w.sessions.items.size).toBe(2);
    listByUser.mockRestore();
    await logins(w, 1, 1);

    expect(w.sessions.items.size).toBe(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('session cap not enforced'));
    log.mockRestore();
  });
});

describe('listing sessions a page at a time', () => {
  const caller = (w: DomainWorld) => {
    const userId = [...w.users.items.values()][0]?.userId as string;
    return { userId, sessionId: 's0003' };
  };

  it('pages through every live session, newest first, with next null on the last page', async () => {
    const w = await world();
    const stored = storeSessions(w, caller(w).userId, 45);

    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | undefined;
    do {
      const page = await listSessions(w, caller(w), next === undefined ? {} : { next });
      seen.push(...page.sessions.map((s) => s.sessionId));
      sizes.push(page.sessions.length);
      next = page.next ?? undefined;
    } while (next);

    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(stored.map((s) => s.sessionId).reverse());
  });

  it('honours limit up to the maximum, and marks the current session', async () => {
    const w = await world();
    storeSessions(w, caller(w).userId, SESSIONS_PAGE.maxLimit + 1);

    const page = await listSessions(w, caller(w), { limit: String(SESSIONS_PAGE.maxLimit) });

    expect(page.sessions).toHaveLength(SESSIONS_PAGE.maxLimit);
    expect(page.next).toEqual(expect.any(String));
    expect(page.sessions.filter((s) => s.current).map((s) => s.sessionId)).toEqual(['s0003']);
  });

  it('keeps its place when sessions are created or ended between pages', async () => {
    const w = await world();
    const stored = storeSessions(w, caller(w).userId, 6);
    const first = await listSessions(w, caller(w), { limit: '2' });
    expect(first.sessions.map((s) => s.sessionId)).toEqual(['s0005', 's0004']);

    // A new login arrives and the next session in line ends.
    w.sessions.items.set(`${caller(w).userId}/zzzz`, {
      ...(stored[0] as SessionRecord),
      sessionId: 'zzzz',
      createdAt: '2027-01-01T00:00:00.000Z',
    });
    w.sessions.items.delete(`${caller(w).userId}/s0003`);
    const second = await listSessions(w, caller(w), { limit: '2', next: first.next as string });

    expect(second.sessions.map((s) => s.sessionId)).toEqual(['s0002', 's0001']);
  });

  it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], [''], ['1e1'], [' 5']])(
    'refuses limit=%j with InvalidRequestError',
    async (limit) => {
      const w = await world();
      await expect(listSessions(w, caller(w), { limit })).rejects.toBeInstanceOf(
        InvalidRequestError,
      );
    },
  );

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","s0001"]').toString('base64url')],
    ['a bad id', Buffer.from('["2026-01-01T00:00:00.000Z","../x"]').toString('base64url')],
    ['too long', 'A'.repeat(2000)],
    ['empty', ''],
  ])('refuses a next cursor that is %s', async (_, next) => {
    const w = await world();
    await expect(listSessions(w, caller(w), { next })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});

describe('revoking many sessions', () => {
  it('revokes in parallel, never more than REVOCATION_CONCURRENCY sessions at once', async () => {
    const w = await world();
    const targets = storeSessions(w, 'user-x', 100);
    let inFlight = 0;
    let peak = 0;
    const revoke = w.revokedTokens.revoke.bind(w.revokedTokens);
    const revokedTokens = {
      async revoke(revocation: Parameters<typeof revoke>[0]) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return revoke(revocation);
      },
    };

    await revokeSessions({ ...w, revokedTokens }, targets, 'logout_all', CLIENT);

    expect(w.sessions.items.size).toBe(0);
    expect(w.revokedTokens.items.size).toBe(200);
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThanOrEqual(2 * REVOCATION_CONCURRENCY);
  });

  it('stops starting sessions after a failure and throws it once the others settle', async () => {
    const w = await world();
    const targets = storeSessions(w, 'user-x', 100);
    const failure = new Error('store down');
    const revokedTokens = {
      async revoke(revocation: { jti: string }) {
        if (revocation.jti === 'a0') throw failure;
        return w.revokedTokens.revoke(revocation as never);
      },
    };

    await expect(
      revokeSessions({ ...w, revokedTokens }, targets, 'logout_all', CLIENT),
    ).rejects.toBe(failure);
    // Only the first batch was under way; the rest is left for a retry.
    expect(w.sessions.items.size).toBeGreaterThanOrEqual(100 - REVOCATION_CONCURRENCY);
  });
});

/** A registered user who can open sessions. */
async function user(world: DomainWorld, username: string) {
  const { userId } = await register(world, { username, password: 'correct horse' });
  const session = () => login(world, { username, password: 'correct horse' }, CLIENT);
  return { userId, session };
}

describe('listing and ending one’s own sessions', () => {
  it('leaves out a session past its end, even before anything deletes it', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const pair = await alice.session();
    world.clock.advance(31 * 24 * 3600);

    const page = await listSessions(
      world,
      { userId: alice.userId, sessionId: pair.access.claims.sid },
      {},
    );
    expect(page.sessions).toEqual([]);
  });
});

describe('deleteSession', () => {
  it('revokes both tokens of the named session of the caller and deletes it', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const kept = await alice.session();
    const ended = await alice.session();

    await deleteSession(world, alice.userId, ended.access.claims.sid, CLIENT);

    for (const token of [ended.access, ended.refresh]) {
      expect(world.revokedTokens.items.get(token.claims.jti)).toMatchObject({
        reason: 'session_revoked',
      });
    }
    expect(world.revokedTokens.items.size).toBe(2);
    expect(await world.sessions.get(alice.userId, ended.access.claims.sid)).toBeUndefined();
    expect(await world.sessions.get(alice.userId, kept.access.claims.sid)).toBeDefined();
  });

  it('answers not found for another user’s session and revokes nothing', async () => {
    const world = await domainWorld();
    const alice = await user(world, 'alice');
    const bob = await user(world, 'bob');
    await alice.session();
    const bobs = await bob.session();

    await expect(
      deleteSession(world, alice.userId, bobs.access.claims.sid, CLIENT),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(world.revokedTokens.items.size).toBe(0);
    expect(await world.sessions.get(bob.userId, bobs.access.claims.sid)).toBeDefined();
  });
});
