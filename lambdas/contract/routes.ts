/**
 * Every function of the API and what it may touch, defined once. The CDK stack
 * builds one Lambda and one API Gateway method per route from this table and
 * grants each function exactly the actions listed; the local server serves the
 * same handler modules from it.
 */
import type { TableName } from './tables';

/** The methods of the route table (a test checks each is used): what CORS allows. */
export const HTTP_METHODS = ['GET', 'POST', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * The paths the functions themselves name (their outcome metrics), defined
 * here once for the table below: a function imports these, never the whole
 * table, which its bundle does not need.
 */
export const REGISTER_PATH = '/auth/register';
export const LOGIN_PATH = '/auth/login';
export const REFRESH_PATH = '/auth/refresh';
export const MFA_VERIFY_PATH = '/auth/mfa/verify';
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';
export type KeyAction = 'kms:Sign' | 'kms:GetPublicKey';
/** Envelope mode: decrypting the signing key (the issuers), generating the pair (deploy time). */
export type EnvelopeKeyAction = 'kms:Decrypt' | 'kms:GenerateDataKeyPairWithoutPlaintext';
/** On the TOTP secrets' key: encrypting a new secret (enrolment), decrypting one (code checks). */
export type TotpKeyAction = 'kms:Encrypt' | 'kms:Decrypt';
/** The one action on the refresh-token key: deriving the HMAC key, once per instance. */
export type RefreshKeyAction = 'kms:GenerateMac';

export interface FunctionSpec {
  /** Short id: the CDK construct id and the log name. */
  id: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  /** DynamoDB actions per table; nothing else is granted. */
  tables: Partial<Record<TableName, readonly TableAction[]>>;
  /** KMS actions on the signing key. */
  key: readonly KeyAction[];
  /**
   * KMS actions on the refresh-token key: the functions that issue or read
   * opaque refresh tokens (login, refresh, logout, RFC 7009 revocation).
   */
  refreshKey?: readonly RefreshKeyAction[];
  /**
   * Takes a refresh token from the client (refresh, logout, RFC 7009
   * revocation): a deployment updates it before any function that issues
   * tokens, so a token of a new format never reaches one that cannot read it.
   */
  readsRefreshTokens?: boolean;
  /** KMS actions on the key the TOTP secrets are encrypted under. */
  totpKey?: readonly TotpKeyAction[];
  /** KMS actions on the envelope key, granted in envelope mode only (context `signingMode`). */
  envelopeKey?: readonly EnvelopeKeyAction[];
  /** Runs scrypt: give it the memory (and so the CPU) for it. */
  hashesPasswords?: boolean;
  /**
   * E-mail (Amazon SES, `emailFrom`): `only`, a route that exists only where
   * e-mail is on; `also`, a route that sends e-mail where it is on. Both
   * may send from the configured identity (`ses:SendEmail`).
   */
  email?: 'only' | 'also';
  /**
   * Data files the function reads at run time, relative to the repository
   * root; each is copied beside the bundle (the code finds it there with
   * `require.resolve('./<name>')`).
   */
  assets?: readonly string[];
}

/** The list of common and breached passwords that a new password is checked against. */
export const COMMON_PASSWORDS_ASSET = 'lambdas/auth/common-passwords.txt';

export interface RouteSpec extends FunctionSpec {
  method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  path: string;
  /**
   * `bearer`: the TOKEN authorizer runs first and the handler reads its context.
   * `iam`: AWS_IAM (SigV4) callers named by the stack's resource policy only;
   * locally a shared secret (docs/local-mode.md).
   */
  auth: 'none' | 'bearer' | 'iam';
}

// The public keys reach every function at deploy time (SIGNING_PUBLIC_KEYS):
// only the stack's public key reader may call kms:GetPublicKey.
const SIGNS_TOKENS: readonly KeyAction[] = ['kms:Sign'];
// Envelope mode: the token issuers decrypt the signing key once per instance.
const DECRYPTS_SIGNING_KEY: readonly EnvelopeKeyAction[] = ['kms:Decrypt'];
const VERIFIES_TOKENS: readonly KeyAction[] = [];
// Whoever may derive the refresh-token key can mint a refresh token for any session.
const READS_REFRESH_TOKENS: readonly RefreshKeyAction[] = ['kms:GenerateMac'];

/**
 * Turning a second factor on or off: the user's item (its MFA attributes, the
 * credentials version), the caller's lockout pair (a code counts like a
 * password), and ending every other session.
 */
const MFA_CHANGE_TABLES: FunctionSpec['tables'] = {
  users: ['GetItem', 'UpdateItem'],
  loginAttempts: ['GetItem', 'UpdateItem'],
  sessions: ['Query', 'GetItem', 'DeleteItem'],
  revokedTokens: ['PutItem'],
};

// No spread (`{ ...SHARED, more }`) in this table: esbuild cannot drop an array
// holding one, and every handler that imports a path from here would then bundle it.
export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'Register',
    method: 'POST',
    path: REGISTER_PATH,
    auth: 'none',
    entry: 'lambdas/handlers/register.ts',
    // GetItem/UpdateItem and Recovery: an address given at register (its owner, its token, and
    // Recovery UpdateItem: the address's hourly message counter).
    tables: {
      users: ['PutItem', 'GetItem', 'UpdateItem'],
      recovery: ['GetItem', 'PutItem', 'UpdateItem'],
    },
    key: [],
    hashesPasswords: true,
    email: 'also',
    assets: [COMMON_PASSWORDS_ASSET],
  },
  {
    id: 'Login',
    method: 'POST',
    path: LOGIN_PATH,
    auth: 'none',
    entry: 'lambdas/handlers/login.ts',
    // UpdateItem: re-hashing a password stored with older scrypt parameters.
    // Sessions Query/GetItem/DeleteItem and RevokedTokens PutItem: the session cap
    // (ending the oldest) and deleting a session overtaken by a password change.
    tables: {
      users: ['GetItem', 'UpdateItem'],
      sessions: ['PutItem', 'Query', 'GetItem', 'DeleteItem'],
      revokedTokens: ['PutItem'],
      // The lockout: count the attempt (conditional updates), read a refused one's lock.
      loginAttempts: ['GetItem', 'UpdateItem'],
      // An account with a second factor: the challenge its mfa_token names.
      mfaChallenges: ['PutItem'],
    },
    key: SIGNS_TOKENS,
    envelopeKey: DECRYPTS_SIGNING_KEY,
    refreshKey: READS_REFRESH_TOKENS,
    hashesPasswords: true,
  },
  {
    id: 'Refresh',
    method: 'POST',
    path: REFRESH_PATH,
    auth: 'none',
    entry: 'lambdas/handlers/refresh.ts',
    tables: {
      sessions: ['GetItem', 'UpdateItem', 'DeleteItem'],
      // GetItem: a current refresh token already revoked means its session is being ended.
      revokedTokens: ['PutItem', 'GetItem'],
      // The user's roles, resolved again at every rotation.
      users: ['GetItem'],
    },
    key: SIGNS_TOKENS,
    envelopeKey: DECRYPTS_SIGNING_KEY,
    refreshKey: READS_REFRESH_TOKENS,
    readsRefreshTokens: true,
  },
  {
    // Not behind the authorizer: logout accepts a refresh token alone, and an
    // already revoked session must still answer 204.
    id: 'Logout',
    method: 'POST',
    path: '/auth/logout',
    auth: 'none',
    entry: 'lambdas/handlers/logout.ts',
    tables: { sessions: ['GetItem', 'DeleteItem'], revokedTokens: ['PutItem'] },
    key: VERIFIES_TOKENS,
    refreshKey: READS_REFRESH_TOKENS,
    readsRefreshTokens: true,
  },
  {
    id: 'LogoutAll',
    method: 'POST',
    path: '/auth/logout-all',
    auth: 'bearer',
    entry: 'lambdas/handlers/logout-all.ts',
    // Users UpdateItem: bumping the credentials version ends logins in flight.
    tables: {
      users: ['UpdateItem'],
      sessions: ['Query', 'GetItem', 'DeleteItem'],
      revokedTokens: ['PutItem'],
    },
    key: [],
  },
  {
    id: 'Me',
    method: 'GET',
    path: '/auth/me',
    auth: 'bearer',
    entry: 'lambdas/handlers/me.ts',
    // The account's address and whether it is verified.
    tables: { users: ['GetItem'] },
    key: [],
  },
  {
    // Sets or changes the recovery address; the current password again, like a password change.
    id: 'EmailChange',
    method: 'POST',
    path: '/auth/email',
    auth: 'bearer',
    entry: 'lambdas/handlers/email-change.ts',
    tables: {
      users: ['GetItem', 'UpdateItem'],
      loginAttempts: ['GetItem', 'UpdateItem'],
      // The address's owner (read; the replaced one released), the new token, and (UpdateItem)
      // the address's hourly message counter.
      recovery: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    },
    key: [],
    hashesPasswords: true,
    email: 'only',
  },
  {
    // Not behind the authorizer: the link's token is the proof, opened wherever the mail is read.
    id: 'EmailVerify',
    method: 'POST',
    path: '/auth/email/verify',
    auth: 'none',
    entry: 'lambdas/handlers/email-verify.ts',
    // Recovery UpdateItem: the request counters (per client, account and address).
    tables: {
      users: ['GetItem', 'UpdateItem'],
      recovery: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    },
    key: [],
    email: 'only',
  },
  {
    // Not behind the authorizer: whoever forgot the password has no token. Sends a reset link.
    id: 'PasswordForgot',
    method: 'POST',
    path: '/auth/password/forgot',
    auth: 'none',
    entry: 'lambdas/handlers/password-forgot.ts',
    // Users UpdateItem and Recovery PutItem: the new token's hash on the item, and its own item;
    // Recovery UpdateItem: the request counters.
    tables: { users: ['GetItem', 'UpdateItem'], recovery: ['GetItem', 'PutItem', 'UpdateItem'] },
    key: [],
    email: 'only',
  },
  {
    // Not behind the authorizer: the link's token is the proof. Ends every session.
    id: 'PasswordReset',
    method: 'POST',
    path: '/auth/password/reset',
    auth: 'none',
    entry: 'lambdas/handlers/password-reset.ts',
    tables: {
      users: ['GetItem', 'UpdateItem'],
      recovery: ['GetItem', 'DeleteItem'],
      sessions: ['Query', 'GetItem', 'DeleteItem'],
      revokedTokens: ['PutItem'],
      // Clearing the account's lockout counters: every item of its partition.
      loginAttempts: ['Query', 'DeleteItem'],
    },
    key: [],
    hashesPasswords: true,
    email: 'only',
    assets: [COMMON_PASSWORDS_ASSET],
  },
  {
    id: 'ListSessions',
    method: 'GET',
    path: '/auth/sessions',
    auth: 'bearer',
    entry: 'lambdas/handlers/list-sessions.ts',
    tables: { sessions: ['Query'] },
    key: [],
  },
  {
    id: 'DeleteSession',
    method: 'DELETE',
    path: '/auth/sessions/{session_id}',
    auth: 'bearer',
    entry: 'lambdas/handlers/delete-session.ts',
    tables: { sessions: ['GetItem', 'DeleteItem'], revokedTokens: ['PutItem'] },
    key: [],
  },
  {
    id: 'ChangePassword',
    method: 'POST',
    path: '/auth/password',
    auth: 'bearer',
    entry: 'lambdas/handlers/change-password.ts',
    tables: {
      users: ['GetItem', 'UpdateItem'],
      sessions: ['Query', 'GetItem', 'DeleteItem'],
      revokedTokens: ['PutItem'],
      // The current password counts on the caller's lockout pair; a right one resets it.
      loginAttempts: ['GetItem', 'UpdateItem'],
    },
    key: [],
    hashesPasswords: true,
    assets: [COMMON_PASSWORDS_ASSET],
  },
  {
    // The second step of a login with a second factor: the mfa_token and a code.
    id: 'MfaVerify',
    method: 'POST',
    path: MFA_VERIFY_PATH,
    auth: 'none',
    entry: 'lambdas/handlers/mfa-verify.ts',
    // Login's tables (but the re-hash), the challenge (read, count, use up) and the
    // user's MFA attributes (the TOTP step, a recovery code).
    tables: {
      users: ['GetItem', 'UpdateItem'],
      sessions: ['PutItem', 'Query', 'GetItem', 'DeleteItem'],
      revokedTokens: ['PutItem'],
      loginAttempts: ['GetItem', 'UpdateItem'],
      mfaChallenges: ['GetItem', 'UpdateItem', 'DeleteItem'],
    },
    key: SIGNS_TOKENS,
    envelopeKey: DECRYPTS_SIGNING_KEY,
    refreshKey: READS_REFRESH_TOKENS,
    totpKey: ['kms:Decrypt'],
  },
  {
    // A signed-in caller's code: the same session, a new pair with the stronger amr.
    id: 'MfaStepUp',
    method: 'POST',
    path: '/auth/mfa/step-up',
    auth: 'bearer',
    entry: 'lambdas/handlers/mfa-step-up.ts',
    // The user's MFA attributes (the TOTP step, a recovery code), the caller's lockout
    // pair, the session's pair swapped, the replaced one revoked.
    tables: {
      users: ['GetItem', 'UpdateItem'],
      loginAttempts: ['GetItem', 'UpdateItem'],
      sessions: ['GetItem', 'UpdateItem'],
      revokedTokens: ['PutItem'],
    },
    key: SIGNS_TOKENS,
    envelopeKey: DECRYPTS_SIGNING_KEY,
    refreshKey: READS_REFRESH_TOKENS,
    totpKey: ['kms:Decrypt'],
  },
  {
    // The current password again: a stolen access token alone cannot enrol an authenticator.
    id: 'MfaTotpBegin',
    method: 'POST',
    path: '/auth/mfa/totp',
    auth: 'bearer',
    entry: 'lambdas/handlers/mfa-totp-begin.ts',
    tables: { users: ['GetItem', 'UpdateItem'], loginAttempts: ['GetItem', 'UpdateItem'] },
    key: [],
    totpKey: ['kms:Encrypt'],
    hashesPasswords: true,
  },
  {
    // Turning the factor on ends every other session.
    id: 'MfaTotpConfirm',
    method: 'POST',
    path: '/auth/mfa/totp/confirm',
    auth: 'bearer',
    entry: 'lambdas/handlers/mfa-totp-confirm.ts',
    tables: MFA_CHANGE_TABLES,
    key: [],
    totpKey: ['kms:Decrypt'],
  },
  {
    // The current password and a code; turning the factor off ends every other session.
    id: 'MfaTotpRemove',
    method: 'DELETE',
    path: '/auth/mfa/totp',
    auth: 'bearer',
    entry: 'lambdas/handlers/mfa-totp-remove.ts',
    tables: MFA_CHANGE_TABLES,
    key: [],
    totpKey: ['kms:Decrypt'],
    hashesPasswords: true,
  },
  {
    id: 'Jwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    auth: 'none',
    entry: 'lambdas/handlers/jwks.ts',
    tables: {},
    key: VERIFIES_TOKENS,
  },
  {
    // RFC 7009. Public like logout: the token itself is the proof.
    id: 'OAuthRevoke',
    method: 'POST',
    path: '/oauth/revoke',
    auth: 'none',
    entry: 'lambdas/handlers/oauth-revoke.ts',
    tables: { sessions: ['GetItem', 'DeleteItem'], revokedTokens: ['PutItem'] },
    key: VERIFIES_TOKENS,
    refreshKey: READS_REFRESH_TOKENS,
    readsRefreshTokens: true,
  },
  {
    // RFC 7662, for resource servers of the same account: IAM callers only.
    id: 'OAuthIntrospect',
    method: 'POST',
    path: '/oauth/introspect',
    auth: 'iam',
    entry: 'lambdas/handlers/oauth-introspect.ts',
    tables: { revokedTokens: ['GetItem'] },
    key: VERIFIES_TOKENS,
  },
  {
    // RFC 8414 discovery document.
    id: 'OAuthMetadata',
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    auth: 'none',
    entry: 'lambdas/handlers/oauth-metadata.ts',
    tables: {},
    key: [],
  },
];

/** The TOKEN authorizer: reads revocations, nothing else (its public keys come in its environment). */
export const AUTHORIZER: FunctionSpec = {
  id: 'Authorizer',
  entry: 'lambdas/handlers/authorizer.ts',
  tables: { revokedTokens: ['GetItem'] },
  key: VERIFIES_TOKENS,
};

/** Deploy time only: the custom resource that reads the signing key's public half for the stack. */
export const PUBLIC_KEY_READER: FunctionSpec = {
  id: 'PublicKeyReader',
  entry: 'lambdas/signing/public-key-resource.ts',
  tables: {},
  key: ['kms:GetPublicKey'],
};

/** Deploy time only, envelope mode: the custom resource that has KMS generate the signing key pair. */
export const KEY_PAIR_CREATOR: FunctionSpec = {
  id: 'KeyPairCreator',
  entry: 'lambdas/signing/key-pair-resource.ts',
  tables: {},
  key: [],
  envelopeKey: ['kms:GenerateDataKeyPairWithoutPlaintext'],
};

/**
 * Every function the stack deploys: the routes, the authorizer, the deploy-time
 * key reader and (envelope mode) the key pair creator.
 */
// Marked pure: a function bundle that reads none of the table drops all of it.
export const EVERY_FUNCTION: readonly FunctionSpec[] = /* @__PURE__ */ (
  [] as FunctionSpec[]
).concat(ROUTES, [AUTHORIZER, PUBLIC_KEY_READER, KEY_PAIR_CREATOR]);
