/** Lambda entry: POST /auth/email. */
import { createEmailRuntime } from '../email-runtime';
import { createEmailChangeHandler } from '../http/routes/email-change';

export const handler = createEmailChangeHandler(createEmailRuntime());
