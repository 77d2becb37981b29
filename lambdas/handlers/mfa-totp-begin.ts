/** Lambda entry: POST /auth/mfa/totp. */
import { wireEnrolment } from '../enrolment-runtime';
import { createMfaTotpBeginHandler } from '../http/routes/mfa-totp-begin';

export const handler = createMfaTotpBeginHandler(wireEnrolment());
