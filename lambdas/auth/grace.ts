/**
 * The refresh grace window: for a few seconds after a rotation, the refresh
 * token it replaced is still the session's own (concurrent tabs, a retried
 * request). Refresh answers it with the current pair; logout and revocation
 * accept it as the session's token.
 */
import type { Clock } from '../clock';
import { sameReference } from '../tokens/opaque-refresh';
import type { SessionRecord } from './ports';

/**
 * True when `jti` is the refresh token the session's last rotation replaced,
 * at most `refreshGraceSeconds` ago, and that rotation's pair is still the
 * current one (rotated exactly once since).
 */
export function withinGrace(
  { refreshGraceSeconds, clock }: { refreshGraceSeconds: number; clock: Clock },
  session: SessionRecord,
  jti: string,
): boolean {
  const rotation = session.lastRotation;
  return (
    refreshGraceSeconds > 0 &&
    rotation !== undefined &&
    sameReference(jti, rotation.previousRefreshJti) &&
    sameReference(rotation.refreshJti, session.refreshJti) &&
    clock().getTime() - rotation.rotatedAt <= refreshGraceSeconds * 1000
  );
}
