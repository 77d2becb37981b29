/**
 * `users set-email` on the in-memory stores: an operator's address is
 * verified only by its link, or at once when the operator vouches for it
 * (`verified`); it stays unique among verified accounts, ends any open reset
 * or verification token, releases and tells the verified address it
 * replaces, and is audited before it acts.
 */
import type { Operator } from '../../../lambdas/auth/admin';
import { listAudit, showUser } from '../../../lambdas/auth/admin';
import {
  AddressTakenError,
  MailUnavailableError,
  setUserEmail,
} from '../../../lambdas/auth/admin-email';
import { type EmailSettings, offerAddress, verifyEmail } from '../../../lambdas/auth/email';
import { forgotPassword, resetPassword } from '../../../lambdas/auth/password-reset';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidGrantError,
  InvalidRequestError,
  NotFoundError,
  UnavailableError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld, tokenOfLink } from '../../support/fakes';

const PASSWORD = 'correct horse battery';
const LINKS = 'http://127.0.0.1:3000/';
const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const DAY = 24 * 60 * 60;
const OPERATOR: Operator = { actor: 'jane@ops-laptop', note: 'ticket 7: user lost access' };

let logLines: jest.SpyInstance;

beforeEach(() => {
  logLines = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  logLines.mockRestore();
});

type World = DomainWorld & { email: EmailSettings };

async function setUp(): Promise<World> {
  const base = await domainWorld();
  const world = { ...base, email: { linkBaseUrl: LINKS, verificationTtlSeconds: DAY } };
  await register(world, { username: 'alice', password: PASSWORD });
  await register(world, { username: 'bob', password: PASSWORD });
  return world;
}

const item = (world: World, username: string) => world.users.items.get(username);

/** `username` holds `email` verified, through the user's own path. */
async function verifiedByUser(world: World, username: string, email: string): Promise<void> {
  const user = item(world, username);
  if (!user) throw new Error(`no ${username}`);
  await offerAddress(world, user, email);
  await verifyEmail(world, tokenOfLink(world.mail.linkTo(email)));
}

describe('setUserEmail: by default the address is verified by its link', () => {
  it('sets it unverified, sends the link to it, and the link verifies it', async () => {
    const world = await setUp();

    const result = await setUserEmail(
      world,
      'Alice',
      'Alice@Example.COM',
      { verified: false },
      OPERATOR,
    );

    expect(result).toEqual({
      username: 'alice',
      userId: item(world, 'alice')?.userId,
      email: 'Alice@example.com',
      verified: false,
      changed: true,
      linkSent: true,
    });
    expect(item(world, 'alice')).toMatchObject({
      email: 'Alice@example.com',
      emailVerified: false,
    });
    expect(world.recovery.addresses.size).toBe(0);
    const link = world.mail.linkTo('Alice@example.com') as string;
    expect(link.startsWith(`${LINKS}?token=`)).toBe(true);

    await verifyEmail(world, tokenOfLink(link));
    expect(await showUser(world, 'alice')).toMatchObject({
      email: 'Alice@example.com',
      emailVerified: true,
    });
  });

  it('is refused where the target sends no mail, changing nothing and recording nothing', async () => {
    const world = await setUp();
    const { mail: _mail, ...withoutMail } = world;

    await expect(
      setUserEmail(withoutMail, 'alice', 'alice@example.com', { verified: false }, OPERATOR),
    ).rejects.toBeInstanceOf(MailUnavailableError);

    expect(item(world, 'alice')?.email).toBeUndefined();
    expect(await listAudit(world, { limit: 10 })).toEqual([]);
  });
});

describe('setUserEmail: verified by the operator', () => {
  it('verifies it at once, claims the address, sends nothing to it', async () => {
    const world = await setUp();

    const result = await setUserEmail(
      world,
      'alice',
      'alice@example.com',
      { verified: true },
      OPERATOR,
    );

    expect(result).toMatchObject({ verified: true, changed: true, linkSent: false });
    expect(item(world, 'alice')).toMatchObject({
      email: 'alice@example.com',
      emailVerified: true,
      emailVerifiedAt: world.clock().toISOString(),
    });
    expect(world.recovery.addresses.get('alice@example.com')?.userId).toBe(
      item(world, 'alice')?.userId,
    );
    expect(world.mail.sent).toEqual([]);
  });

  it('works where the target sends no mail; the replaced address is then not told, and it says so', async () => {
    const world = await setUp();
    await verifiedByUser(world, 'alice', 'old@example.com');
    const { mail, ...withoutMail } = world;
    const sentBefore = mail.sent.length;

    const result = await setUserEmail(
      withoutMail,
      'alice',
      'new@example.com',
      { verified: true },
      OPERATOR,
    );

    expect(result.previous).toEqual({ email: 'old@example.com', notified: false });
    expect(mail.sent).toHaveLength(sentBefore);
    expect(world.recovery.addresses.has('old@example.com')).toBe(false);
  });

  it('ends a pending verification link of an earlier address', async () => {
    const world = await setUp();
    const alice = item(world, 'alice');
    if (!alice) throw new Error('no alice');
    await offerAddress(world, alice, 'typo@example.com');
    const pending = tokenOfLink(world.mail.linkTo('typo@example.com'));

    await setUserEmail(world, 'alice', 'alice@example.com', { verified: true }, OPERATOR);

    await expect(verifyEmail(world, pending)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(item(world, 'alice')).toMatchObject({
      email: 'alice@example.com',
      emailVerified: true,
    });
  });
});

describe('setUserEmail: both ways', () => {
  it.each([false, true])(
    'refuses an address verified on another account, naming it, nothing changed (verified: %s)',
    async (verified) => {
      const world = await setUp();
      await verifiedByUser(world, 'bob', 'shared@example.com');
      const sentBefore = world.mail.sent.length;

      const refused = setUserEmail(world, 'alice', 'shared@EXAMPLE.com', { verified }, OPERATOR);

      await expect(refused).rejects.toBeInstanceOf(AddressTakenError);
      await expect(refused).rejects.toThrow(
        'shared@example.com is verified on another account (bob)',
      );
      expect(item(world, 'alice')?.email).toBeUndefined();
      expect(world.recovery.addresses.get('shared@example.com')?.username).toBe('bob');
      expect(world.mail.sent).toHaveLength(sentBefore);
      expect(await listAudit(world, { limit: 10, rawName: 'alice' })).toEqual([]);
    },
  );

  it.each([false, true])(
    'ends an open password-reset link: it answers invalid_grant after the change (verified: %s)',
    async (verified) => {
      const world = await setUp();
      await verifiedByUser(world, 'alice', 'old@example.com');
      const recovery = {
        ...world,
        sleep: async () => undefined,
        reset: { linkBaseUrl: LINKS, resetTtlSeconds: 900, forgotMinResponseMs: 0 },
      };
      await forgotPassword(recovery, { username: 'alice' }, CLIENT);
      const token = tokenOfLink(world.mail.linkTo('old@example.com'));
      expect(item(world, 'alice')?.resetTokenHash).toBeDefined();

      await setUserEmail(world, 'alice', 'new@example.com', { verified }, OPERATOR);

      expect(item(world, 'alice')?.resetTokenHash).toBeUndefined();
      await expect(
        resetPassword(recovery, { token, newPassword: 'a brand new passphrase' }, CLIENT),
      ).rejects.toBeInstanceOf(InvalidGrantError);
    },
  );

  it.each([false, true])(
    'releases the verified address it replaces and tells it; another account may then verify it (verified: %s)',
    async (verified) => {
      const world = await setUp();
      await verifiedByUser(world, 'alice', 'old@example.com');

      const result = await setUserEmail(world, 'alice', 'new@example.com', { verified }, OPERATOR);

      expect(result.previous).toEqual({ email: 'old@example.com', notified: true });
      expect(world.mail.sent.filter((mail) => mail.to === 'old@example.com').at(-1)?.subject).toBe(
        'Your e-mail address was changed',
      );
      await verifiedByUser(world, 'bob', 'old@example.com');
      expect(await showUser(world, 'bob')).toMatchObject({
        email: 'old@example.com',
        emailVerified: true,
      });
    },
  );

  it('takes an address another account only has unverified: that account can no longer verify it', async () => {
    const world = await setUp();
    const bob = item(world, 'bob');
    if (!bob) throw new Error('no bob');
    await offerAddress(world, bob, 'contested@example.com');
    const bobsLink = tokenOfLink(world.mail.linkTo('contested@example.com'));

    await setUserEmail(world, 'alice', 'contested@example.com', { verified: true }, OPERATOR);

    await expect(verifyEmail(world, bobsLink)).rejects.toBeInstanceOf(InvalidGrantError);
    expect((await showUser(world, 'bob')).emailVerified).toBe(false);
    expect(world.recovery.addresses.get('contested@example.com')?.username).toBe('alice');
  });

  it('audits the address and how it was verified, before acting', async () => {
    const world = await setUp();

    await setUserEmail(world, 'alice', 'a@example.com', { verified: false }, OPERATOR);
    await setUserEmail(world, 'alice', 'b@example.com', { verified: true }, OPERATOR);

    const records = await listAudit(world, { limit: 10, rawName: 'alice' });
    expect(
      records.map(({ action, actor, note, details }) => ({ action, actor, note, details })),
    ).toEqual([
      {
        action: 'set_email',
        actor: OPERATOR.actor,
        note: OPERATOR.note,
        details: { email: 'b@example.com', verified: 'by operator' },
      },
      {
        action: 'set_email',
        actor: OPERATOR.actor,
        note: OPERATOR.note,
        details: { email: 'a@example.com', verified: 'link sent' },
      },
    ]);

    world.auditLog.failing = true;
    await expect(
      setUserEmail(world, 'alice', 'c@example.com', { verified: true }, OPERATOR),
    ).rejects.toBeInstanceOf(UnavailableError);
    expect(item(world, 'alice')?.email).toBe('b@example.com');
    expect(world.recovery.addresses.has('c@example.com')).toBe(false);
  });

  it('changes nothing for the address the account already holds verified', async () => {
    const world = await setUp();
    await verifiedByUser(world, 'alice', 'alice@example.com');
    const sentBefore = world.mail.sent.length;

    const result = await setUserEmail(
      world,
      'alice',
      'alice@EXAMPLE.com',
      { verified: false },
      OPERATOR,
    );

    expect(result).toMatchObject({ changed: false, verified: true, linkSent: false });
    expect(world.mail.sent).toHaveLength(sentBefore);
    expect(await listAudit(world, { limit: 10 })).toEqual([]);
  });

  it('refuses a malformed address (400) and an unknown user (404)', async () => {
    const world = await setUp();

    await expect(
      setUserEmail(world, 'alice', 'not an address', { verified: true }, OPERATOR),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      setUserEmail(world, 'carol', 'carol@example.com', { verified: true }, OPERATOR),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(world.recovery.addresses.size).toBe(0);
  });
});
