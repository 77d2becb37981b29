/**
 * Every setting the functions read, declared once as plain data: its
 * environment variable, its CDK context key when the stack sets it from one,
 * its type, default and bounds, and a one-line doc comment (a comment, not a
 * string: this data is in every function bundle, the authorizer's near its
 * ceiling). The functions
 * parse all of them at cold start (`lambdas/config.ts`), `npm start` before it
 * serves (`local/config.ts`), the stack from its context (`lib/config.ts`),
 * each with the one parser of `setting-values.ts`; a bound exists here alone.
 * The stack's own settings are in `lib/stack-settings.ts`, the local server's
 * in `local/settings.ts`: same shape, kept out of the function bundles.
 *
 * Adding a setting is one entry here; the docs' settings tables are checked
 * against this list (test/unit/settings.test.ts). Bounds stay low enough for
 * tests to use short lifetimes. Plain data only: bundled into every function.
 */
import { MAX_MAPPED_SCOPES, MAX_ROLES_PER_USER, SCOPE_NAME, SCOPE_NAME_SHAPE } from './scopes';
import type { Registry } from './setting-values';
import { VERIFIER_SETTINGS } from './verifier-settings';

export { VERIFIER_SETTINGS };

/**
 * Signing keys in a key set: the current one, the previous one, and one
 * published ahead of its turn. More would only crowd Lambda's 4 KB of
 * environment (each public key is about 200 bytes of SIGNING_PUBLIC_KEYS).
 */
export const MAX_SIGNING_KEYS = 3;

export const FUNCTION_SETTINGS = {
  ...VERIFIER_SETTINGS,
  /** The refresh tokens issued: `opaque` (unset: where a key is configured) or `jwt`; both are always accepted. */
  refreshTokenFormat: {
    env: 'REFRESH_TOKEN_FORMAT',
    context: 'refreshTokenFormat',
    type: 'choice',
    choices: ['jwt', 'opaque'],
    default: 'opaque',
  },
  /** KMS HMAC_256 key of opaque refresh tokens (deployed); local mode: a key file. */
  refreshTokenKeyId: {
    env: 'REFRESH_TOKEN_KMS_KEY_ID',
    type: 'string',
  },
  /** KMS symmetric key the TOTP secrets are encrypted under (deployed); local mode: a key file. */
  totpKeyId: {
    env: 'TOTP_SECRET_KMS_KEY_ID',
    type: 'string',
  },
  /** `client_id` of access tokens (RFC 9068); the stack defaults it to its name, else the audience. */
  clientId: {
    env: 'TOKEN_CLIENT_ID',
    context: 'clientId',
    type: 'string',
  },
  /** Role → the scopes it grants (JSON); a role absent from it grants the scope of its own name. */
  roles: {
    env: 'ROLES',
    context: 'roles',
    type: 'nameMap',
    pattern: SCOPE_NAME,
    shape: SCOPE_NAME_SHAPE,
    maxValues: MAX_MAPPED_SCOPES,
    maxLength: 1024,
  },
  /** Roles every new user gets at registration. */
  defaultRoles: {
    env: 'DEFAULT_ROLES',
    context: 'defaultRoles',
    type: 'list',
    pattern: SCOPE_NAME,
    shape: SCOPE_NAME_SHAPE,
    maxItems: MAX_ROLES_PER_USER,
  },
  /** How long a refresh token just rotated away still gets its successor pair; 0 = strict. */
  refreshGraceSeconds: {
    env: 'REFRESH_GRACE_SECONDS',
    context: 'refreshGraceSeconds',
    type: 'int',
    default: 30,
    // Cognito's RetryGracePeriodSeconds has the same bounds.
    min: 0,
    max: 60,
  },
  /** Whether `POST /auth/register` accepts new users. */
  signupOpen: {
    env: 'SIGNUP_OPEN',
    context: 'signupOpen',
    type: 'bool',
    default: true,
  },
  /** Live sessions a user may have; a login beyond it ends the oldest. */
  maxSessionsPerUser: {
    env: 'MAX_SESSIONS_PER_USER',
    context: 'maxSessionsPerUser',
    type: 'int',
    default: 100,
    // Password change and logout-all revoke every session in one invocation.
    min: 1,
    max: 1000,
  },
  /** Attempts of an (account, client address) pair after which each failure locks that pair. */
  loginLockoutThreshold: {
    env: 'LOGIN_LOCKOUT_THRESHOLD',
    context: 'loginLockoutThreshold',
    type: 'int',
    default: 5,
    min: 1,
    max: 100,
  },
  /** The longest lock of an (account, client address) pair, in seconds. */
  loginLockoutMaxSeconds: {
    env: 'LOGIN_LOCKOUT_MAX_SECONDS',
    context: 'loginLockoutMaxSeconds',
    type: 'int',
    default: 15 * 60,
    // A lock of more than an hour is a denial of service.
    min: 1,
    max: 3600,
  },
  /**
   * Counted login attempts per clock hour on one account over all addresses;
   * addresses with a login on the account in the last 30 days are exempt.
   */
  loginAccountCeilingPerHour: {
    env: 'LOGIN_ACCOUNT_CEILING_PER_HOUR',
    context: 'loginAccountCeilingPerHour',
    type: 'int',
    default: 30,
    min: 1,
    max: 10_000,
  },
  /** Browser origins allowed by CORS, or `*`; none: no CORS headers. */
  corsOrigins: {
    env: 'CORS_ALLOWED_ORIGINS',
    context: 'corsOrigins',
    type: 'origins',
  },
  /** Envelope mode: the symmetric KMS key the signing private key is encrypted under. */
  envelopeKeyId: {
    env: 'SIGNING_ENVELOPE_KMS_KEY_ID',
    type: 'string',
  },
  /** Envelope mode: the signing private key as KMS encrypted it (base64), decrypted once per instance. */
  privateKeyCiphertext: {
    env: 'SIGNING_PRIVATE_KEY_CIPHERTEXT',
    type: 'string',
  },
  /** How introspection callers authenticate, as the metadata says. */
  introspectionAuthMethod: {
    env: 'OAUTH_INTROSPECTION_AUTH_METHOD',
    type: 'choice',
    choices: ['aws_sigv4', 'client_secret_basic'],
    default: 'aws_sigv4',
  },
  /** Log2 of scrypt’s N for tests and local mode; refused with a KMS key (default 17). */
  passwordHashCost: {
    env: 'PASSWORD_SCRYPT_LOG2_N',
    type: 'int',
    min: 1,
    max: 20,
  },
} as const satisfies Registry;

export type FunctionSettingName = keyof typeof FUNCTION_SETTINGS;
