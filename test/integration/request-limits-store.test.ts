/**
 * The recovery routes' request counters on the embedded engine: one
 * conditional ADD per count, applied only below the limit, so that of
 * concurrent requests exactly the allowed number are counted; each window
 * counts on its own.
 */
import { createRequestLimitStore } from '../../lambdas/store/request-limits';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const limits = () => createRequestLimitStore(dynamo.documents, dynamo.tables.recovery);
const count = (key: string, window = 100, limit = 3) =>
  limits().count({ key, window, limit, expiresAt: 2_000_000_000 });

describe('request counters on the embedded engine', () => {
  it('counts up to the limit, then refuses; the next window starts again', async () => {
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push(await count('forgot:account:alice'));

    expect(outcomes).toEqual([true, true, true, false]);
    expect(await count('forgot:account:alice', 101)).toBe(true);
    expect(await count('forgot:account:bob')).toBe(true);
  });

  it('lets exactly the limit through of many concurrent requests', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => count('forgot:client:203.0.113.7', 100, 5)),
    );

    expect(outcomes.filter(Boolean)).toHaveLength(5);
  });
});
