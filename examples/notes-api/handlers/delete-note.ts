/** `DELETE /notes/{id}`: 204, the caller's note is gone (a second factor required, lib/notes-stack.ts). */
import { identityOf } from 'serverless-jwt-auth/identity';
import { NotesTable } from './notes';

const table = NotesTable.fromEnvironment();

export const handler = async (
  event: Parameters<typeof identityOf>[0] & { pathParameters?: { id?: string } | null },
) => {
  const { sub } = identityOf(event);
  await table.delete(sub, event.pathParameters?.id ?? '');
  return { statusCode: 204, headers: {}, body: '' };
};
