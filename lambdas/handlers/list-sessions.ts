/** Lambda entry: GET /auth/sessions. */
import { createListSessionsHandler } from '../http/routes/list-sessions';
import { sessions, wire } from '../runtime';

export const handler = createListSessionsHandler(wire({ sessions }));
