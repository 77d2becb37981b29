/** Lambda entry: POST /auth/login. */
import { createLoginHandler } from '../http/routes/login';
import { LOGIN_PARTS } from '../login-runtime';
import { wire } from '../runtime';

export const handler = createLoginHandler(wire(LOGIN_PARTS));
