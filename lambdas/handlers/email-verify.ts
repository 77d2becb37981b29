/** Lambda entry: POST /auth/email/verify. */
import { wireEmail } from '../email-runtime';
import { createEmailVerifyHandler } from '../http/routes/email-verify';
import { users } from '../runtime';

export const handler = createEmailVerifyHandler(wireEmail({ users }));
