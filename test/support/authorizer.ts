/**
 * The authorizer over the fakes, as the authorizer tests build it: a domain
 * world's verifier, an in-memory revocation list, and one live pair of
 * alice's session `session-1`, an hour from its end.
 */

import { createAuthorizer } from '../../lambdas/http/authorizer';
import type { SessionSubject } from '../../lambdas/tokens/issue';
import { domainWorld, type MemoryRevokedTokenStore, memoryRevokedTokenStore } from './fakes';

export interface AuthorizerOverFakesOptions {
  /** The revocation list to read; default an empty in-memory one. */
  revokedTokens?: MemoryRevokedTokenStore;
  /** What the pair carries besides alice's session (`claims`, `amr`). */
  subject?: Pick<SessionSubject, 'claims' | 'amr'>;
}

export async function authorizerOverFakes(options: AuthorizerOverFakesOptions = {}) {
  const world = await domainWorld();
  const revokedTokens = options.revokedTokens ?? memoryRevokedTokenStore();
  const authorize = createAuthorizer({ verifier: world.verifier, revokedTokens });
  const pair = await world.issuer.issuePair({
    sub: 'user-1',
    sid: 'session-1',
    username: 'alice',
    sessionExpiresAt: world.clock().getTime() / 1000 + 3600,
    ...options.subject,
  });
  return { authorize, pair, revokedTokens, world };
}
