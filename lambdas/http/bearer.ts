import { InvalidTokenError } from '../errors';

const BEARER = /^Bearer +([A-Za-z0-9_.-]+) *$/i;

/** The token of an `Authorization: Bearer <token>` header value. */
export function parseBearer(header: string | undefined): string {
  if (!header?.trim()) throw new InvalidTokenError('missing');
  const token = BEARER.exec(header)?.[1];
  if (!token) throw new InvalidTokenError('malformed');
  return token;
}
