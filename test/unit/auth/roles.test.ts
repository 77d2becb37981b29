/**
 * Roles and scopes: what a mapping grants, the bound on the largest token,
 * the claims login and refresh issue (resolved again at every refresh,
 * replayed unchanged in the grace window), what tokens and sessions stored
 * before roles existed mean, and an operator's grant and revocation.
 */
import { grantRole, listRoles, type Operator, revokeRole } from '../../../lambdas/auth/admin';
import { authenticateAccessToken } from '../../../lambdas/auth/authenticate';
import { introspectToken } from '../../../lambdas/auth/introspect';
import { login } from '../../../lambdas/auth/login';
import { refresh } from '../../../lambdas/auth/refresh';
import { register } from '../../../lambdas/auth/register';
import { scopesOf, sessionClaimsOf } from '../../../lambdas/auth/roles';
import { MAX_ISSUED_TOKEN_LENGTH } from '../../../lambdas/contract/bearer';
import { MAX_MAPPED_SCOPES, MAX_ROLES_PER_USER } from '../../../lambdas/contract/scopes';
import { FUNCTION_SETTINGS } from '../../../lambdas/contract/settings';
import { InvalidRequestError, InvalidTokenError } from '../../../lambdas/errors';
import { type DomainWorld, domainWorld } from '../../support/fakes';

const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const ALICE = { username: 'alice', password: 'correct horse battery' };
const OPERATOR: Operator = { actor: 'arn:aws:sts::123456789012:assumed-role/Oncall/jane' };

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

async function registered(world: DomainWorld, roles?: string[]) {
  await register({ ...world, ...(roles ? { defaultRoles: roles } : {}) }, ALICE);
}

describe('scopesOf', () => {
  const mapping = { editor: ['notes:write', 'notes:read'], reader: ['notes:read'] };

  it('grants the union of the mapped scopes, sorted, each once', () => {
    expect(scopesOf(['reader', 'editor'], mapping)).toEqual(['notes:read', 'notes:write']);
  });

  it('grants a role the mapping does not name the scope of its own name', () => {
    expect(scopesOf(['billing:admin', 'reader'], mapping)).toEqual(['billing:admin', 'notes:read']);
  });

  it('grants a role mapped to no scopes nothing', () => {
    expect(scopesOf(['guest'], { guest: [] })).toEqual([]);
  });

  it('never reads a mapping entry the object inherits', () => {
    expect(scopesOf(['constructor', 'toString'], {})).toEqual(['constructor', 'toString']);
  });
});

describe('the largest access token', () => {
  it('stays far below the length the verifier reads, at every bound at once', async () => {
    const world = await domainWorld();
    const name = (prefix: string, index: number) => `${prefix}${index}`.padEnd(32, 'x');
    // Every mapped scope and every role at its longest, the roles unmapped (each its own scope too).
    const scopes = Array.from({ length: MAX_MAPPED_SCOPES }, (_, i) => name('scope', i));
    const roles = Array.from({ length: MAX_ROLES_PER_USER }, (_, i) => name('role', i));
    const mapping = { [roles[0] as string]: scopes };

    const pair = await world.issuer.issuePair({
      sub: 'AAAAAAAAAAAAAAAAAAAAAA',
      sid: 'BBBBBBBBBBBBBBBBBBBBBB',
      username: 'a'.repeat(64),
      sessionExpiresAt: world.issuer.sessionExpiresAt(),
      claims: sessionClaimsOf(roles, mapping),
    });

    expect(pair.access.claims.scope?.split(' ')).toHaveLength(
      MAX_MAPPED_SCOPES + MAX_ROLES_PER_USER - 1,
    );
    expect(pair.access.token.length).toBeLessThan(MAX_ISSUED_TOKEN_LENGTH * 0.85);
  });

  it('is what the settings bound: the mapping refuses more distinct scopes', () => {
    expect(FUNCTION_SETTINGS.roles.maxValues).toBe(MAX_MAPPED_SCOPES);
    expect(FUNCTION_SETTINGS.defaultRoles.maxItems).toBe(MAX_ROLES_PER_USER);
  });
});

describe('scopes in the token', () => {
  it('carries the user’s scope (sorted, space-separated), roles and client_id from login', async () => {
    const world = await domainWorld();
    await registered(world, ['editor', 'auditor']);

    const pair = await login(world, ALICE, CLIENT);

    expect(pair.access.claims).toMatchObject({
      scope: 'auditor notes:read notes:write',
      roles: ['auditor', 'editor'],
      client_id: 'test-client',
    });
  });

  it('gives a user stored before roles existed an empty scope and no roles', async () => {
    const world = await domainWorld();
    await registered(world);

    const pair = await login(world, ALICE, CLIENT);

    expect(pair.access.claims).toMatchObject({ scope: '', roles: [] });
  });

  it('resolves the roles again at refresh: a granted role is in the next access token', async () => {
    const world = await domainWorld();
    await registered(world);
    const first = await login(world, ALICE, CLIENT);

    await grantRole(world, 'alice', 'editor', OPERATOR);
    const second = await refresh(world, first.refresh.token, CLIENT);

    expect(first.access.claims.scope).toBe('');
    expect(second.access.claims).toMatchObject({
      scope: 'notes:read notes:write',
      roles: ['editor'],
    });
  });

  it('replays exactly the claims the rotation issued, even after a grant in between', async () => {
    const world = await domainWorld();
    await registered(world, ['reader']);
    const first = await login(world, ALICE, CLIENT);
    const rotated = await refresh(world, first.refresh.token, CLIENT);

    await grantRole(world, 'alice', 'editor', OPERATOR);
    const replayed = await refresh(world, first.refresh.token, CLIENT);

    expect(replayed.access.claims).toEqual(rotated.access.claims);
    expect(replayed.access.claims).toMatchObject({ scope: 'reader', roles: ['reader'] });
  });

  it('replays a rotation recorded before claims existed without them, as it was issued', async () => {
    const world = await domainWorld();
    await registered(world, ['editor']);
    const first = await login(world, ALICE, CLIENT);
    await refresh(world, first.refresh.token, CLIENT);
    // What an older version stored: a rotation record without the claims.
    const [session] = [...world.sessions.items.values()];
    delete session?.lastRotation?.claims;

    const replayed = await refresh(world, first.refresh.token, CLIENT);

    expect(replayed.access.claims).not.toHaveProperty('scope');
    expect(replayed.access.claims).not.toHaveProperty('roles');
  });

  it('refuses a refresh whose user is gone, and issues nothing', async () => {
    const world = await domainWorld();
    await registered(world, ['editor']);
    const first = await login(world, ALICE, CLIENT);
    world.users.items.delete('alice');

    await expect(refresh(world, first.refresh.token, CLIENT)).rejects.toEqual(
      new InvalidTokenError('session_ended'),
    );
  });
});

describe('introspection (RFC 7662)', () => {
  it('returns the scope and client_id of a token holding scopes', async () => {
    const world = await domainWorld();
    await registered(world, ['editor']);
    const pair = await login(world, ALICE, CLIENT);

    await expect(introspectToken(world, pair.access.token)).resolves.toMatchObject({
      active: true,
      scope: 'notes:read notes:write',
      client_id: 'test-client',
    });
  });

  it('returns no scope for a token without scopes', async () => {
    const world = await domainWorld();
    await registered(world);
    const pair = await login(world, ALICE, CLIENT);

    await expect(introspectToken(world, pair.access.token)).resolves.not.toHaveProperty('scope');
  });
});

describe('registration', () => {
  it('gives a new user the default roles, sorted', async () => {
    const world = await domainWorld();

    await registered(world, ['reader', 'commenter']);

    expect(world.users.items.get('alice')?.roles).toEqual(['commenter', 'reader']);
  });

  it('stores no roles attribute when there are no default roles', async () => {
    const world = await domainWorld();

    await registered(world);

    expect(world.users.items.get('alice')).not.toHaveProperty('roles');
  });
});

describe('an operator’s roles commands', () => {
  it('grants a role, audited before it runs, and a second grant changes nothing', async () => {
    const world = await domainWorld();
    await registered(world);

    const granted = await grantRole(world, 'ALICE', 'editor', OPERATOR);
    const again = await grantRole(world, 'alice', 'editor', OPERATOR);

    expect(granted).toMatchObject({ roles: ['editor'], changed: true });
    expect(again).toMatchObject({ roles: ['editor'], changed: false });
    expect(world.auditLog.entries.map((entry) => [entry.action, entry.details])).toEqual([
      ['grant_role', { role: 'editor' }],
      ['grant_role', { role: 'editor' }],
    ]);
  });

  it('lists the roles and the scopes they grant', async () => {
    const world = await domainWorld();
    await registered(world, ['editor', 'auditor']);

    await expect(listRoles(world, 'alice')).resolves.toMatchObject({
      roles: ['auditor', 'editor'],
      scopes: ['auditor', 'notes:read', 'notes:write'],
    });
  });

  it('refuses a role name with a space or a comma, or beyond the most roles a user holds', async () => {
    const world = await domainWorld();
    await registered(world);

    await expect(grantRole(world, 'alice', 'a b', OPERATOR)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(grantRole(world, 'alice', 'a,b', OPERATOR)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    for (let i = 0; i < MAX_ROLES_PER_USER; i++) await grantRole(world, 'alice', `r${i}`, OPERATOR);
    await expect(grantRole(world, 'alice', 'one-too-many', OPERATOR)).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(world.users.items.get('alice')?.roles).toHaveLength(MAX_ROLES_PER_USER);
  });

  it('revokes a role at once: every session ends (role_revoked), the next request is refused', async () => {
    const world = await domainWorld();
    await registered(world, ['editor']);
    const one = await login(world, ALICE, CLIENT);
    const two = await login(world, ALICE, CLIENT);

    const result = await revokeRole(world, 'alice', 'editor', OPERATOR);

    expect(result).toMatchObject({ roles: [], changed: true, sessionsRevoked: 2 });
    for (const pair of [one, two]) {
      await expect(authenticateAccessToken(world, pair.access.token)).rejects.toBeInstanceOf(
        InvalidTokenError,
      );
      expect(world.revokedTokens.items.get(pair.access.claims.jti)).toMatchObject({
        reason: 'role_revoked',
        actor: OPERATOR.actor,
        action: 'revoke_role',
      });
    }
    expect(world.users.items.get('alice')?.credentialsVersion).toBe(1);
    // A new login no longer holds the role.
    const next = await login(world, ALICE, CLIENT);
    expect(next.access.claims).toMatchObject({ scope: '', roles: [] });
  });

  it('with keepSessions, keeps the sessions and drops the scopes at their next refresh', async () => {
    const world = await domainWorld();
    await registered(world, ['editor']);
    const pair = await login(world, ALICE, CLIENT);

    const result = await revokeRole(world, 'alice', 'editor', OPERATOR, { keepSessions: true });
    const next = await refresh(world, pair.refresh.token, CLIENT);

    expect(result).toMatchObject({ changed: true, sessionsRevoked: 0 });
    expect(next.access.claims).toMatchObject({ scope: '', roles: [] });
    expect(world.auditLog.entries.at(-1)).toMatchObject({
      action: 'revoke_role',
      details: { role: 'editor', sessions: 'kept' },
    });
  });

  it('changes nothing, and ends no session, for a role the user does not hold', async () => {
    const world = await domainWorld();
    await registered(world, ['reader']);
    const pair = await login(world, ALICE, CLIENT);

    const result = await revokeRole(world, 'alice', 'editor', OPERATOR);

    expect(result).toMatchObject({ roles: ['reader'], changed: false, sessionsRevoked: 0 });
    await expect(authenticateAccessToken(world, pair.access.token)).resolves.toMatchObject({
      scope: 'reader',
    });
  });

  it('retries through a concurrent role change instead of losing it', async () => {
    const world = await domainWorld();
    await registered(world, ['reader']);
    const setRoles = world.users.setRoles.bind(world.users);
    let raced = false;
    world.users.setRoles = async (change) => {
      if (!raced) {
        raced = true;
        // Another operator grants a role between this grant's read and its write.
        await setRoles({ ...change, roles: ['auditor', 'reader'] });
      }
      return setRoles(change);
    };

    await grantRole(world, 'alice', 'editor', OPERATOR);

    expect(world.users.items.get('alice')?.roles).toEqual(['auditor', 'editor', 'reader']);
  });
});
