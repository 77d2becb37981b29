import { bearerJwtOf } from '../contract/bearer';
import { InvalidTokenError } from '../errors';

/** The token of an `Authorization: Bearer <token>` header value. */
export function parseBearer(header: string | undefined): string {
  if (!header?.trim()) throw new InvalidTokenError('missing');
  // The authorizer's own validation expression: a header it lets through parses here.
  const token = bearerJwtOf(header);
  if (!token) throw new InvalidTokenError('malformed');
  return token;
}
