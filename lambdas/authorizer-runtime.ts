/**
 * The authorizer's wiring, apart from `runtime.ts` on purpose: it runs on
 * every protected request, so it loads only what it uses. No KMS client (the
 * public keys arrive at deploy time in the environment), no DocumentClient
 * (one low-level GetItem), no JOSE library, no password hashing, and only the
 * settings it reads (`verifier-config.ts`). Built once per instance, at
 * module load.
 */
import type { RevokedTokenStore } from './auth/ports';
import { createLocalSigner } from './signing/local-signer';
import { staticKeySet } from './signing/signer';
import { createDynamoClient } from './store/dynamo-client';
import { createRevocationLookup } from './store/revocation-lookup';
import { createTokenVerifier, type TokenVerifier } from './tokens/verify';
import { type Env, loadVerifierConfig } from './verifier-config';

export interface AuthorizerRuntime {
  verifier: TokenVerifier;
  revokedTokens: Pick<RevokedTokenStore, 'isRevoked'>;
}

export function createAuthorizerRuntime(env: Env = process.env): AuthorizerRuntime {
  const config = loadVerifierConfig(env);
  const { keys } = config;
  const client = createDynamoClient({ endpoint: config.dynamodbEndpoint });
  return {
    verifier: createTokenVerifier({
      keys:
        keys.kind === 'set'
          ? staticKeySet(keys.keys)
          : createLocalSigner(keys.keyDir, keys.keyFile),
      settings: config.tokens,
    }),
    revokedTokens: createRevocationLookup(client, config.revokedTokensTable),
  };
}
