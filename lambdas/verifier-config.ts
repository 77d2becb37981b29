/**
 * What a token verifier is configured with, read once per instance: the
 * authorizer's whole configuration, apart from `config.ts` on purpose. The
 * authorizer runs on every protected request and its bundle is near its
 * ceiling, so it parses only the settings it reads
 * (`VERIFIER_SETTINGS`); every other function parses all of them through
 * `config.ts`, which builds on this module. A bad value still fails the
 * instance at cold start, never a request.
 */
import { ConfigError, envNames, settingsFromEnv, type Values } from './contract/setting-values';
import { tableNamesIn } from './contract/tables';
import { VERIFIER_SETTINGS } from './contract/verifier-settings';
import { parsePublicKeySet } from './signing/key-set';
import type { PublicJwk } from './signing/signer';

export { ConfigError };

/** The variable of each setting the verifier reads, by setting name. */
export const VERIFIER_ENV = envNames(VERIFIER_SETTINGS);

export type VerifierSettings = Values<typeof VERIFIER_SETTINGS>;

export type Env = Record<string, string | undefined>;

/**
 * The issuer every token carried before the issuer became the API's URL.
 * The stack and local mode still accept it (never issue it) where no issuer
 * was configured, so tokens issued before an upgrade keep working.
 */
export const LEGACY_DEFAULT_ISSUER = 'serverless-jwt-auth';

/** What verification checks a token's claims against. */
export interface VerifiedTokenSettings {
  /** The `iss` of every token issued. */
  issuer: string;
  /** Issuers also accepted when verifying (never issued); usually empty. */
  acceptedIssuers?: readonly string[];
  audience: string;
  accessTokenTtlSeconds: number;
  /** Absolute session lifetime, counted from login; refresh never extends it. */
  refreshTokenTtlSeconds: number;
}

/** The public keys verifiers trust, and which of them signs. */
export interface KeySetSettings {
  keys: PublicJwk[];
  /** The key tokens are signed with; always one of `keys`. */
  current: PublicJwk;
}

/** The token settings of parsed settings, checked. */
export function verifiedTokenSettings(settings: VerifierSettings): VerifiedTokenSettings {
  const E = VERIFIER_ENV;
  if (settings.accessTokenTtlSeconds > settings.refreshTokenTtlSeconds) {
    throw new ConfigError(
      `${E.accessTokenTtlSeconds} must not exceed ${E.refreshTokenTtlSeconds}.`,
    );
  }
  const accepted = settings.acceptedIssuers ?? [];
  return {
    // A function always gets an issuer from the stack or npm start; this is only a fallback.
    issuer: settings.issuer ?? LEGACY_DEFAULT_ISSUER,
    ...(accepted.length > 0 ? { acceptedIssuers: accepted } : {}),
    audience: settings.audience,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
  };
}

/** The key set handed over at deploy time, if any, checked. */
export function readKeySet({
  publicKeys,
  currentKid,
}: Pick<VerifierSettings, 'publicKeys' | 'currentKid'>): KeySetSettings | undefined {
  const E = VERIFIER_ENV;
  if (!publicKeys) {
    if (currentKid) throw new ConfigError(`${E.currentKid} needs ${E.publicKeys}.`);
    return undefined;
  }
  let keys: PublicJwk[];
  try {
    keys = parsePublicKeySet(publicKeys);
  } catch (error) {
    throw new ConfigError(`${E.publicKeys}: ${(error as Error).message}`);
  }
  const [only] = keys;
  const current = currentKid ? keys.find((key) => key.kid === currentKid) : only;
  if (!current || (!currentKid && keys.length > 1)) {
    throw new ConfigError(`${E.currentKid} must name one key of ${E.publicKeys}.`);
  }
  return { keys, current };
}

export interface VerifierConfig {
  tokens: VerifiedTokenSettings;
  /** Where the public keys come from: handed over at deploy time, or the local key file. */
  keys: { kind: 'set'; keys: PublicJwk[] } | { kind: 'local'; keyDir: string; keyFile?: string };
  revokedTokensTable: string;
  /** A DynamoDB-compatible endpoint (local mode); unset in AWS. */
  dynamodbEndpoint?: string;
}

/** Reads and checks what a verifier needs; a bad value is a {@link ConfigError} naming it. */
export function loadVerifierConfig(env: Env): VerifierConfig {
  const settings = settingsFromEnv(VERIFIER_SETTINGS, env);
  const keySet = readKeySet(settings);
  const E = VERIFIER_ENV;
  let keys: VerifierConfig['keys'];
  if (keySet) keys = { kind: 'set', keys: keySet.keys };
  else if (settings.kmsKeyId) {
    throw new ConfigError(`${E.publicKeys} is required with ${E.kmsKeyId}: no KMS access here.`);
  } else if (settings.localKeyDir) {
    const { localKeyDir: keyDir, localKeyFile: keyFile } = settings;
    keys = { kind: 'local', keyDir, ...(keyFile ? { keyFile } : {}) };
  } else throw new ConfigError(`Set ${E.publicKeys} (AWS) or ${E.localKeyDir} (local mode).`);
  return {
    tokens: verifiedTokenSettings(settings),
    keys,
    revokedTokensTable: tableNamesIn(env).revokedTokens,
    ...(settings.dynamodbEndpoint ? { dynamodbEndpoint: settings.dynamodbEndpoint } : {}),
  };
}
