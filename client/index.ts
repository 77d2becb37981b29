/**
 * serverless-jwt-auth's browser and Node client: no dependencies, ES modules,
 * typed. Start with {@link createAuthClient}; docs/client.md has the details.
 *
 * ```ts
 * import { createAuthClient } from './client';
 * const auth = createAuthClient({ baseUrl: 'http://127.0.0.1:3000' });
 * await auth.login({ username: 'alice', password: 'correct horse battery' });
 * const me = await auth.me();
 * const response = await auth.fetch('/auth/sessions'); // Bearer token, refreshed as needed
 * ```
 */
export type {
  EmailState,
  ErrorBody,
  Me,
  MfaRequiredBody,
  RecoveryCodes,
  RegisteredUser,
  SessionInfo,
  SessionPage,
  TokenResponse,
  TotpEnrolment,
} from './api-types';
export {
  type AuthClient,
  type AuthClientEvents,
  type AuthClientOptions,
  type Clock,
  createAuthClient,
  type FetchLike,
  type SessionEndReason,
} from './auth-client';
export {
  ApiError,
  type ApiErrorCode,
  AuthClientError,
  type ClientErrorCode,
  MfaRequiredError,
  NetworkError,
  NotAuthenticatedError,
  SessionEndedError,
} from './errors';
export { DEFAULT_RETRY, type RetryPolicy } from './retry';
export {
  DEFAULT_STORAGE_KEY,
  localStorageAdapter,
  memoryStorage,
  type StoredSession,
  sessionStorageAdapter,
  type TokenStorage,
  type WebStorageArea,
  webStorage,
} from './storage';
