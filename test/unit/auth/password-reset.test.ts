/**
 * Forgot password and reset: a link only to a verified address, answered
 * alike (and no sooner than the floor) whatever the account; a token that
 * works once, for a while, and only while nothing newer replaced it; a reset
 * that ends every session and the lockout and leaves the second factor on.
 * On the in-memory stores with a manual clock: the floor's sleep only moves
 * the clock.
 */
import { resetPassword as adminReset } from '../../../lambdas/auth/admin';
import { changePassword } from '../../../lambdas/auth/change-password';
import { type EmailDeps, offerAddress, verifyEmail } from '../../../lambdas/auth/email';
import { login } from '../../../lambdas/auth/login';
import {
  type ForgotPasswordDeps,
  type ForgotRequest,
  forgotPassword,
  resetPassword,
} from '../../../lambdas/auth/password-reset';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidCredentialsError,
  InvalidGrantError,
  InvalidRequestError,
  MfaRequiredError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld, tokenOfLink } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'a long enough passphrase';
const NEW = 'a brand new passphrase';
const LINKS = 'https://app.example.com/recover';
const FLOOR_MS = 1500;
const TTL = 15 * 60;
const ADDRESS = 'alice@example.com';

/** The world with the e-mail settings, and a sleep that moves the manual clock and records each wait. */
function deps(world: DomainWorld) {
  const waits: number[] = [];
  return {
    ...world,
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      world.clock.advance(ms / 1000);
    },
    email: { linkBaseUrl: LINKS, verificationTtlSeconds: 24 * 3600 },
    reset: { linkBaseUrl: LINKS, resetTtlSeconds: TTL, forgotMinResponseMs: FLOOR_MS },
  } satisfies EmailDeps & ForgotPasswordDeps & { waits: number[] };
}

async function account(world: DomainWorld, username = 'alice', verified = true) {
  const user = await register(world, { username, password: PASSWORD });
  await offerAddress(deps(world), user, ADDRESS);
  if (verified) await verifyEmail(deps(world), tokenOfLink(world.mail.linkTo(ADDRESS)));
  world.mail.sent.length = 0;
  return user;
}

/** Asks for a reset and returns the token of the link sent, if one was. */
async function forgot(world: DomainWorld, request: ForgotRequest = { username: 'alice' }) {
  const before = world.mail.sent.length;
  await forgotPassword(deps(world), request, CLIENT);
  const mail = world.mail.sent.slice(before).find((sent) => sent.link);
  return mail && tokenOfLink(mail.link);
}

async function forgotToken(world: DomainWorld, request?: ForgotRequest): Promise<string> {
  const token = await forgot(world, request);
  if (!token) throw new Error('no reset link was sent');
  return token;
}

const reset = (world: DomainWorld, token: string, newPassword = NEW) =>
  resetPassword(deps(world), { token, newPassword }, CLIENT);

const userItem = (world: DomainWorld, username = 'alice') => world.users.items.get(username);

const logsIn = async (world: DomainWorld, password: string) =>
  world.passwords.verify(password, userItem(world)?.passwordHash);

describe('forgotPassword', () => {
  it.each<[string, ForgotRequest]>([
    ['its username', { username: 'alice' }],
    ['its address, the domain in any case', { email: 'alice@EXAMPLE.com' }],
  ])(
    'sends a link with a 256-bit token to the verified address of the account named by %s',
    async (_case, request) => {
      const world = await domainWorld();
      await account(world);

      const askedAt = Math.floor(world.clock().getTime() / 1000);
      const token = await forgotToken(world, request);

      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const [mail] = world.mail.sent;
      expect(mail?.to).toBe(ADDRESS);
      expect(mail?.link?.startsWith(`${LINKS}?purpose=reset_password&token=`)).toBe(true);
      // The username appears nowhere but as part of the address.
      expect(`${mail?.subject}\n${mail?.text}`).not.toMatch(/alice(?!@example\.com)/i);
      expect(mail?.text).toContain('15 minutes');
      const item = userItem(world);
      expect(item?.resetTokenExpiresAt).toBe(askedAt + TTL);
      const stored = JSON.stringify([
        ...world.users.items.values(),
        ...world.recovery.tokens.values(),
      ]);
      expect(stored).not.toContain(token);
    },
  );

  it.each<[string, (world: DomainWorld) => Promise<unknown>, ForgotRequest]>([
    ['an unknown username', async () => undefined, { username: 'nobody' }],
    ['an unknown address', async (world) => account(world), { email: 'nobody@example.com' }],
    [
      'an account without an address',
      (world) => register(world, { username: 'alice', password: PASSWORD }),
      { username: 'alice' },
    ],
    [
      'an unverified address, by username',
      (world) => account(world, 'alice', false),
      { username: 'alice' },
    ],
    [
      'an unverified address, by address',
      (world) => account(world, 'alice', false),
      { email: ADDRESS },
    ],
  ])(
    'sends nothing and writes nothing for %s, and answers alike',
    async (_case, arrange, request) => {
      const world = await domainWorld();
      await arrange(world);
      const users = JSON.stringify([...world.users.items.values()]);
      const tokens = world.recovery.tokens.size;

      await expect(forgotPassword(deps(world), request, CLIENT)).resolves.toBeUndefined();

      expect(world.mail.sent).toEqual([]);
      expect(JSON.stringify([...world.users.items.values()])).toBe(users);
      expect(world.recovery.tokens.size).toBe(tokens);
    },
  );

  it('sends nothing to the address of a disabled account', async () => {
    const world = await domainWorld();
    await account(world);
    const item = userItem(world);
    if (item) item.disabled = true;

    await forgotPassword(deps(world), { username: 'alice' }, CLIENT);

    expect(world.mail.sent).toEqual([]);
  });

  it('takes exactly the floor whether it sends or not: it waits out what the work left', async () => {
    for (const request of [{ username: 'alice' }, { username: 'nobody' }]) {
      const world = await domainWorld();
      await account(world);
      const d = deps(world);
      // Each store read takes 100 ms of the clock.
      const find = world.users.find.bind(world.users);
      world.users.find = async (name) => {
        world.clock.advance(0.1);
        return find(name);
      };
      const started = world.clock().getTime();

      await forgotPassword(d, request, CLIENT);

      expect(world.clock().getTime() - started).toBe(FLOOR_MS);
      expect(d.waits).toEqual([FLOOR_MS - 100]);
    }
  });

  it('does not wait when the work alone took longer than the floor', async () => {
    const world = await domainWorld();
    const d = { ...deps(world), reset: { ...deps(world).reset, forgotMinResponseMs: 0 } };

    await forgotPassword(d, { username: 'nobody' }, CLIENT);

    expect(d.waits).toEqual([]);
  });

  it('answers alike when the message cannot be sent (the failure is logged)', async () => {
    const world = await domainWorld();
    await account(world);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    world.mail.send = async () => {
      throw new Error('SES refused it');
    };
    const d = deps(world);
    const started = world.clock().getTime();

    await expect(forgotPassword(d, { username: 'alice' }, CLIENT)).resolves.toBeUndefined();

    expect(world.clock().getTime() - started).toBe(FLOOR_MS);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('password reset link not sent'));
    errors.mockRestore();
  });

  it('still waits out the floor when the lookup fails, then fails', async () => {
    const world = await domainWorld();
    world.users.find = async () => {
      throw new Error('store down');
    };
    const d = deps(world);

    await expect(forgotPassword(d, { username: 'alice' }, CLIENT)).rejects.toThrow('store down');
    expect(d.waits).toEqual([FLOOR_MS]);
  });

  it('refuses a malformed address at once (it names no account)', async () => {
    const world = await domainWorld();
    const d = deps(world);

    await expect(forgotPassword(d, { email: 'not an address' }, CLIENT)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(d.waits).toEqual([]);
  });
});

describe('resetPassword', () => {
  it('sets the new password, ends every session, clears the lockout, and tells the address', async () => {
    const world = await domainWorld();
    const { userId } = await account(world);
    const first = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
    const second = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
    await expect(
      login(world, { username: 'alice', password: 'wrong guess' }, { ip: '198.51.100.9' }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(world.loginAttempts.pairs.size).toBeGreaterThan(0);
    const version = userItem(world)?.credentialsVersion ?? 0;
    const token = await forgotToken(world);

    await reset(world, token);

    await expect(logsIn(world, NEW)).resolves.toBe(true);
    await expect(logsIn(world, PASSWORD)).resolves.toBe(false);
    expect(userItem(world)?.credentialsVersion).toBe(version + 1);
    expect(await world.sessions.listByUser(userId)).toEqual([]);
    for (const pair of [first, second]) {
      for (const issued of [pair.access, pair.refresh]) {
        expect(world.revokedTokens.items.get(issued.claims.jti)).toMatchObject({
          reason: 'password_reset',
        });
      }
    }
    expect(world.loginAttempts.pairs.size).toBe(0);
    expect(userItem(world)?.resetTokenHash).toBeUndefined();
    expect(world.recovery.tokens.size).toBe(0);
    expect(world.mail.sent.at(-1)).toMatchObject({
      to: ADDRESS,
      subject: 'Your password was reset',
    });
  });

  it('works once: the same token again is invalid_grant and changes nothing', async () => {
    const world = await domainWorld();
    await account(world);
    const token = await forgotToken(world);
    await reset(world, token);
    const hash = userItem(world)?.passwordHash;

    await expect(reset(world, token, 'yet another passphrase')).rejects.toBeInstanceOf(
      InvalidGrantError,
    );
    expect(userItem(world)?.passwordHash).toBe(hash);
  });

  it('lets one of two concurrent uses of a token through', async () => {
    const world = await domainWorld();
    await account(world);
    const token = await forgotToken(world);

    const results = await Promise.allSettled([
      reset(world, token, 'first new passphrase'),
      reset(world, token, 'second new passphrase'),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: expect.any(InvalidGrantError),
    });
  });

  it('refuses an ended token though the store still has it (TTL deletes late), and changes nothing', async () => {
    const world = await domainWorld();
    await account(world);
    const token = await forgotToken(world);
    world.clock.advance(TTL);
    const hash = userItem(world)?.passwordHash;

    await expect(reset(world, token)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(userItem(world)?.passwordHash).toBe(hash);
    expect(world.recovery.tokens.size).toBe(1);
  });

  it.each<[string, (world: DomainWorld, userId: string) => Promise<unknown>]>([
    ['a newer token', (world) => forgotToken(world)],
    [
      'a password change',
      async (world, userId) => {
        const { access } = await login(world, { username: 'alice', password: PASSWORD }, CLIENT);
        await changePassword(
          world,
          { userId, username: 'alice', sessionId: access.claims.sid },
          { currentPassword: PASSWORD, newPassword: 'changed by its owner' },
          CLIENT,
        );
      },
    ],
    [
      "an operator's reset (admin CLI)",
      (world) =>
        adminReset(world, 'alice', 'set by an operator', { actor: 'ops@host', client: {} }),
    ],
    [
      'an address change',
      (world, userId) =>
        offerAddress(deps(world), { username: 'alice', userId }, 'new@example.com'),
    ],
  ])('refuses a token that %s replaced or ended', async (_case, supersede) => {
    const world = await domainWorld();
    const { userId } = await account(world);
    const token = await forgotToken(world);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);

    await supersede(world, userId);

    await expect(reset(world, token)).rejects.toBeInstanceOf(InvalidGrantError);
    await expect(logsIn(world, NEW)).resolves.toBe(false);
  });

  it.each([
    ['a token of the wrong shape', 'not-a-token'],
    ['a token never issued', 'A'.repeat(43)],
  ])('refuses %s with invalid_grant', async (_case, token) => {
    const world = await domainWorld();
    await account(world);

    await expect(reset(world, token)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('refuses an address verification token', async () => {
    const world = await domainWorld();
    const user = await account(world);
    await offerAddress(deps(world), user, 'second@example.com');
    const verification = tokenOfLink(world.mail.linkTo('second@example.com'));

    await expect(reset(world, verification)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('refuses a new password the policy refuses, and the token still works after', async () => {
    const world = await domainWorld();
    await account(world);
    const token = await forgotToken(world);

    await expect(reset(world, token, 'password123')).rejects.toThrow(
      'Invalid field "new_password"',
    );
    await reset(world, token);
    await expect(logsIn(world, NEW)).resolves.toBe(true);
  });

  it('leaves a second factor on', async () => {
    const world = await domainWorld();
    await account(world);
    const item = userItem(world);
    if (item) {
      item.totp = { state: 'active', secret: 'sealed', createdAt: 'then', confirmedAt: 'then' };
      item.recoveryCodes = { abc: 'then' };
    }
    const token = await forgotToken(world);

    await reset(world, token);

    expect(userItem(world)).toMatchObject({
      totp: { state: 'active', secret: 'sealed' },
      recoveryCodes: { abc: 'then' },
    });
  });

  it('still asks for the second factor at the next login with the new password', async () => {
    const world = await domainWorld();
    await account(world);
    const item = userItem(world);
    if (item) item.totp = { state: 'active', secret: 'sealed', createdAt: 'then' };
    await reset(world, await forgotToken(world));

    await expect(login(world, { username: 'alice', password: NEW }, CLIENT)).rejects.toBeInstanceOf(
      MfaRequiredError,
    );
  });
});
