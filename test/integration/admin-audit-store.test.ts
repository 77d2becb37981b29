/**
 * The AdminAudit table on the embedded engine: every record is kept whole,
 * listed newest first (one user's alone if asked), and carries a TTL at
 * least 400 days after the action.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_RETENTION_DAYS, createAdminAuditStore } from '../../lambdas/store/admin-audit';
import { startTestDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(() => dynamo.close());

const entry = (at: string, username: string, action: string) => ({
  at,
  actor: 'jane@ops-laptop',
  action,
  username,
  userId: `${username}-id`,
});

describe('the AdminAudit store', () => {
  it('keeps each record, lists the newest first, filters by user, and expires it after 400 days at the earliest', async () => {
    const audit = createAdminAuditStore(dynamo.documents, dynamo.tables.adminAudit);
    await audit.record({
      ...entry('2026-01-02T00:00:00.000Z', 'alice', 'reset_password'),
      note: 'INC-7',
    });
    await audit.record(entry('2026-01-03T00:00:00.000Z', 'bob', 'disable_user'));
    // Two actions in the same millisecond are two records.
    await audit.record({
      ...entry('2026-01-03T00:00:00.000Z', 'alice', 'revoke_sessions'),
      details: { sessionId: 's-1' },
    });

    const all = await audit.list({ limit: 10 });
    expect(all.map((record) => record.action).sort()).toEqual([
      'disable_user',
      'reset_password',
      'revoke_sessions',
    ]);
    expect(all.at(-1)).toEqual({
      ...entry('2026-01-02T00:00:00.000Z', 'alice', 'reset_password'),
      note: 'INC-7',
    });
    const alices = await audit.list({ limit: 10, username: 'alice' });
    expect(alices.map((record) => record.action)).toEqual(['revoke_sessions', 'reset_password']);
    expect(alices[0]?.details).toEqual({ sessionId: 's-1' });
    expect(await audit.list({ limit: 1 })).toHaveLength(1);

    const { Items = [] } = await dynamo.documents.send(
      new ScanCommand({ TableName: dynamo.tables.adminAudit }),
    );
    const minimum = Date.parse('2026-01-02T00:00:00.000Z') / 1000 + 400 * 24 * 60 * 60;
    expect(AUDIT_RETENTION_DAYS).toBeGreaterThanOrEqual(400);
    for (const item of Items) expect(item.expiresAt).toBeGreaterThanOrEqual(minimum);
  });
});
