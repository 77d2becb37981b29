/**
 * Counts revocations where they happen: a decorator of the
 * `RevokedTokenStore` port that counts `TokenRevoked` by reason each time a
 * token is newly revoked. The domain stays unaware of metrics, and every path
 * that revokes (logout, rotation, reuse, password change…) is counted once.
 */
import type { RevokedTokenStore } from './auth/ports';
import { METRIC } from './contract/metrics';
import { countMetric } from './metrics';

/** `store`, counting each revocation it records (not the ones already revoked). */
export function countingRevocations(store: RevokedTokenStore): RevokedTokenStore {
  return {
    ...store,
    async revoke(revocation) {
      const revoked = await store.revoke(revocation);
      if (revoked) countMetric(METRIC.tokenRevoked, revocation.reason);
      return revoked;
    },
    isRevoked: (jti) => store.isRevoked(jti),
    find: (jti) => store.find(jti),
  };
}
