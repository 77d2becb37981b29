/** Lambda entry: POST /auth/logout (not behind the authorizer). */
import { createLogoutHandler } from '../http/routes/logout';
import { revokedTokens, sessions, verifier, wire } from '../runtime';

export const handler = createLogoutHandler(wire({ revokedTokens, sessions, verifier }));
