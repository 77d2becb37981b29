/**
 * The response bodies of the API as schemas (`zod/mini`): handlers build
 * bodies that `satisfies` the types below (a type-only import, so no schema
 * code reaches a bundle that only answers), tests parse what came back with
 * the schemas instead of redeclaring the shapes, and an API description can
 * be generated from them. Field names are snake_case, as on the wire.
 */
import * as z from 'zod/mini';
import { FORGOT_ACCEPTED_MESSAGE } from './answers';
import { ERROR_CODES } from './errors';

const seconds = () => z.number().check(z.int(), z.positive());
/** ISO 8601 in UTC, as `Date.prototype.toISOString` writes it. */
const instant = () => z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/));

/** `{"error", "message"}`: every refusal and failure. */
export const errorBody = z.strictObject({ error: z.enum(ERROR_CODES), message: z.string() });
export type ErrorBody = z.infer<typeof errorBody>;

/** 403 of login for an account with a second factor: the token `POST /auth/mfa/verify` takes. */
export const mfaRequiredBody = z.strictObject({
  error: z.literal('mfa_required'),
  message: z.string(),
  /** Opaque; valid for 5 minutes and 5 codes. */
  mfa_token: z.string(),
});
export type MfaRequiredBody = z.infer<typeof mfaRequiredBody>;

/** 200 of login and refresh; lifetimes in seconds from issue. */
export const tokensBody = z.strictObject({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: seconds(),
  refresh_expires_in: seconds(),
});
export type TokensBody = z.infer<typeof tokensBody>;

/** 201 of register: the new user's id and its normalised name. */
export const registeredBody = z.strictObject({ user_id: z.string(), username: z.string() });
export type RegisteredBody = z.infer<typeof registeredBody>;

/** 200 of `GET /auth/me`: who the access token belongs to, when it ends, and the account's address. */
export const meBody = z.strictObject({
  user_id: z.string(),
  username: z.string(),
  session_id: z.string(),
  expires_at: instant(),
  /** The account's address, normalised; `null` when it has none. */
  email: z.nullable(z.string()),
  email_verified: z.boolean(),
});
export type MeBody = z.infer<typeof meBody>;

/** 202 of `POST /auth/email`: the address as stored, and whether it is verified (false until its link comes back). */
export const emailStateBody = z.strictObject({ email: z.string(), email_verified: z.boolean() });
export type EmailStateBody = z.infer<typeof emailStateBody>;

/** 202 of `POST /auth/password/forgot`: always this body. */
export const forgotAcceptedBody = z.strictObject({ message: z.literal(FORGOT_ACCEPTED_MESSAGE) });
export type ForgotAcceptedBody = z.infer<typeof forgotAcceptedBody>;

/** One live session of the caller. */
export const sessionSummaryBody = z.strictObject({
  session_id: z.string(),
  created_at: instant(),
  /** `null` until the first refresh. */
  refreshed_at: z.nullable(instant()),
  /** The end of the session: refreshing never moves it. */
  expires_at: instant(),
  ip: z.nullable(z.string()),
  user_agent: z.nullable(z.string()),
  /** The session of the token making the request. */
  current: z.boolean(),
});
export type SessionSummaryBody = z.infer<typeof sessionSummaryBody>;

/** 200 of `GET /auth/sessions`, newest first; `next` continues the list where it is paginated. */
export const sessionsBody = z.strictObject({
  sessions: z.array(sessionSummaryBody),
  next: z.optional(z.nullable(z.string())),
});
export type SessionsBody = z.infer<typeof sessionsBody>;

/** 200 of `POST /auth/mfa/totp`: the new secret, shown once; pending until confirmed. */
export const totpSecretBody = z.strictObject({
  /** Base32 (RFC 4648), for manual entry. */
  secret: z.string(),
  /** `otpauth://totp/…`, for a QR code. */
  otpauth_uri: z.string(),
});
export type TotpSecretBody = z.infer<typeof totpSecretBody>;

/** 200 of `POST /auth/mfa/totp/confirm`: ten one-time codes, shown once. */
export const recoveryCodesBody = z.strictObject({ recovery_codes: z.array(z.string()) });
export type RecoveryCodesBody = z.infer<typeof recoveryCodesBody>;

/** 200 of `GET /.well-known/jwks.json`: the public signing keys (RFC 7517). */
export const jwksBody = z.strictObject({
  keys: z.array(
    z.strictObject({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});
export type JwksBody = z.infer<typeof jwksBody>;

/** 200 of `POST /oauth/introspect` for a live access token (RFC 7662 §2.2). */
export const activeTokenBody = z.strictObject({
  active: z.literal(true),
  sub: z.string(),
  sid: z.string(),
  jti: z.string(),
  exp: seconds(),
  iat: seconds(),
  iss: z.string(),
  aud: z.string(),
  token_type: z.literal('Bearer'),
  username: z.string(),
  scope: z.optional(z.string()),
  client_id: z.optional(z.string()),
  /** How the user signed in (RFC 8176): `["pwd"]`, or `["pwd", "otp", "mfa"]`. */
  amr: z.array(z.string()),
});

/** 200 of `POST /oauth/introspect`: anything but a live access token is `{active: false}`. */
export const introspectionBody = z.union([
  activeTokenBody,
  z.strictObject({ active: z.literal(false) }),
]);
export type IntrospectionBody = z.infer<typeof introspectionBody>;

/** 200 of `GET /.well-known/oauth-authorization-server` (RFC 8414 §2). */
export const authorizationServerMetadataBody = z.strictObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  revocation_endpoint: z.string(),
  introspection_endpoint: z.string(),
  response_types_supported: z.array(z.string()),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  revocation_endpoint_auth_methods_supported: z.array(z.string()),
  introspection_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.optional(z.array(z.string())),
});
export type AuthorizationServerMetadataBody = z.infer<typeof authorizationServerMetadataBody>;
