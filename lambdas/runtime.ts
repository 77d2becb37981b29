/**
 * Per-instance wiring: configuration, AWS clients, stores and keys are built
 * once at module load (outside the handler) and reused by every invocation.
 *
 * The runtime is a set of parts, one exported builder each (`users`,
 * `issuer`, …). A Lambda entry wires only the parts its route uses
 * (`wire({ users, passwords })`), so its bundle carries only their code: a
 * route that never signs bundles no signer. Each part is built on first use,
 * once, and a part built from another (the issuer from the signer) shares the
 * same instance. Every AWS client takes its timeouts from `aws-clients.ts`.
 * `createRuntime` wires every part, for local mode and tests.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createPasswordHasher, type PasswordHasher, scryptParams } from './auth/passwords';
import type {
  LoginAttemptStore,
  MfaChallengeStore,
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
import { createMfaChallengeStore } from './store/mfa-challenges';
import { createRevokedTokenStore } from './store/revoked-tokens';
import { createSessionStore } from './store/sessions';
import { createUserStore } from './store/users';
import { createTokenIssuer, type TokenIssuer } from './tokens/issue';
import { opaqueRefreshReader, type RefreshTokenKey } from './tokens/opaque-refresh';
import { createTokenVerifier, type TokenVerifier } from './tokens/verify';

/** What every part is built from: the settings, the clock and the shared clients. */
export interface Wiring {
  env: Env;
  config: AppConfig;
  clock: Clock;
  dynamo: () => DynamoDBDocumentClient;
  kms: () => KMSClient;
  /** Another part, built once per instance and shared. */
  use<T>(part: Part<T>): T;
}

/** One piece of the runtime, built from the wiring on first use. */
export type Part<T> = (wiring: Wiring) => T;

/** The shared clients: built on first use, once per instance, like any part. */
const dynamoClient: Part<DynamoDBDocumentClient> = ({ config }) =>
  createDocumentClient({ endpoint: config.dynamodbEndpoint });
const kmsClient: Part<KMSClient> = () => new KMSClient(awsClientDefaults());

export const revokedTokens: Part<RevokedTokenStore> = (w) =>
  countingRevocations(createRevokedTokenStore(w.dynamo(), w.config.tables.revokedTokens));
export const users: Part<UserStore> = (w) => createUserStore(w.dynamo(), w.config.tables.users);
export const sessions: Part<SessionStore> = (w) =>
  createSessionStore(w.dynamo(), w.config.tables.sessions);
export const loginAttempts: Part<LoginAttemptStore> = (w) =>
  createLoginAttemptStore(w.dynamo(), w.config.tables.loginAttempts);
/** The second factor's writes, on the users table. */
export const mfa: Part<MfaStore> = (w) => createMfaStore(w.dynamo(), w.config.tables.users);

/** Logins waiting for their second factor. */
export const mfaChallenges: Part<MfaChallengeStore> = (w) =>
  createMfaChallengeStore(w.dynamo(), w.config.tables.mfaChallenges);

export const totpCipher: Part<TotpSecretCipher> = ({ config, kms }) => {
  if (config.totpKeyId) return kmsTotpSecretCipher(kms(), config.totpKeyId);
  // Local mode: a key file beside the signing key (the authorizer never parses this).
  if (config.signing.kind === 'local') return localTotpSecretCipher(config.signing.keyDir);
  throw new Error(`${ENV.totpKeyId} is not set: TOTP secrets cannot be kept.`);
};

/** Its parameter was parsed at cold start with every other setting (loadConfig). */
export const passwords: Part<PasswordHasher> = (w) =>
  createPasswordHasher(scryptParams(w.config.passwordHashCost));

export const signer: Part<TokenSigner> = ({ config, kms }) => {
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
};

/** Loaded on first use only: by the first opaque refresh token read or issued. */
const refreshKey: Part<RefreshTokenKey | undefined> = (w) => {
  const key = w.config.refreshTokens.key;
  if (!key) return undefined;
  return key.kind === 'kms'
    ? kmsRefreshTokenKey(w.kms(), key.keyId)
    : localRefreshTokenKey(key.keyDir);
};

/** Every public key verifiers trust (the JWKS serves them all): handed over at deploy time, else (local mode) the signer's own key. */
export const keySet: Part<PublicKeySet> = (w) =>
  w.config.keySet ? staticKeySet(w.config.keySet.keys) : keySetOf(w.use(signer));

export const verifier: Part<TokenVerifier> = (w) => {
  const key = w.use(refreshKey);
  return createTokenVerifier({
    keys: w.use(keySet),
    settings: w.config.tokens,
    ...(key ? { opaqueRefresh: opaqueRefreshReader(key) } : {}),
  });
};

export const issuer: Part<TokenIssuer> = (w) => {
  const key = w.use(refreshKey);
  return createTokenIssuer({
    signer: w.use(signer),
    settings: w.config.tokens,
    refreshFormat: w.config.refreshTokens.format,
    ...(key ? { refreshKey: key } : {}),
  });
};

/** The parts a route may use, by the name it calls them. */
export const RUNTIME_PARTS = {
  revokedTokens,
  users,
  sessions,
  loginAttempts,
  mfa,
  mfaChallenges,
  totpCipher,
  passwords,
  signer,
  keySet,
  verifier,
  issuer,
};

type Built<P> = { [K in keyof P]: P[K] extends Part<infer T> ? () => T : never };

/** Every part of the runtime: what local mode and the tests hand a route. */
export type Runtime = { config: AppConfig; clock: Clock } & Built<typeof RUNTIME_PARTS>;

/** What a route is built over: the settings, the clock and the parts named. */
export type RuntimeOf<K extends keyof typeof RUNTIME_PARTS> = Pick<Runtime, 'config' | 'clock' | K>;

/** The wiring of one instance: settings parsed now (a bad value fails the cold start). */
export function createWiring(env: Env = process.env): Wiring {
  const config = loadConfig(env);
  const built = new Map<Part<unknown>, unknown>();
  const self: Wiring = {
    env,
    config,
    clock: systemClock,
    dynamo: () => self.use(dynamoClient),
    kms: () => self.use(kmsClient),
    use<T>(part: Part<T>): T {
      if (!built.has(part)) built.set(part, part(self));
      return built.get(part) as T;
    },
  };
  return self;
}

/** The named parts over one wiring, each built on first use. */
export function wireParts<P extends Record<string, Part<unknown>>>(
  w: Wiring,
  parts: P,
): { config: AppConfig; clock: Clock } & Built<P> {
  const runtime: Record<string, unknown> = { config: w.config, clock: w.clock };
  for (const [name, part] of Object.entries(parts)) runtime[name] = () => w.use(part);
  return runtime as { config: AppConfig; clock: Clock } & Built<P>;
}

/** A route's runtime from the environment: `wire({ users, passwords })`. */
export function wire<P extends Record<string, Part<unknown>>>(
  parts: P,
  env: Env = process.env,
): { config: AppConfig; clock: Clock } & Built<P> {
  return wireParts(createWiring(env), parts);
}

/** Every part: local mode and tests, where bundle size does not matter. */
export function createRuntime(env: Env = process.env): Runtime {
  return wire(RUNTIME_PARTS, env);
}
