/** Lambda entry: POST /auth/mfa/totp/confirm. */
import { wireEnrolment } from '../enrolment-runtime';
import { createMfaTotpConfirmHandler } from '../http/routes/mfa-totp-confirm';

export const handler = createMfaTotpConfirmHandler(wireEnrolment());
