/** `GET /notes`: 200 `{"notes": [...]}`, the caller's notes only. */
import { identityOf } from 'serverless-jwt-auth/identity';
import { json, NotesTable } from './notes';

const table = NotesTable.fromEnvironment();

export const handler = async (event: Parameters<typeof identityOf>[0]) => {
  const { sub } = identityOf(event);
  return json(200, { notes: await table.list(sub) });
};
