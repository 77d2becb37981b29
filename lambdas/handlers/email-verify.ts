/** Lambda entry: POST /auth/email/verify. */
import { createEmailRuntime } from '../email-runtime';
import { createEmailVerifyHandler } from '../http/routes/email-verify';

export const handler = createEmailVerifyHandler(createEmailRuntime());
