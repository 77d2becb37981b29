/**
 * The authorizer's wiring, apart from `runtime.ts` on purpose: it runs on
 * every protected request, so it loads only what it uses. No KMS client (the
 * public keys arrive at deploy time in the environment), no DocumentClient
 * (one low-level GetItem), no JOSE library, no password hashing. Built once
 * per instance, at module load.
 */
import type { RevokedTokenStore } from './auth/ports';
import { ConfigError, ENV, type Env, loadConfig } from './config';
import { createLocalSigner } from './signing/local-signer';
import { type PublicKeySet, type PublicKeySource, staticKeySet } from './signing/signer';
import { createDynamoClient } from './store/dynamo-client';
import { createRevocationLookup } from './store/revocation-lookup';
import { createTokenVerifier, type TokenVerifier } from './tokens/verify';

export interface AuthorizerRuntime {
  verifier: TokenVerifier;
  revokedTokens: Pick<RevokedTokenStore, 'isRevoked'>;
}

export function createAuthorizerRuntime(env: Env = process.env): AuthorizerRuntime {
  const config = loadConfig(env);
  let keys: PublicKeySet | PublicKeySource;
  if (config.keySet) keys = staticKeySet(config.keySet.keys);
  else if (config.signing.kind === 'local') {
    keys = createLocalSigner(config.signing.keyDir, config.signing.keyFile);
  } else {
    throw new ConfigError(
      `${ENV.publicKeys} is required with ${ENV.kmsKeyId}: the authorizer has no KMS access.`,
    );
  }
  const client = createDynamoClient({ endpoint: config.dynamodbEndpoint });
  return {
    verifier: createTokenVerifier({ keys, settings: config.tokens }),
    revokedTokens: createRevocationLookup(client, config.tables.revokedTokens),
  };
}
