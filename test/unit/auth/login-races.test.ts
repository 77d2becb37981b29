/**
 * A login in flight against a password change or logout-all of the same
 * user, every interleaving of their steps reproduced deterministically: one
 * operation is held at a store call (`pauseAt`) while the other runs to the
 * end. Whatever the order, once both are done no session opened with the old
 * password (or before the logout-all) is usable.
 */
import { authenticateAccessToken } from '../../../lambdas/auth/authenticate';
import { changePassword } from '../../../lambdas/auth/change-password';
import { offerAddress, verifyEmail } from '../../../lambdas/auth/email';
import { login } from '../../../lambdas/auth/login';
import { logoutAll } from '../../../lambdas/auth/logout-all';
import { forgotPassword, resetPassword } from '../../../lambdas/auth/password-reset';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { InvalidCredentialsError, InvalidTokenError } from '../../../lambdas/errors';
import type { TokenPair } from '../../../lambdas/tokens/issue';
import {
  type DomainWorld,
  domainWorld,
  type Pause,
  pauseAt,
  tokenOfLink,
} from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const USERNAME = 'alice';
const OLD_PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a completely new secret';

interface Revoker {
  name: string;
  run(world: DomainWorld, caller: TokenPair): Promise<void>;
  /** The store call that makes the credentials change (the first step to hold it at). */
  bump(world: DomainWorld): Pause;
  /** The sessions that must remain once it is done. */
  survivors(caller: TokenPair): string[];
}

const callerOf = (pair: TokenPair) => ({
  userId: pair.access.claims.sub,
  username: USERNAME,
  sessionId: pair.access.claims.sid,
});

const REVOKERS: Revoker[] = [
  {
    name: 'password change',
    run: (world, caller) =>
      changePassword(
        world,
        callerOf(caller),
        { currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD },
        CLIENT,
      ),
    bump: (world) => pauseAt(world.users, 'changePassword'),
    // The session that changed the password stays.
    survivors: (caller) => [caller.access.claims.sid],
  },
  {
    name: 'logout-all',
    run: (world, caller) => logoutAll(world, callerOf(caller), CLIENT),
    bump: (world) => pauseAt(world.users, 'bumpCredentialsVersion'),
    survivors: () => [],
  },
  {
    name: 'password reset by e-mail',
    run: async (world, caller) => {
      const links = 'https://app.example.com/recover';
      const deps = {
        ...world,
        email: { linkBaseUrl: links, verificationTtlSeconds: 3600 },
        reset: { linkBaseUrl: links, resetTtlSeconds: 900, forgotMinResponseMs: 0 },
        sleep: async () => undefined,
      };
      await offerAddress(deps, callerOf(caller), 'alice@example.com');
      await verifyEmail(deps, tokenOfLink(world.mail.linkTo('alice@example.com')));
      await forgotPassword(deps, { username: USERNAME }, CLIENT);
      const token = tokenOfLink(world.mail.linkTo('alice@example.com'));
      await resetPassword(deps, { token, newPassword: NEW_PASSWORD }, CLIENT);
    },
    bump: (world) => pauseAt(world.recovery, 'consumeResetToken'),
    // Every session ends, the caller's too.
    survivors: () => [],
  },
];

async function setUp() {
  const world = await domainWorld();
  await register(world, { username: USERNAME, password: OLD_PASSWORD });
  const caller = await login(world, { username: USERNAME, password: OLD_PASSWORD }, CLIENT);
  return { world, caller };
}

const oldPasswordLogin = (world: DomainWorld) =>
  login(world, { username: USERNAME, password: OLD_PASSWORD }, CLIENT);

/**
 * The invariant: the login either failed like a wrong password, or its tokens
 * are dead (access revoked, refresh refused); and no session is left but the
 * revoker's survivors.
 */
async function expectNoUsableSession(
  world: DomainWorld,
  outcome: PromiseSettledResult<TokenPair>,
  survivors: string[],
): Promise<void> {
  if (outcome.status === 'rejected') {
    expect(outcome.reason).toBeInstanceOf(InvalidCredentialsError);
  } else {
    const pair = outcome.value;
    await expect(authenticateAccessToken(world, pair.access.token)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    await expect(refresh(world, pair.refresh.token, CLIENT)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  }
  const left = [...world.sessions.items.values()].map((session) => session.sessionId);
  expect(left.sort()).toEqual([...survivors].sort());
}

describe.each(REVOKERS)('a login in flight during a $name', (revoker) => {
  // The login is held at one of its steps while the revoker runs to the end.
  it.each<[string, (world: DomainWorld) => Pause]>([
    [
      'after checking the password, before creating its session',
      (world) => pauseAt(world.sessions, 'create'),
    ],
    [
      'after creating its session, before reading the user again',
      (world) => pauseAt(world.users, 'find', 2),
    ],
    [
      'after reading the user again, before enforcing the cap',
      (world) => pauseAt(world.sessions, 'listByUser'),
    ],
  ])('is not usable when held %s', async (_step, pauseLogin) => {
    const { world, caller } = await setUp();
    const pause = pauseLogin(world);

    const pending = oldPasswordLogin(world);
    await pause.reached;
    await revoker.run(world, caller);
    pause.release();
    const [outcome] = await Promise.allSettled([pending]);

    await expectNoUsableSession(world, outcome as PromiseSettledResult<TokenPair>, [
      ...revoker.survivors(caller),
    ]);
  });

  // The revoker is held at one of its steps while the login runs to the end.
  it.each([
    ['before bumping the credentials version', 'bump'],
    ['after the bump, before listing the sessions', 'list'],
  ] as const)('is not usable when the revoker is held %s', async (_step, where) => {
    const { world, caller } = await setUp();
    const pause = where === 'bump' ? revoker.bump(world) : pauseAt(world.sessions, 'listByUser', 1);

    const revoking = revoker.run(world, caller);
    await pause.reached;
    const [outcome] = await Promise.allSettled([oldPasswordLogin(world)]);
    pause.release();
    await revoking;

    await expectNoUsableSession(world, outcome as PromiseSettledResult<TokenPair>, [
      ...revoker.survivors(caller),
    ]);
  });
});

describe('credentials version', () => {
  it('is recorded on the session, and a login overtaken by it leaves no session behind', async () => {
    const { world, caller } = await setUp();
    expect(
      world.sessions.items.get(`${caller.access.claims.sub}/${caller.access.claims.sid}`),
    ).toMatchObject({ credentialsVersion: 0 });

    const pause = pauseAt(world.sessions, 'create');
    const pending = oldPasswordLogin(world);
    await pause.reached;
    await logoutAll(world, callerOf(caller), CLIENT);
    pause.release();

    await expect(pending).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(world.sessions.items.size).toBe(0);
    expect(world.users.items.get(USERNAME)?.credentialsVersion).toBe(1);
  });

  it('reads a user stored without it as version 0, and a later login works', async () => {
    const { world, caller } = await setUp();
    const stored = world.users.items.get(USERNAME);
    delete stored?.credentialsVersion;

    await changePassword(
      world,
      callerOf(caller),
      { currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD },
      CLIENT,
    );

    expect(world.users.items.get(USERNAME)?.credentialsVersion).toBe(1);
    await expect(
      login(world, { username: USERNAME, password: NEW_PASSWORD }, CLIENT),
    ).resolves.toBeDefined();
  });

  it('is not moved by re-hashing a password at login, so concurrent logins both succeed', async () => {
    const { world } = await setUp();
    const before = world.users.items.get(USERNAME)?.credentialsVersion ?? 0;
    const rehashing = { ...world, passwords: { ...world.passwords, needsRehash: () => true } };

    const results = await Promise.all([
      login(rehashing, { username: USERNAME, password: OLD_PASSWORD }, CLIENT),
      login(rehashing, { username: USERNAME, password: OLD_PASSWORD }, CLIENT),
    ]);

    expect(results).toHaveLength(2);
    expect(world.users.items.get(USERNAME)?.credentialsVersion ?? 0).toBe(before);
  });
});
