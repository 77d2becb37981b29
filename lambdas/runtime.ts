/**
 * Per-instance wiring: configuration, AWS clients, stores and keys are built
 * once at module load (outside the handler) and reused by every invocation.
 * Each piece is built on first use, so a function only creates the clients it
 * actually needs. Every AWS client takes its timeouts from `aws-clients.ts`.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { createPasswordHasher, type PasswordHasher, scryptParams } from './auth/passwords';
import type {
  LoginAttemptStore,
  MfaStore,
  RevokedTokenStore,
  SessionStore,
  TotpSecretCipher,
  UserStore,
} from './auth/ports';
import { awsClientDefaults } from './aws-clients';
import { type Clock, systemClock } from './clock';
import { type AppConfig, ENV, type Env, loadConfig } from './config';
import { countingRevocations } from './revocation-metrics';
import { createEnvelopeSigner } from './signing/envelope-signer';
import { createKmsSigner } from './signing/kms-signer';
import { createLocalSigner } from './signing/local-signer';
import { kmsRefreshTokenKey, localRefreshTokenKey } from './signing/refresh-token-key';
import { keySetOf, type PublicKeySet, staticKeySet, type TokenSigner } from './signing/signer';
import { kmsTotpSecretCipher, localTotpSecretCipher } from './signing/totp-secret-cipher';
import { createDocumentClient } from './store/dynamo';
import { createLoginAttemptStore } from './store/login-attempts';
import { createMfaStore } from './store/mfa';
import { createRevokedTokenStore } from './store/revoked-tokens';
import { createSessionStore } from './store/sessions';
import { createUserStore } from './store/users';
import { createTokenIssuer, type TokenIssuer } from './tokens/issue';
import { opaqueRefreshReader, type RefreshTokenKey } from './tokens/opaque-refresh';
import { createTokenVerifier, type TokenVerifier } from './tokens/verify';

function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

/** What a handler is built over (`lambdas/http/routes/`): tests hand it fakes. */
export interface Runtime {
  config: AppConfig;
  clock: Clock;
  revokedTokens: () => RevokedTokenStore;
  users: () => UserStore;
  sessions: () => SessionStore;
  loginAttempts: () => LoginAttemptStore;
  /** The second factor's writes, on the users table. */
  mfa: () => MfaStore;
  totpCipher: () => TotpSecretCipher;
  passwords: () => PasswordHasher;
  signer: () => TokenSigner;
  /** Every public key verifiers trust (the JWKS serves them all). */
  keySet: () => PublicKeySet;
  verifier: () => TokenVerifier;
  issuer: () => TokenIssuer;
}

export function createRuntime(env: Env = process.env): Runtime {
  const config = loadConfig(env);
  const dynamo = lazy(() => createDocumentClient({ endpoint: config.dynamodbEndpoint }));
  const kms = lazy(() => new KMSClient(awsClientDefaults()));
  const signer = lazy((): TokenSigner => {
    const signing = config.signing;
    switch (signing.kind) {
      case 'kms':
        return createKmsSigner({
          client: kms(),
          keyId: signing.keyId,
          ...(config.keySet ? { publicKey: config.keySet.current } : {}),
        });
      case 'envelope':
        return createEnvelopeSigner({
          client: kms(),
          keyId: signing.keyId,
          ciphertext: signing.ciphertext,
          // Envelope mode needs the public keys (checked by loadConfig).
          publicKey: (config.keySet as NonNullable<typeof config.keySet>).current,
        });
      case 'local':
        return createLocalSigner(signing.keyDir, signing.keyFile);
    }
  });
  // Loaded on first use only: by the first opaque refresh token read or issued.
  const refreshKey = lazy((): RefreshTokenKey | undefined => {
    const key = config.refreshTokens.key;
    if (!key) return undefined;
    return key.kind === 'kms'
      ? kmsRefreshTokenKey(kms(), key.keyId)
      : localRefreshTokenKey(key.keyDir);
  });
  // Keys handed over at deploy time, else (local mode) the signer's own key.
  const keySet = lazy(() =>
    config.keySet ? staticKeySet(config.keySet.keys) : keySetOf(signer()),
  );
  return {
    config,
    clock: systemClock,
    revokedTokens: lazy(() =>
      countingRevocations(createRevokedTokenStore(dynamo(), config.tables.revokedTokens)),
    ),
    users: lazy(() => createUserStore(dynamo(), config.tables.users)),
    sessions: lazy(() => createSessionStore(dynamo(), config.tables.sessions)),
    loginAttempts: lazy(() => createLoginAttemptStore(dynamo(), config.tables.loginAttempts)),
    mfa: lazy(() => createMfaStore(dynamo(), config.tables.users)),
    totpCipher: lazy(() => {
      const key = config.totpKey;
      if (!key) throw new Error(`${ENV.totpKeyId} is not set: TOTP secrets cannot be kept.`);
      return key.kind === 'kms'
        ? kmsTotpSecretCipher(kms(), key.keyId)
        : localTotpSecretCipher(key.keyDir);
    }),
    // Its parameter was parsed at cold start with every other setting (loadConfig).
    passwords: lazy(() => createPasswordHasher(scryptParams(config.passwordHashCost))),
    signer,
    keySet,
    verifier: lazy(() => {
      const key = refreshKey();
      return createTokenVerifier({
        keys: keySet(),
        settings: config.tokens,
        ...(key ? { opaqueRefresh: opaqueRefreshReader(key) } : {}),
      });
    }),
    issuer: lazy(() => {
      const key = refreshKey();
      return createTokenIssuer({
        signer: signer(),
        settings: config.tokens,
        refreshFormat: config.refreshTokens.format,
        ...(key ? { refreshKey: key } : {}),
      });
    }),
  };
}
