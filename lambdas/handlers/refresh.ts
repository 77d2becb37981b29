/** Lambda entry: POST /auth/refresh. */
import { createRefreshHandler } from '../http/routes/refresh';
import { issuer, revokedTokens, sessions, users, verifier, wire } from '../runtime';

export const handler = createRefreshHandler(
  wire({ issuer, revokedTokens, sessions, users, verifier }),
);
