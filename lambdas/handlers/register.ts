/** Lambda entry: POST /auth/register. */
import { createEmailRuntime } from '../email-runtime';
import { createRegisterHandler } from '../http/routes/register';

export const handler = createRegisterHandler(createEmailRuntime());
