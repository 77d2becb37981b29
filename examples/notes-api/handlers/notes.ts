/**
 * The notes of one user, in a DynamoDB table keyed by the owner's `sub`
 * (partition) and the note's id, and the JSON answers of both routes. The
 * same code serves the REST API (payload 1.0 events) and the HTTP API
 * (payload 2.0): both accept `{ statusCode, headers, body }`.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';

export interface Note {
  id: string;
  text: string;
  owner: string;
}

export interface JsonResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The longest note accepted. */
export const MAX_TEXT_LENGTH = 1000;

export function json(statusCode: number, body: unknown): JsonResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** What both event shapes share about the body. */
export interface EventWithBody {
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** The `text` of a `POST /notes` body, or why it is refused. */
export function noteText(event: EventWithBody): { text: string } | { error: string } {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: 'The body must be JSON: {"text": "..."}' };
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH) {
    return { error: `"text" must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters` };
  }
  return { text };
}

/** The table, as both handlers use it. */
export class NotesTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  static fromEnvironment(): NotesTable {
    const tableName = process.env.NOTES_TABLE;
    if (!tableName) throw new Error('NOTES_TABLE is not set');
    return new NotesTable(DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName);
  }

  async list(owner: string): Promise<Note[]> {
    const notes: Note[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
          ExclusiveStartKey: start,
        }),
      );
      notes.push(...((page.Items ?? []) as Note[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return notes;
  }

  async create(owner: string, text: string): Promise<Note> {
    const note: Note = { id: randomUUID(), text, owner };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: note }));
    return note;
  }

  /** Deletes the owner's note `id`; nothing happens for a note that is not theirs. */
  async delete(owner: string, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { owner, id } }));
  }
}
