/**
 * Ending a session while a refresh races it: whatever pair the session holds
 * when the revocation finishes, that pair is revoked too.
 */

import type { Revocation, SessionRecord } from '../../lambdas/auth/ports';
import { revokeSession } from '../../lambdas/auth/revoke-session';
import { UnavailableError } from '../../lambdas/errors';
import { FROZEN_NOW, frozenClock } from '../support/keys';

const NOW = FROZEN_NOW.getTime() / 1000;

function session(generation: number): SessionRecord {
  return {
    userId: 'user-1',
    sessionId: 'session-1',
    username: 'alice',
    accessJti: `access-${generation}`,
    accessExp: NOW + 900,
    refreshJti: `refresh-${generation}`,
    refreshExp: NOW + 3600,
    createdAt: FROZEN_NOW.toISOString(),
    expiresAt: NOW + 3600,
  };
}

/**
 * An in-memory Sessions item and RevokedTokens. Each entry of `rotations` is a
 * refresh that lands right after a revocation, before the delete that follows.
 */
function fakeStores(stored: SessionRecord | undefined, rotations: SessionRecord[] = []) {
  let item = stored;
  const revoked: Revocation[] = [];
  const removeCalls: string[] = [];
  return {
    revoked,
    removeCalls,
    current: () => item,
    deps: {
      clock: frozenClock,
      revokedTokens: {
        revoke: async (revocation: Revocation) => {
          if (revoked.some((r) => r.jti === revocation.jti)) return false;
          revoked.push(revocation);
          // The racing refresh rotates the item right after our revocations.
          const next = rotations.shift();
          if (next && item) item = next;
          return true;
        },
      },
      sessions: {
        get: async () => item,
        remove: async (_userId: string, _sessionId: string, seenRefreshJti: string) => {
          removeCalls.push(seenRefreshJti);
          if (item?.refreshJti !== seenRefreshJti) return false;
          item = undefined;
          return true;
        },
      },
    },
  };
}

describe('revokeSession', () => {
  it('revokes both current tokens with the reason and deletes the item', async () => {
    const stores = fakeStores(session(1));

    await revokeSession(stores.deps, session(1), 'logout', { ip: '203.0.113.7' });

    expect(stores.revoked.map((r) => [r.jti, r.tokenUse, r.reason, r.ip])).toEqual([
      ['access-1', 'access', 'logout', '203.0.113.7'],
      ['refresh-1', 'refresh', 'logout', '203.0.113.7'],
    ]);
    expect(stores.removeCalls).toEqual(['refresh-1']);
    expect(stores.current()).toBeUndefined();
  });

  it('also revokes the pair a concurrent refresh rotated in before the delete', async () => {
    const stores = fakeStores(session(1), [session(2)]);

    await revokeSession(stores.deps, session(1), 'logout_all', {});

    expect(stores.revoked.map((r) => r.jti).sort()).toEqual([
      'access-1',
      'access-2',
      'refresh-1',
      'refresh-2',
    ]);
    expect(stores.removeCalls).toEqual(['refresh-1', 'refresh-2']);
    expect(stores.current()).toBeUndefined();
  });

  it('also revokes the refresh token the last rotation replaced (the grace window’s)', async () => {
    const rotated: SessionRecord = {
      ...session(2),
      lastRotation: {
        previousRefreshJti: 'refresh-1',
        refreshJti: 'refresh-2',
        issuedAt: NOW,
        rotatedAt: NOW * 1000,
      },
    };
    const stores = fakeStores(rotated);

    await revokeSession(stores.deps, rotated, 'logout', {});

    expect(stores.revoked.map((r) => [r.jti, r.tokenUse])).toEqual([
      ['access-2', 'access'],
      ['refresh-2', 'refresh'],
      ['refresh-1', 'refresh'],
    ]);
    expect(stores.current()).toBeUndefined();
  });

  it('finishes quietly when the session is already gone', async () => {
    const stores = fakeStores(undefined);

    await expect(revokeSession(stores.deps, session(1), 'logout', {})).resolves.toBeUndefined();
    expect(stores.revoked.map((r) => r.jti)).toEqual(['access-1', 'refresh-1']);
  });

  it('fails closed with UnavailableError when the session keeps rotating', async () => {
    const endless = Array.from({ length: 20 }, (_, i) => session(i + 2));
    const stores = fakeStores(session(1), endless);

    await expect(revokeSession(stores.deps, session(1), 'logout', {})).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});
