/** Lambda entry: POST /auth/mfa/verify. */
import { createMfaVerifyHandler } from '../http/routes/mfa-verify';
import { LOGIN_PARTS } from '../login-runtime';
import { mfa, totpCipher, wire } from '../runtime';

export const handler = createMfaVerifyHandler(wire({ ...LOGIN_PARTS, mfa, totpCipher }));
