/**
 * The account's e-mail address: set, verified, unique among verified
 * accounts without telling anyone so; on the in-memory stores with a manual
 * clock.
 */
import {
  changeEmail,
  type EmailDeps,
  offerAddress,
  verifyEmail,
} from '../../../lambdas/auth/email';
import { register } from '../../../lambdas/auth/register';
import {
  InvalidCredentialsError,
  InvalidGrantError,
  InvalidRequestError,
} from '../../../lambdas/errors';
import { type DomainWorld, domainWorld, tokenOfLink } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const PASSWORD = 'a long enough passphrase';
const LINKS = 'https://app.example.com/recover';
const DAY = 24 * 60 * 60;
const SID = 'SSSSSSSSSSSSSSSSSSSSSS';

function deps(world: DomainWorld): EmailDeps & DomainWorld {
  return { ...world, email: { linkBaseUrl: LINKS, verificationTtlSeconds: DAY } };
}

async function account(world: DomainWorld, username: string, email?: string) {
  const user = await register(world, { username, password: PASSWORD });
  if (email !== undefined) await offerAddress(deps(world), user, email);
  return user;
}

async function verifiedAccount(world: DomainWorld, username: string, email: string) {
  const user = await account(world, username, email);
  await verifyEmail(deps(world), tokenOfLink(world.mail.linkTo(email)));
  return user;
}

const userItem = (world: DomainWorld, username: string) => world.users.items.get(username);

describe('offerAddress', () => {
  it('stores the address unverified with only the hash of a 256-bit token, and mails the link', async () => {
    const world = await domainWorld();

    await account(world, 'alice', 'alice@example.com');

    const link = world.mail.linkTo('alice@example.com') as string;
    expect(link.startsWith(`${LINKS}?token=`)).toBe(true);
    const token = tokenOfLink(link);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const item = userItem(world, 'alice');
    expect(item).toMatchObject({ email: 'alice@example.com', emailVerified: false });
    expect(JSON.stringify([...world.users.items.values()])).not.toContain(token);
    expect(JSON.stringify([...world.recovery.tokens.values()])).not.toContain(token);
    expect(item?.emailTokenExpiresAt).toBe(Math.floor(world.clock().getTime() / 1000) + DAY);
  });

  it('never puts the username in a message', async () => {
    const world = await domainWorld();

    await account(world, 'alice', 'alice@example.com');

    expect(world.mail.sent).toHaveLength(1);
    for (const mail of world.mail.sent) {
      expect(`${mail.subject}\n${mail.text}`.toLowerCase()).not.toContain('alice');
    }
  });
});

describe('verifyEmail', () => {
  it('marks the address verified and makes the account its owner', async () => {
    const world = await domainWorld();
    const { userId } = await verifiedAccount(world, 'alice', 'alice@example.com');

    expect(userItem(world, 'alice')).toMatchObject({ emailVerified: true });
    expect(userItem(world, 'alice')?.emailTokenHash).toBeUndefined();
    expect(world.recovery.addresses.get('alice@example.com')).toMatchObject({ userId });
  });

  it('answers a used token invalid_grant', async () => {
    const world = await domainWorld();
    await account(world, 'alice', 'alice@example.com');
    const token = tokenOfLink(world.mail.linkTo('alice@example.com'));
    await verifyEmail(deps(world), token);

    await expect(verifyEmail(deps(world), token)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('lets one of two concurrent uses of a token through: one conditional write consumes it', async () => {
    const world = await domainWorld();
    const { userId } = await account(world, 'alice', 'alice@example.com');
    const token = tokenOfLink(world.mail.linkTo('alice@example.com'));

    const results = await Promise.allSettled([
      verifyEmail(deps(world), token),
      verifyEmail(deps(world), token),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result) => result.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(InvalidGrantError);
    expect(userItem(world, 'alice')).toMatchObject({ emailVerified: true });
    expect(world.recovery.addresses.get('alice@example.com')).toMatchObject({ userId });
  });

  it('answers an expired token invalid_grant and changes nothing, though the store still has it', async () => {
    const world = await domainWorld();
    await account(world, 'alice', 'alice@example.com');
    const token = tokenOfLink(world.mail.linkTo('alice@example.com'));
    world.clock.advance(DAY);

    await expect(verifyEmail(deps(world), token)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(userItem(world, 'alice')).toMatchObject({ emailVerified: false });
    expect(world.recovery.tokens.size).toBe(1);
    expect(world.recovery.addresses.size).toBe(0);
  });

  it('answers a token superseded by a newer address invalid_grant', async () => {
    const world = await domainWorld();
    const user = await account(world, 'alice', 'old@example.com');
    const old = tokenOfLink(world.mail.linkTo('old@example.com'));
    await offerAddress(deps(world), user, 'new@example.com');

    await expect(verifyEmail(deps(world), old)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(userItem(world, 'alice')).toMatchObject({
      email: 'new@example.com',
      emailVerified: false,
    });
  });

  it.each([
    ['a token of the wrong shape', 'not-a-token'],
    ['a token never issued', 'A'.repeat(43)],
  ])('answers %s invalid_grant', async (_case, token) => {
    const world = await domainWorld();

    await expect(verifyEmail(deps(world), token)).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it('refuses an address another account verified meanwhile, and keeps its owner', async () => {
    const world = await domainWorld();
    const bob = await account(world, 'bob', 'shared@example.com');
    const bobToken = tokenOfLink(world.mail.linkTo('shared@example.com'));
    const alice = await account(world, 'alice', 'shared@example.com');
    const aliceToken = tokenOfLink(world.mail.linkTo('shared@example.com'));
    await verifyEmail(deps(world), aliceToken);

    await expect(verifyEmail(deps(world), bobToken)).rejects.toBeInstanceOf(InvalidGrantError);
    expect(world.recovery.addresses.get('shared@example.com')?.userId).toBe(alice.userId);
    expect(userItem(world, 'bob')).toMatchObject({ emailVerified: false });
    expect(bob.userId).not.toBe(alice.userId);
  });

  it('takes over the owner item of an account that no longer holds the address', async () => {
    const world = await domainWorld();
    await verifiedAccount(world, 'bob', 'shared@example.com');
    // Bob's address changed, and the release of the old one was lost.
    const claim = world.recovery.addresses.get('shared@example.com');
    const bobItem = userItem(world, 'bob');
    if (bobItem) bobItem.email = 'bob@example.org';
    const alice = await account(world, 'alice', 'shared@example.com');

    await verifyEmail(deps(world), tokenOfLink(world.mail.linkTo('shared@example.com')));

    expect(claim).toBeDefined();
    expect(world.recovery.addresses.get('shared@example.com')?.userId).toBe(alice.userId);
  });
});

describe('changeEmail', () => {
  it('refuses a bad address before the password is checked', async () => {
    const world = await domainWorld();
    const { userId } = await account(world, 'alice');

    const attempt = changeEmail(
      deps(world),
      { userId, username: 'alice', sessionId: SID },
      { email: 'alice@localhost\r\nBcc: x@example.com', currentPassword: 'wrong' },
      CLIENT,
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestError);
    expect(world.loginAttempts.pairs.size).toBe(0);
  });

  it('refuses a wrong current password, counts it, and changes nothing', async () => {
    const world = await domainWorld();
    const { userId } = await account(world, 'alice');

    const attempt = changeEmail(
      deps(world),
      { userId, username: 'alice', sessionId: SID },
      { email: 'alice@example.com', currentPassword: 'not the passphrase' },
      CLIENT,
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(userItem(world, 'alice')?.email).toBeUndefined();
    expect(world.mail.sent).toEqual([]);
    expect(world.loginAttempts.pair('alice', '203.0.113.7')?.attempts).toBe(1);
  });

  it('normalises the address: the domain lower-cased, the local part kept', async () => {
    const world = await domainWorld();
    const { userId } = await account(world, 'alice');

    const state = await changeEmail(
      deps(world),
      { userId, username: 'alice', sessionId: SID },
      { email: ' Alice@Example.COM ', currentPassword: PASSWORD },
      CLIENT,
    );

    expect(state).toEqual({ email: 'Alice@example.com', verified: false });
    expect(world.mail.sent.map((mail) => mail.to)).toEqual(['Alice@example.com']);
  });

  it('answers an address another account holds exactly like a success, and notifies it instead', async () => {
    const world = await domainWorld();
    await verifiedAccount(world, 'bob', 'bob@example.com');
    world.mail.sent.length = 0;
    const { userId } = await account(world, 'mallory');
    const { userId: carolId } = await account(world, 'carol');

    const clash = await changeEmail(
      deps(world),
      { userId, username: 'mallory', sessionId: SID },
      { email: 'bob@example.com', currentPassword: PASSWORD },
      CLIENT,
    );
    const fresh = await changeEmail(
      deps(world),
      { userId: carolId, username: 'carol', sessionId: SID },
      { email: 'carol@example.com', currentPassword: PASSWORD },
      CLIENT,
    );

    expect(clash).toEqual({ email: 'bob@example.com', verified: false });
    expect(fresh).toEqual({ email: 'carol@example.com', verified: false });
    const [notice, link] = world.mail.sent;
    expect(notice).toMatchObject({ to: 'bob@example.com' });
    expect(notice?.link).toBeUndefined();
    expect(link?.link).toBeDefined();
    expect(userItem(world, 'mallory')).toMatchObject({
      email: 'bob@example.com',
      emailVerified: false,
    });
    expect(userItem(world, 'mallory')?.emailTokenHash).toBeUndefined();
  });

  it('notifies the verified address it replaces and releases it', async () => {
    const world = await domainWorld();
    const { userId } = await verifiedAccount(world, 'alice', 'old@example.com');
    world.mail.sent.length = 0;

    await changeEmail(
      deps(world),
      { userId, username: 'alice', sessionId: SID },
      { email: 'new@example.com', currentPassword: PASSWORD },
      CLIENT,
    );

    expect(world.mail.sent.map((mail) => [mail.to, Boolean(mail.link)])).toEqual([
      ['old@example.com', false],
      ['new@example.com', true],
    ]);
    expect(world.recovery.addresses.has('old@example.com')).toBe(false);
  });

  it('changes nothing and sends nothing for the address the account already holds verified', async () => {
    const world = await domainWorld();
    const { userId } = await verifiedAccount(world, 'alice', 'alice@example.com');
    world.mail.sent.length = 0;

    const state = await changeEmail(
      deps(world),
      { userId, username: 'alice', sessionId: SID },
      { email: 'alice@example.com', currentPassword: PASSWORD },
      CLIENT,
    );

    expect(state).toEqual({ email: 'alice@example.com', verified: true });
    expect(world.mail.sent).toEqual([]);
  });
});
