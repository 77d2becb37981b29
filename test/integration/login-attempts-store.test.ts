/**
 * The LoginAttempts store on the embedded engine: the conditional writes
 * that count first. Concurrent attempts at one pair each get their own count
 * and no more than the threshold are admitted; a write sent twice (as an SDK
 * retry does) counts once; the ceiling counts across addresses per window; a
 * stale count restarts; a success resets its pair; an unlock finds every
 * counter of the account through its partition.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { PairRule } from '../../lambdas/auth/ports';
import { UnavailableError } from '../../lambdas/errors';
import { createLoginAttemptStore } from '../../lambdas/store/login-attempts';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';
import { manualClock } from '../support/fakes';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  // Open the connections once, so the concurrent test below does not pay for it.
  await createLoginAttemptStore(dynamo.documents, dynamo.tables.loginAttempts).listAccount('x');
});

afterAll(() => dynamo.close());

const START = new Date('2026-01-01T00:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;

describe('LoginAttempts store on the embedded engine', () => {
  const clock = manualClock(START);
  const store = () => createLoginAttemptStore(dynamo.documents, dynamo.tables.loginAttempts, clock);
  let ids = 0;
  const attempt = () => {
    ids += 1;
    return { attemptId: `attempt-${ids}`, now: clock().getTime() };
  };
  const rule = (threshold = 5): PairRule => {
    const now = clock().getTime();
    return {
      threshold,
      checkLeaseUntil: now + 30_000,
      staleBefore: now - DAY_MS,
      expiresAt: Math.floor(now / 1000) + 30 * 24 * 60 * 60,
    };
  };

  it('admits 5 of 10 concurrent attempts at one pair, each with its own count, and locks the rest out', async () => {
    const key = { account: 'alice', address: '203.0.113.1' };

    const results = await Promise.all(
      Array.from({ length: 10 }, () => store().admitPair(key, attempt(), rule())),
    );

    const admitted = results.flatMap((result) => (result.admitted ? [result.attempts] : []));
    expect(admitted.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    const refused = results.filter((result) => !result.admitted);
    expect(refused).toHaveLength(5);
    // The fifth holds the pair while its password is checked.
    expect(refused[0]).toEqual({ admitted: false, lockedUntil: clock().getTime() + 30_000 });
  });

  it('counts a write sent twice once, and fails that attempt closed', async () => {
    const key = { account: 'alice', address: '203.0.113.2' };
    const once = attempt();

    await expect(store().admitPair(key, once, rule())).resolves.toMatchObject({ attempts: 1 });
    await expect(store().admitPair(key, once, rule())).rejects.toBeInstanceOf(UnavailableError);

    await expect(store().admitPair(key, attempt(), rule())).resolves.toMatchObject({ attempts: 2 });
  });

  it('locks a pair after a failed check, and admits the next attempt once the lock has ended', async () => {
    const key = { account: 'bob', address: '203.0.113.3' };
    for (let i = 0; i < 5; i += 1) await store().admitPair(key, attempt(), rule());
    await store().settleFailure(key, clock().getTime() + 2000, rule().expiresAt);

    await expect(store().admitPair(key, attempt(), rule())).resolves.toEqual({
      admitted: false,
      lockedUntil: clock().getTime() + 2000,
    });
    clock.advance(2);
    await expect(store().admitPair(key, attempt(), rule())).resolves.toMatchObject({
      admitted: true,
      attempts: 6,
    });
  });

  it('resets a pair at a success and remembers it; other pairs keep their counts', async () => {
    const mine = { account: 'carol', address: '198.51.100.1' };
    const theirs = { account: 'carol', address: '203.0.113.4' };
    for (let i = 0; i < 3; i += 1) {
      await store().admitPair(mine, attempt(), rule());
      await store().admitPair(theirs, attempt(), rule());
    }

    await store().recordSuccess(mine, clock().getTime(), rule().expiresAt);

    await expect(store().admitPair(mine, attempt(), rule())).resolves.toEqual({
      admitted: true,
      attempts: 1,
      lastSuccessAt: clock().getTime(),
    });
    await expect(store().admitPair(theirs, attempt(), rule())).resolves.toMatchObject({
      attempts: 4,
    });
  });

  it('starts a count again at 1 when its last attempt is a day old', async () => {
    const key = { account: 'dave', address: '203.0.113.5' };
    for (let i = 0; i < 4; i += 1) await store().admitPair(key, attempt(), rule());
    clock.advance(24 * 60 * 60);

    await expect(store().admitPair(key, attempt(), rule())).resolves.toMatchObject({ attempts: 1 });
  });

  it('gives a withdrawn attempt back, and the lock it held', async () => {
    const key = { account: 'erin', address: '203.0.113.6' };
    for (let i = 0; i < 4; i += 1) await store().admitPair(key, attempt(), rule());
    const fifth = attempt();
    await store().admitPair(key, fifth, rule());

    await store().withdraw(key, fifth, true);

    await expect(store().admitPair(key, attempt(), rule())).resolves.toMatchObject({ attempts: 5 });
  });

  it('counts the ceiling across addresses: 5 of 12 concurrent in a window, then a new window', async () => {
    const ceiling = {
      ceiling: 5,
      window: 100,
      expiresAt: 2 ** 31,
    };

    const results = await Promise.all(
      Array.from({ length: 12 }, () => store().admitAccount('frank', attempt(), ceiling)),
    );

    expect(results.filter(Boolean)).toHaveLength(5);
    await expect(
      store().admitAccount('frank', attempt(), { ...ceiling, window: 101 }),
    ).resolves.toBe(true);
    const again = attempt();
    await store().admitAccount('frank', again, { ...ceiling, window: 101 });
    // Sent twice: counted once.
    await expect(store().admitAccount('frank', again, { ...ceiling, window: 101 })).resolves.toBe(
      true,
    );
    expect((await store().listAccount('frank')).ceiling).toEqual({ window: 101, count: 2 });
  });

  it('lists and clears every counter of an account through its partition, and no other', async () => {
    for (const address of ['192.0.2.1', '192.0.2.2', '2001:db8::/64']) {
      await store().admitPair({ account: 'grace', address }, attempt(), rule());
    }
    await store().admitAccount('grace', attempt(), { ceiling: 30, window: 1, expiresAt: 2 ** 31 });
    await store().admitPair({ account: 'heidi', address: '192.0.2.1' }, attempt(), rule());

    const listed = await store().listAccount('grace');
    expect(listed.pairs.map((pair) => pair.address).sort()).toEqual([
      '192.0.2.1',
      '192.0.2.2',
      '2001:db8::/64',
    ]);
    await expect(store().clearAccount('grace')).resolves.toBe(4);
    await expect(store().listAccount('grace')).resolves.toEqual({ pairs: [] });
    expect((await store().listAccount('heidi')).pairs).toHaveLength(1);
  });

  it('stores the TTL as an epoch-seconds Number', async () => {
    const key = { account: 'ivan', address: '192.0.2.9' };
    await store().admitPair(key, attempt(), rule());
    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: dynamo.tables.loginAttempts,
        Key: { account: { S: 'ivan' }, address: { S: '192.0.2.9' } },
      }),
    );
    expect(Item?.expiresAt).toEqual({ N: String(rule().expiresAt) });
  });
});
