/** Lambda entry: POST /auth/register. */
import { wireEmail } from '../email-runtime';
import { createRegisterHandler } from '../http/routes/register';
import { passwords, users } from '../runtime';

export const handler = createRegisterHandler(wireEmail({ passwords, users }));
