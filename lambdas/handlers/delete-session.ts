/** Lambda entry: DELETE /auth/sessions/{session_id}. */
import { createDeleteSessionHandler } from '../http/routes/delete-session';
import { revokedTokens, sessions, wire } from '../runtime';

export const handler = createDeleteSessionHandler(wire({ revokedTokens, sessions }));
