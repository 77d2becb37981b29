/** Lambda entry: DELETE /auth/sessions/{session_id}. */
import { createDeleteSessionHandler } from '../http/routes/delete-session';
import { createRuntime } from '../runtime';

export const handler = createDeleteSessionHandler(createRuntime());
