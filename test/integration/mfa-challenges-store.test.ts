/**
 * The MfaChallenges store on the embedded engine: expiry checked in code
 * (TTL never deletes here), at most N counted attempts under concurrency,
 * and a challenge used up by exactly one caller.
 */
import type { MfaChallenge } from '../../lambdas/auth/ports';
import { createMfaChallengeStore } from '../../lambdas/store/mfa-challenges';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const NOW = 1_800_000_000;
let n = 0;
const challenge = (): MfaChallenge => {
  n += 1;
  return {
    tokenHash: String(n).padStart(64, '0'),
    userId: 'AAAAAAAAAAAAAAAAAAAAAA',
    username: 'alice',
    credentialsVersion: 3,
    attempts: 0,
    expiresAt: NOW + 300,
    createdAt: '2027-01-15T08:00:00.000Z',
  };
};

describe('MfaChallenges store on the embedded engine', () => {
  const store = () => createMfaChallengeStore(dynamo.documents, dynamo.tables.mfaChallenges);

  it('finds a live challenge, and not one past its end (TTL never deleted it)', async () => {
    const item = challenge();
    await store().create(item);

    await expect(store().find(item.tokenHash, NOW)).resolves.toEqual(item);
    await expect(store().find(item.tokenHash, NOW + 300)).resolves.toBeUndefined();
    await expect(store().find('f'.repeat(64), NOW)).resolves.toBeUndefined();
  });

  it('counts at most the limit of attempts, even all at once, and none after the end', async () => {
    const item = challenge();
    await store().create(item);

    const counts = await Promise.all(
      Array.from({ length: 8 }, () => store().countAttempt(item.tokenHash, NOW, 5)),
    );

    expect(counts.filter((count) => count !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
    const late = challenge();
    await store().create(late);
    await expect(store().countAttempt(late.tokenHash, NOW + 300, 5)).resolves.toBeUndefined();
  });

  it('is used up by exactly one of concurrent callers', async () => {
    const item = challenge();
    await store().create(item);

    const used = await Promise.all([
      store().consume(item.tokenHash),
      store().consume(item.tokenHash),
    ]);

    expect(used.sort()).toEqual([false, true]);
    await expect(store().find(item.tokenHash, NOW)).resolves.toBeUndefined();
    await expect(store().countAttempt(item.tokenHash, NOW, 5)).resolves.toBeUndefined();
  });
});
