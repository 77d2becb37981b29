/** Lambda entry: POST /auth/mfa/step-up. */
import { createMfaStepUpHandler } from '../http/routes/mfa-step-up';
import { createRuntime } from '../runtime';

export const handler = createMfaStepUpHandler(createRuntime());
