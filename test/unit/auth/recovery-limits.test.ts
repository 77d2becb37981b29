/**
 * The limits of forgot password and address verification: per e-mail
 * address, per account and per client address, each a number of requests
 * per clock hour, beyond which the answer is 429 with the seconds to the
 * hour's end. They count only what the request names, so they answer the
 * same for accounts that exist and names nobody has. On the in-memory
 * stores with a manual clock.
 */
import { type EmailDeps, offerAddress, verifyEmail } from '../../../lambdas/auth/email';
import {
  type ForgotPasswordDeps,
  type ForgotRequest,
  forgotPassword,
} from '../../../lambdas/auth/password-reset';
import { register } from '../../../lambdas/auth/register';
import { InvalidGrantError, TooManyRequestsError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld, tokenOfLink } from '../../support/fakes';

const PASSWORD = 'a long enough passphrase';
const LINKS = 'https://app.example.com/recover';
const CLIENT = { ip: '203.0.113.7' };

function deps(world: DomainWorld) {
  return {
    ...world,
    // The floor is not what these tests are about.
    sleep: async (ms: number) => world.clock.advance(ms / 1000),
    email: { linkBaseUrl: LINKS, verificationTtlSeconds: 24 * 3600 },
    reset: { linkBaseUrl: LINKS, resetTtlSeconds: 900, forgotMinResponseMs: 0 },
  } satisfies EmailDeps & ForgotPasswordDeps;
}

/** alice with her address verified, the outbox emptied. */
async function alice(world: DomainWorld) {
  const user = await register(world, { username: 'alice', password: PASSWORD });
  await offerAddress(deps(world), user, 'alice@example.com');
  await verifyEmail(deps(world), tokenOfLink(world.mail.linkTo('alice@example.com')));
  world.mail.sent.length = 0;
  return user;
}

/** The outcome of one forgot request: `202`, or `429 <retry-after>`. */
async function forgot(world: DomainWorld, request: ForgotRequest, client = CLIENT) {
  try {
    await forgotPassword(deps(world), request, client);
    return '202';
  } catch (error) {
    if (error instanceof TooManyRequestsError) return `429 ${error.retryAfterSeconds}`;
    throw error;
  }
}

async function times<T>(n: number, make: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < n; i += 1) results.push(await make());
  return results;
}

/** Seconds from the world's clock to the end of its hour. */
const toHourEnd = (world: DomainWorld) =>
  3600 - (Math.floor(world.clock().getTime() / 1000) % 3600);

describe('the forgot-password limits', () => {
  it.each<[string, ForgotRequest]>([
    ['an account that exists, by username', { username: 'alice' }],
    ['a username nobody has', { username: 'nobody' }],
    ['a verified address', { email: 'alice@example.com' }],
    ['an address nobody has', { email: 'nobody@example.com' }],
  ])(
    'lets 5 requests an hour through for %s, then answers 429 until the hour ends',
    async (_case, request) => {
      const world = await domainWorld();
      await alice(world);
      const clients = [
        '198.51.100.1',
        '198.51.100.2',
        '198.51.100.3',
        '198.51.100.4',
        '198.51.100.5',
        '198.51.100.6',
      ];

      const outcomes = [];
      for (const ip of clients) outcomes.push(await forgot(world, request, { ip }));

      expect(outcomes).toEqual([...Array(5).fill('202'), `429 ${toHourEnd(world)}`]);
      world.clock.advance(toHourEnd(world));
      expect(await forgot(world, request, { ip: '198.51.100.7' })).toBe('202');
    },
  );

  it('sends nothing for a refused request, and answers it at once (no floor)', async () => {
    const world = await domainWorld();
    await alice(world);
    await times(5, () => forgot(world, { username: 'alice' }));
    const sent = world.mail.sent.length;
    const waits: number[] = [];
    const refused = forgotPassword(
      {
        ...deps(world),
        reset: { ...deps(world).reset, forgotMinResponseMs: 1500 },
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
      { username: 'alice' },
      CLIENT,
    );

    await expect(refused).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(world.mail.sent).toHaveLength(sent);
    expect(waits).toEqual([]);
  });

  it('lets 30 requests an hour through from one client address, whatever they name; another address is not held back', async () => {
    const world = await domainWorld();

    const outcomes = [];
    for (let i = 0; i < 31; i += 1) outcomes.push(await forgot(world, { username: `name-${i}` }));

    expect(outcomes.slice(0, 30)).toEqual(Array(30).fill('202'));
    expect(outcomes[30]).toMatch(/^429 /);
    expect(await forgot(world, { username: 'name-31' }, { ip: '198.51.100.9' })).toBe('202');
  });

  it('counts an IPv6 client by its /64', async () => {
    const world = await domainWorld();
    const { recoveryLimits } = world;
    world.recoveryLimits = { ...recoveryLimits, perClientPerHour: 2 };

    expect(await forgot(world, { username: 'a1' }, { ip: '2001:db8:1:2::1' })).toBe('202');
    expect(await forgot(world, { username: 'a2' }, { ip: '2001:db8:1:2::ffff' })).toBe('202');
    expect(await forgot(world, { username: 'a3' }, { ip: '2001:db8:1:2:aaaa::1' })).toMatch(
      /^429 /,
    );
    expect(await forgot(world, { username: 'a4' }, { ip: '2001:db8:1:3::1' })).toBe('202');
  });
});

describe('the verification limits', () => {
  const limited = (world: DomainWorld, ip = CLIENT.ip) => ({ deps: world, client: { ip } });

  it('counts every try on its client address, a malformed token too', async () => {
    const world = await domainWorld();
    world.recoveryLimits = { ...world.recoveryLimits, perClientPerHour: 3 };

    const tries = await times(3, () =>
      verifyEmail(deps(world), 'not-a-token', limited(world)).catch((error) => error),
    );
    const next = verifyEmail(deps(world), 'not-a-token', limited(world));

    expect(tries.every((error) => error instanceof InvalidGrantError)).toBe(true);
    await expect(next).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(
      verifyEmail(deps(world), 'not-a-token', limited(world, '198.51.100.9')),
    ).rejects.toBeInstanceOf(InvalidGrantError);
  });

  it("counts a token of ours on its account's and address's limits, from any client", async () => {
    const world = await domainWorld();
    const user = await register(world, { username: 'bob', password: PASSWORD });
    await offerAddress(deps(world), user, 'first@example.com');
    const superseded = tokenOfLink(world.mail.linkTo('first@example.com'));
    await offerAddress(deps(world), user, 'second@example.com');

    const outcomes = [];
    for (let i = 1; i <= 6; i += 1) {
      outcomes.push(
        await verifyEmail(deps(world), superseded, limited(world, `198.51.100.${i}`)).catch(
          (error: Error) => error.name,
        ),
      );
    }

    expect(outcomes).toEqual([...Array(5).fill('InvalidGrantError'), 'TooManyRequestsError']);
  });

  it.each([
    ['account', { perAccountPerHour: 2 }],
    ['address', { perAddressPerHour: 2 }],
  ])("counts a token of ours on its %s's limit, the other limit aside", async (_which, lower) => {
    const world = await domainWorld();
    world.recoveryLimits = {
      ...world.recoveryLimits,
      perAccountPerHour: 100,
      perAddressPerHour: 100,
      ...lower,
    };
    const user = await register(world, { username: 'bob', password: PASSWORD });
    await offerAddress(deps(world), user, 'first@example.com');
    const superseded = tokenOfLink(world.mail.linkTo('first@example.com'));
    await offerAddress(deps(world), user, 'second@example.com');

    const outcomes = [];
    for (let i = 1; i <= 3; i += 1) {
      outcomes.push(
        await verifyEmail(deps(world), superseded, limited(world, `198.51.100.${i}`)).catch(
          (error: Error) => error.name,
        ),
      );
    }

    expect(outcomes).toEqual(['InvalidGrantError', 'InvalidGrantError', 'TooManyRequestsError']);
  });
});

describe('the messages to one address', () => {
  it('sends at most 5 an hour to an address, whoever asks; the accounts answer and store as ever', async () => {
    const world = await domainWorld();
    const limitedDeps = { ...deps(world), messageLimits: world };
    const warnings = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    for (let i = 1; i <= 6; i += 1) {
      const user = await register(world, { username: `user-${i}`, password: PASSWORD });
      await offerAddress(limitedDeps, user, 'victim@example.com');
    }

    expect(world.mail.sent.filter((mail) => mail.to === 'victim@example.com')).toHaveLength(5);
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('reached its hourly limit'));
    warnings.mockRestore();
    expect(world.users.items.get('user-6')).toMatchObject({
      email: 'victim@example.com',
      emailVerified: false,
    });
    world.clock.advance(toHourEnd(world));
    const late = await register(world, { username: 'user-7', password: PASSWORD });
    await offerAddress(limitedDeps, late, 'victim@example.com');
    expect(world.mail.linkTo('victim@example.com')).toBeDefined();
    expect(world.mail.sent.filter((mail) => mail.to === 'victim@example.com')).toHaveLength(6);
  });
});
