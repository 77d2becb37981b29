/**
 * The refresh rules on the in-memory stores with a manual clock: rotation,
 * the grace window (within, at its edge, after it, after two rotations, after
 * logout, concurrent replays), reuse detection, and what a failure or a
 * concurrent revocation at any step leaves behind.
 */
import { changePassword } from '../../../lambdas/auth/change-password';
import { login } from '../../../lambdas/auth/login';
import { logout } from '../../../lambdas/auth/logout';
import { logoutAll } from '../../../lambdas/auth/logout-all';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { revokeTokens, sessionTokens } from '../../../lambdas/auth/revoke-session';
import { InvalidTokenError, UnavailableError } from '../../../lambdas/errors';
import type { TokenPair } from '../../../lambdas/tokens/issue';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const CREDENTIALS = { username: 'alice', password: 'correct horse battery' };

async function loggedIn(world: DomainWorld) {
  await register(world, CREDENTIALS);
  return login(world, CREDENTIALS, CLIENT);
}

/** The identity of a pair: what must be equal for "the same pair". */
const identity = (pair: TokenPair) => ({
  access: pair.access.claims,
  refresh: pair.refresh.claims,
});

const theSession = (world: DomainWorld) => [...world.sessions.items.values()][0];

/**
 * What the authorizer would make of the access token: `accepted` (it verifies
 * and is not revoked), `revoked`, or `refused: <reason>` (it does not verify).
 * Any other error is a crash, and is thrown: it never reads as a refusal.
 */
async function accessVerdict(world: DomainWorld, pair: TokenPair): Promise<string> {
  try {
    const { jti } = await world.verifier.verify(pair.access.token, 'access');
    return (await world.revokedTokens.isRevoked(jti)) ? 'revoked' : 'accepted';
  } catch (error) {
    if (error instanceof InvalidTokenError) return `refused: ${error.reason}`;
    throw error;
  }
}

/** Refreshes with a copy of the world, so a rejected refresh can be inspected. */
const refreshWith = (world: DomainWorld, token: string) => refresh(world, token, CLIENT);

describe('refresh', () => {
  it('rotates: a new pair, the old access and refresh tokens revoked, the rotation recorded', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);

    const second = await refreshWith(world, first.refresh.token);

    expect(second.refresh.claims.jti).not.toBe(first.refresh.claims.jti);
    expect(second.refresh.claims.exp).toBe(first.refresh.claims.exp);
    expect(world.revokedTokens.items.get(first.access.claims.jti)).toMatchObject({
      reason: 'rotated',
    });
    expect(world.revokedTokens.items.get(first.refresh.claims.jti)).toMatchObject({
      reason: 'rotated',
    });
    expect(theSession(world)).toMatchObject({
      accessJti: second.access.claims.jti,
      refreshJti: second.refresh.claims.jti,
      lastRotation: {
        previousRefreshJti: first.refresh.claims.jti,
        refreshJti: second.refresh.claims.jti,
        issuedAt: second.access.claims.iat,
        rotatedAt: world.clock().getTime(),
      },
    });
    expect(await accessVerdict(world, second)).toBe('accepted');
  });

  it('answers a double submit with the same pair and keeps the session (the reported false logout)', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);

    const winner = await refreshWith(world, first.refresh.token);
    world.clock.advance(1);
    const late = await refreshWith(world, first.refresh.token);

    expect(identity(late)).toEqual(identity(winner));
    // Signed again, not stored: the bytes differ, the claims do not.
    expect(late.access.token).not.toBe(winner.access.token);
    expect(await accessVerdict(world, winner)).toBe('accepted');
    expect(await accessVerdict(world, late)).toBe('accepted');
    expect(world.sessions.items.size).toBe(1);
    await expect(refreshWith(world, winner.refresh.token)).resolves.toBeDefined();
  });

  describe('grace window (30 s)', () => {
    it('gives the same successor within the window, and the window does not restart', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const second = await refreshWith(world, first.refresh.token);

      world.clock.advance(20);
      expect(identity(await refreshWith(world, first.refresh.token))).toEqual(identity(second));
      world.clock.advance(11);
      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'reused',
      });
    });

    it('still answers at its edge, exactly 30 s after the rotation', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const second = await refreshWith(world, first.refresh.token);

      world.clock.advance(30);

      expect(identity(await refreshWith(world, first.refresh.token))).toEqual(identity(second));
      expect(await accessVerdict(world, second)).toBe('accepted');
    });

    it('treats the previous token after the window as reuse: the session ends, 401', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const second = await refreshWith(world, first.refresh.token);

      world.clock.advance(30.001);

      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'reused',
      });
      expect(world.sessions.items.size).toBe(0);
      expect(world.revokedTokens.items.get(second.access.claims.jti)).toMatchObject({
        reason: 'reuse_detected',
      });
      expect(await accessVerdict(world, second)).toBe('revoked');
      await expect(refreshWith(world, second.refresh.token)).rejects.toBeInstanceOf(
        InvalidTokenError,
      );
    });

    it('treats a token rotated twice as reuse, even within the window', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const second = await refreshWith(world, first.refresh.token);
      const third = await refreshWith(world, second.refresh.token);

      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'reused',
      });
      expect(world.sessions.items.size).toBe(0);
      expect(await accessVerdict(world, third)).toBe('revoked');
    });

    it('never revives a session logged out within the window', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const second = await refreshWith(world, first.refresh.token);
      await logout(world, { accessToken: second.access.token }, CLIENT);
      const revocations = world.revokedTokens.items.size;

      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'session_ended',
      });
      await expect(refreshWith(world, second.refresh.token)).rejects.toBeInstanceOf(
        InvalidTokenError,
      );
      expect(world.revokedTokens.items.size).toBe(revocations);
      expect(world.revokedTokens.items.get(first.refresh.claims.jti)).toBeDefined();
    });

    it('gives 20 concurrent refreshes with one token one successor, and keeps the session', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);

      const pairs = await Promise.all(
        Array.from({ length: 20 }, () => refreshWith(world, first.refresh.token)),
      );

      const identities = new Set(pairs.map((pair) => JSON.stringify(identity(pair))));
      expect(identities.size).toBe(1);
      expect(theSession(world)?.refreshJti).toBe(pairs[0]?.refresh.claims.jti);
      for (const pair of pairs) expect(await accessVerdict(world, pair)).toBe('accepted');
      expect(await accessVerdict(world, first)).toBe('revoked');
    });

    it('gives no grace on a record an older version left stale (its pair was rotated since)', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      await refreshWith(world, first.refresh.token);
      // An older version rotates without touching lastRotation.
      const item = theSession(world);
      if (!item) throw new Error('no session');
      item.refreshJti = 'rotated-by-an-older-version';

      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'reused',
      });
      expect(world.sessions.items.size).toBe(0);
    });

    it('rotates a session stored before rotations were recorded', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      expect(theSession(world)?.lastRotation).toBeUndefined();

      const second = await refreshWith(world, first.refresh.token);

      expect(identity(await refreshWith(world, first.refresh.token))).toEqual(identity(second));
    });

    it('rotates a session stored before amr was recorded: a password login, amr ["pwd"]', async () => {
      const world = await domainWorld();
      const first = await loggedIn(world);
      const stored = theSession(world);
      if (stored) delete stored.amr;
      expect(theSession(world)?.amr).toBeUndefined();

      const second = await refreshWith(world, first.refresh.token);

      expect(second.access.claims.amr).toEqual(['pwd']);
    });
  });

  describe('strict mode (refreshGraceSeconds 0)', () => {
    it('ends the session on any second use, as without a window', async () => {
      const world = { ...(await domainWorld()), refreshGraceSeconds: 0 };
      const first = await loggedIn(world);
      await refreshWith(world, first.refresh.token);

      await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
        reason: 'reused',
      });
      expect(world.sessions.items.size).toBe(0);
    });

    it('lets exactly one of refreshes racing for the rotation win, and keeps the session', async () => {
      const world = { ...(await domainWorld()), refreshGraceSeconds: 0 };
      const first = await loggedIn(world);
      // All five have read the session before any of them writes.
      const racers = 5;
      let arrived = 0;
      let release: () => void = () => undefined;
      const allThere = new Promise<void>((resolve) => {
        release = resolve;
      });
      const rotate = world.sessions.rotate;
      const racing = {
        ...world,
        sessions: {
          ...world.sessions,
          rotate: async (...args: Parameters<typeof rotate>) => {
            if (++arrived === racers) release();
            await allThere;
            return rotate(...args);
          },
        },
      };

      const results = await Promise.allSettled(
        Array.from({ length: racers }, () => refresh(racing, first.refresh.token, CLIENT)),
      );

      const won = results.filter((result) => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected')
          expect(result.reason).toMatchObject({ reason: 'revoked' });
      }
      expect(world.sessions.items.size).toBe(1);
      expect(await accessVerdict(world, (won[0] as PromiseFulfilledResult<TokenPair>).value)).toBe(
        'accepted',
      );
    });
  });

  it('refuses the current token of a session whose revocation is under way', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);
    const session = theSession(world);
    if (!session) throw new Error('no session');
    // A logout revoked the pair and has not deleted the item yet (or failed to).
    await revokeTokens(world, sessionTokens(session), 'logout', CLIENT);

    await expect(refreshWith(world, first.refresh.token)).rejects.toMatchObject({
      reason: 'revoked',
    });
    expect(theSession(world)?.refreshJti).toBe(first.refresh.claims.jti);
  });
});

/**
 * The store calls one refresh makes, counted; `before(n)` runs before the
 * n-th (from 0) and may throw (a failure) or do something else (a race).
 */
function instrumented(
  world: DomainWorld,
  before: (call: number, name: string) => Promise<void>,
): DomainWorld {
  let calls = 0;
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await before(calls++, name);
      return fn(...args);
    };
  const { sessions, revokedTokens } = world;
  return {
    ...world,
    sessions: {
      ...sessions,
      get: wrap('sessions.get', sessions.get),
      rotate: wrap('sessions.rotate', sessions.rotate),
      remove: wrap('sessions.remove', sessions.remove),
    },
    revokedTokens: {
      ...revokedTokens,
      revoke: wrap('revokedTokens.revoke', revokedTokens.revoke),
      isRevoked: wrap('revokedTokens.isRevoked', revokedTokens.isRevoked),
    },
  };
}

/** How many store calls a plain rotation makes. */
async function rotationCalls(): Promise<number> {
  const world = await domainWorld();
  const first = await loggedIn(world);
  let count = 0;
  await refresh(
    instrumented(world, async () => {
      count++;
    }),
    first.refresh.token,
    CLIENT,
  );
  return count;
}

describe('refresh racing another refresh with the same token', () => {
  it('gives the successor to a refresh that read the session before the rotation and its revocation after it', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);
    let winner: TokenPair | undefined;
    // The winner rotates and revokes the old refresh token between the loser's
    // two parallel reads: the loser sees the token current, and revoked.
    const loser = instrumented(world, async (_call, name) => {
      if (name === 'revokedTokens.isRevoked' && !winner) {
        winner = await refreshWith(world, first.refresh.token);
      }
    });

    const replayed = await refresh(loser, first.refresh.token, CLIENT);

    if (!winner) throw new Error('the winner did not run');
    expect(identity(replayed)).toEqual(identity(winner));
    expect(theSession(world)?.refreshJti).toBe(winner.refresh.claims.jti);
    expect(await accessVerdict(world, winner)).toBe('accepted');
  });
});

describe('refresh under failures (no live token the session does not know about)', () => {
  it.each([
    ['fails', false],
    ['is applied, then the answer is lost', true],
  ])('leaves every access token findable when any store call %s', async (_, applied) => {
    const steps = await rotationCalls();
    expect(steps).toBeGreaterThanOrEqual(4);
    for (let failing = 0; failing < steps; failing++) {
      const world = await domainWorld();
      const first = await loggedIn(world);
      // Every access token that ever existed as a signed token.
      const issued: string[] = [first.access.claims.jti];
      const signPair = world.issuer.signPair;
      world.issuer.signPair = (claims) => {
        issued.push(claims.access.jti);
        return signPair(claims);
      };
      const faulty = instrumented(world, async (call) => {
        if (call === failing && !applied) throw new UnavailableError();
      });
      if (applied) {
        // The call goes through, then its answer is lost.
        let calls = 0;
        const stores = [faulty.sessions, faulty.revokedTokens] as unknown as Record<
          string,
          unknown
        >[];
        for (const store of stores) {
          for (const [name, fn] of Object.entries(store)) {
            if (typeof fn !== 'function') continue;
            store[name] = async (...args: unknown[]) => {
              const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
              if (calls++ === failing) throw new UnavailableError();
              return result;
            };
          }
        }
      }

      await expect(refresh(faulty, first.refresh.token, CLIENT)).rejects.toBeInstanceOf(
        UnavailableError,
      );
      // What the user would do next: log out everywhere (or change the password).
      await logoutAll(
        world,
        { userId: first.access.claims.sub, username: first.access.claims.username },
        CLIENT,
      );

      for (const jti of issued) {
        expect({ failing, jti, revoked: await world.revokedTokens.isRevoked(jti) }).toEqual({
          failing,
          jti,
          revoked: true,
        });
      }
      await expect(refresh(world, first.refresh.token, CLIENT)).rejects.toBeInstanceOf(
        InvalidTokenError,
      );
    }
  });

  it('lets a retry after a lost answer get the pair the rotation recorded', async () => {
    const world = await domainWorld();
    const first = await loggedIn(world);
    const rotate = world.sessions.rotate;
    let recorded: string | undefined;
    const lossy = {
      ...world,
      sessions: {
        ...world.sessions,
        rotate: async (...args: Parameters<typeof rotate>) => {
          await rotate(...args);
          recorded = args[2].refreshJti;
          throw new UnavailableError();
        },
      },
    };
    await expect(refresh(lossy, first.refresh.token, CLIENT)).rejects.toBeInstanceOf(
      UnavailableError,
    );

    const retried = await refresh(world, first.refresh.token, CLIENT);

    expect(retried.refresh.claims.jti).toBe(recorded);
    expect(await accessVerdict(world, retried)).toBe('accepted');
  });
});

describe('refresh racing a revocation', () => {
  /** Each ends the session of `pair`; `caller` is another session of the same user. */
  const revokers = {
    logout: (world: DomainWorld, pair: TokenPair) =>
      logout(world, { refreshToken: pair.refresh.token }, CLIENT),
    'logout-all': (world: DomainWorld, pair: TokenPair) =>
      logoutAll(
        world,
        { userId: pair.access.claims.sub, username: pair.access.claims.username },
        CLIENT,
      ),
    'a password change in another session': async (
      world: DomainWorld,
      _: TokenPair,
      caller: TokenPair,
    ) => {
      const { sub, sid, username } = caller.access.claims;
      await changePassword(
        world,
        { userId: sub, sessionId: sid, username },
        { currentPassword: CREDENTIALS.password, newPassword: 'another long passphrase' },
        CLIENT,
      );
    },
  };

  it.each(Object.entries(revokers))(
    'accepts no token of the session once %s returns, wherever it lands in a refresh or a grace replay',
    async (_, revoke) => {
      for (const replay of [false, true]) {
        const steps = await rotationCalls();
        for (let at = 0; at < steps + 1; at++) {
          const world = await domainWorld();
          const first = await loggedIn(world);
          const caller = await login(world, CREDENTIALS, CLIENT);
          const handedOut: TokenPair[] = [first];
          if (replay) handedOut.push(await refreshWith(world, first.refresh.token));
          let revoked: Promise<void> | undefined;
          const racing = instrumented(world, async (call) => {
            if (call === at) {
              revoked = revoke(world, first, caller);
              await revoked;
            }
          });

          await refresh(racing, first.refresh.token, CLIENT).then(
            (pair) => handedOut.push(pair),
            (error: unknown) => expect(error).toBeInstanceOf(InvalidTokenError),
          );
          // Landing after the refresh's last call: the revocation comes last.
          if (!revoked) await revoke(world, first, caller);

          for (const pair of handedOut) {
            expect({ at, replay, access: await accessVerdict(world, pair) }).toEqual({
              at,
              replay,
              access: 'revoked',
            });
            await expect(refresh(world, pair.refresh.token, CLIENT)).rejects.toBeInstanceOf(
              InvalidTokenError,
            );
          }
          expect(await world.sessions.get(first.access.claims.sub, first.access.claims.sid)).toBe(
            undefined,
          );
        }
      }
    },
  );
});
