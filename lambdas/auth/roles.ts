/**
 * Roles and the scopes they grant: a user holds a set of role names (on its
 * Users item); one mapping, configured once (setting `roles`), turns them
 * into scopes, and a role the mapping does not name grants the scope of its
 * own name. Login and every refresh resolve them again, so a change reaches
 * the user's next access token (docs/design.md, "Roles and scopes").
 */
import { MAX_ROLES_PER_USER, SCOPE_NAME, SCOPE_NAME_SHAPE } from '../contract/scopes';
import { InvalidRequestError } from '../errors';
import type { SessionClaims } from '../tokens/claims';

/** Role → the scopes it grants. */
export type RoleScopes = Readonly<Record<string, readonly string[]>>;

/** The scopes `roles` grant under `mapping`. */
export function scopesOf(roles: readonly string[], mapping: RoleScopes): string[] {
  const scopes = new Set<string>();
  for (const role of roles) {
    for (const scope of Object.hasOwn(mapping, role) ? (mapping[role] ?? []) : [role]) {
      scopes.add(scope);
    }
  }
  return [...scopes].sort();
}

/** The claims of an access token for a user holding `roles`. */
export function sessionClaimsOf(roles: readonly string[], mapping: RoleScopes): SessionClaims {
  return { scope: scopesOf(roles, mapping).join(' '), roles: [...new Set(roles)].sort() };
}

/** Every scope the mapping names, sorted: what the metadata may list as `scopes_supported`. */
export function mappedScopes(mapping: RoleScopes): string[] {
  return [...new Set(Object.values(mapping).flat())].sort();
}

/** A role name as an operator typed it, checked; `InvalidRequestError` (400) when it cannot be one. */
export function assertRoleName(role: string): string {
  if (!SCOPE_NAME.test(role)) {
    throw new InvalidRequestError(`A role must be one of ${SCOPE_NAME_SHAPE}, got "${role}".`);
  }
  return role;
}

/** `roles` with `role` added, sorted; `InvalidRequestError` beyond {@link MAX_ROLES_PER_USER}. */
export function withRole(roles: readonly string[], role: string): string[] {
  const next = [...new Set([...roles, assertRoleName(role)])].sort();
  if (next.length > MAX_ROLES_PER_USER) {
    throw new InvalidRequestError(`A user holds at most ${MAX_ROLES_PER_USER} roles.`);
  }
  return next;
}
