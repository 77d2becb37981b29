/** Lambda entry: POST /auth/logout-all (behind the authorizer). */
import { createLogoutAllHandler } from '../http/routes/logout-all';
import { revokedTokens, sessions, users, wire } from '../runtime';

export const handler = createLogoutAllHandler(wire({ revokedTokens, sessions, users }));
