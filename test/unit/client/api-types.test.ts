/**
 * The client's wire types are the server's bodies: each is checked against
 * the schema the handlers answer with (`lambdas/contract/bodies.ts`) or, for
 * what the client sends, read (`lambdas/contract/requests.ts`), and its
 * error codes against the server's, at compile time (a drift fails
 * `npm run typecheck`) and on a real body.
 */
import type * as z from 'zod/mini';
import type {
  ChangePasswordBody,
  EmailChangeBody,
  EmailState,
  EmailVerifyBody,
  ErrorBody,
  ForgotAccepted,
  ForgotPasswordBody,
  LoginBody,
  LogoutBody,
  Me,
  MfaCodeBody,
  MfaRequiredBody,
  MfaVerifyBody,
  RecoveryCodes,
  RefreshBody,
  RegisterBody,
  RegisteredUser,
  ResetPasswordBody,
  SessionInfo,
  SessionPage,
  TokenResponse,
  TotpEnrolment,
  TotpEnrolmentBody,
  TotpRemovalBody,
} from '../../../client/api-types';
import type { ApiErrorCode } from '../../../client/errors';
import {
  type EmailStateBody,
  type ForgotAcceptedBody,
  type MeBody,
  type RecoveryCodesBody,
  type RegisteredBody,
  type ErrorBody as ServerErrorBody,
  type MfaRequiredBody as ServerMfaRequiredBody,
  type SessionSummaryBody,
  type SessionsBody,
  sessionsBody,
  type TokensBody,
  type TotpSecretBody,
} from '../../../lambdas/contract/bodies';
import type { ErrorCode } from '../../../lambdas/contract/errors';
import type {
  changePasswordBody,
  emailChangeBody,
  emailVerifyBody,
  loginBody,
  logoutBody,
  mfaVerifyBody,
  passwordForgotBody,
  passwordResetBody,
  refreshBody,
  registrationBody,
  stepUpBody,
  totpConfirmBody,
  totpEnrolmentBody,
  totpRemovalBody,
} from '../../../lambdas/contract/requests';

/** `true` exactly when A and B are the same type (optional and `null` included). */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `true` when every A is a B. */
type Fits<A, B> = [A] extends [B] ? true : false;
/** The codes a union names, without the `string & {}` that lets any other code in. */
type Named<T> = T extends string ? (string extends T ? never : T) : never;

// Each line fails to compile when the two sides drift apart.
const checks = {
  tokens: true satisfies Same<TokenResponse, TokensBody>,
  registered: true satisfies Same<RegisteredUser, RegisteredBody>,
  me: true satisfies Same<Me, MeBody>,
  emailState: true satisfies Same<EmailState, EmailStateBody>,
  // Wider on purpose, like the error body: the client reads the message as any string.
  forgotAccepted: true satisfies Fits<ForgotAcceptedBody, ForgotAccepted>,
  // What the client sends is what the server's request schemas take.
  registerRequest: true satisfies Same<RegisterBody, z.input<typeof registrationBody>>,
  loginRequest: true satisfies Same<LoginBody, z.input<typeof loginBody>>,
  refreshRequest: true satisfies Same<RefreshBody, z.input<typeof refreshBody>>,
  logoutRequest: true satisfies Same<LogoutBody | undefined, z.input<typeof logoutBody>>,
  changePasswordRequest: true satisfies Same<
    ChangePasswordBody,
    z.input<typeof changePasswordBody>
  >,
  emailChangeRequest: true satisfies Same<EmailChangeBody, z.input<typeof emailChangeBody>>,
  emailVerifyRequest: true satisfies Same<EmailVerifyBody, z.input<typeof emailVerifyBody>>,
  forgotRequest: true satisfies Fits<ForgotPasswordBody, z.input<typeof passwordForgotBody>>,
  resetRequest: true satisfies Same<ResetPasswordBody, z.input<typeof passwordResetBody>>,
  mfaVerifyRequest: true satisfies Same<MfaVerifyBody, z.input<typeof mfaVerifyBody>>,
  stepUpRequest: true satisfies Same<MfaCodeBody, z.input<typeof stepUpBody>>,
  totpEnrolmentRequest: true satisfies Same<TotpEnrolmentBody, z.input<typeof totpEnrolmentBody>>,
  totpConfirmRequest: true satisfies Same<MfaCodeBody, z.input<typeof totpConfirmBody>>,
  totpRemovalRequest: true satisfies Same<TotpRemovalBody, z.input<typeof totpRemovalBody>>,
  totpEnrolment: true satisfies Same<TotpEnrolment, TotpSecretBody>,
  recoveryCodes: true satisfies Same<RecoveryCodes, RecoveryCodesBody>,
  mfaRequired: true satisfies Same<MfaRequiredBody, ServerMfaRequiredBody>,
  session: true satisfies Same<SessionInfo, SessionSummaryBody>,
  // The client returns `next: null` where the API leaves it out.
  pageFromServer: true satisfies Fits<
    SessionsBody,
    Omit<SessionPage, 'next'> & { next?: string | null }
  >,
  pageToServer: true satisfies Fits<SessionPage, SessionsBody>,
  // Wider on purpose: a code added later breaks no client.
  error: true satisfies Fits<ServerErrorBody, ErrorBody>,
  // But the codes it names are the server's, each of them.
  errorCodes: true satisfies Same<Named<ApiErrorCode>, ErrorCode>,
};

describe('the client wire types', () => {
  it('match the server schemas', () => {
    expect(Object.values(checks).every(Boolean)).toBe(true);
  });

  it('declare null where the server sends null, as a session never refreshed has', () => {
    const wire = {
      sessions: [
        {
          session_id: 'abcdefghijklmnopqrstuv',
          created_at: '2026-01-01T00:00:00.000Z',
          refreshed_at: null,
          expires_at: '2026-01-31T00:00:00.000Z',
          ip: null,
          user_agent: null,
          current: true,
        },
      ],
      next: null,
    } satisfies SessionPage;

    expect(sessionsBody.parse(wire)).toEqual(wire);
  });
});
