/** `POST /notes` with `{"text": "..."}`: 201 `{"id", "text", "owner"}`, owned by the caller's sub. */
import { identityOf } from 'serverless-jwt-auth/identity';
import { type EventWithBody, json, NotesTable, noteText } from './notes';

const table = NotesTable.fromEnvironment();

export const handler = async (event: Parameters<typeof identityOf>[0] & EventWithBody) => {
  const { sub } = identityOf(event);
  const body = noteText(event);
  if ('error' in body) return json(400, { error: 'invalid_request', message: body.error });
  return json(201, await table.create(sub, body.text));
};
