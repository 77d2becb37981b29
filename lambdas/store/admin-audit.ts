/**
 * The `AdminAudit` table: one item per operator action, keyed by
 * `<at>#<random>` so that ids sort by time, with `expiresAt` (TTL) at least
 * {@link AUDIT_RETENTION_DAYS} days later. Written with a conditional put
 * (an id is never overwritten); listed by a Scan, newest first: an audit
 * trail holds a few entries a day, and only an operator reads it.
 */

import { randomBytes } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AdminAuditEntry, AdminAuditStore } from '../auth/ports';
import { TABLES } from '../contract/tables';
import { storeCall } from './dynamo';

/** How long a record is kept: more than a year, as audits usually look back a year. */
export const AUDIT_RETENTION_DAYS = 400;

const KEY = TABLES.adminAudit.partitionKey.name;
const TTL = TABLES.adminAudit.ttlAttribute;
const DAY_SECONDS = 24 * 60 * 60;

function toEntry(item: Record<string, unknown>): AdminAuditEntry {
  const { at, actor, action, username, userId, note, details } = item as Partial<
    Record<keyof AdminAuditEntry, unknown>
  >;
  return {
    at: String(at),
    actor: String(actor),
    action: String(action),
    username: String(username),
    userId: String(userId),
    ...(typeof note === 'string' ? { note } : {}),
    ...(details && typeof details === 'object'
      ? { details: details as Record<string, string> }
      : {}),
  };
}

export function createAdminAuditStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): AdminAuditStore {
  return {
    async record(entry) {
      const id = `${entry.at}#${randomBytes(6).toString('hex')}`;
      const expiresAt =
        Math.floor(Date.parse(entry.at) / 1000) + AUDIT_RETENTION_DAYS * DAY_SECONDS;
      await storeCall('PutItem', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...entry, [KEY]: id, [TTL]: expiresAt },
            ConditionExpression: 'attribute_not_exists(#id)',
            ExpressionAttributeNames: { '#id': KEY },
          }),
        ),
      );
    },
    async list({ limit, username }) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await storeCall('Scan', () =>
          client.send(
            new ScanCommand({
              TableName: tableName,
              ...(username
                ? {
                    FilterExpression: '#user = :user',
                    ExpressionAttributeNames: { '#user': 'username' },
                    ExpressionAttributeValues: { ':user': username },
                  }
                : {}),
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          ),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items
        .sort((a, b) => (String(a[KEY]) < String(b[KEY]) ? 1 : -1))
        .slice(0, limit)
        .map(toEntry);
    },
  };
}
