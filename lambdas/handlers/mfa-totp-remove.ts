/** Lambda entry: DELETE /auth/mfa/totp. */
import { wireEnrolment } from '../enrolment-runtime';
import { createMfaTotpRemoveHandler } from '../http/routes/mfa-totp-remove';

export const handler = createMfaTotpRemoveHandler(wireEnrolment());
