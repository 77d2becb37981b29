/** Lambda entry: GET /auth/me. */
import { createMeHandler } from '../http/routes/me';
import { users, wire } from '../runtime';

export const handler = createMeHandler(wire({ users }));
