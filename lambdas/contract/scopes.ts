/**
 * Roles and scopes as names: what one may look like and how many a token may
 * carry, declared once for the settings, the domain, the admin CLI and the
 * route requirements. Plain data only: bundled into every function.
 *
 * The bounds keep the largest access token we could issue far below the
 * 4,096 characters the verifier reads (test/unit/auth/roles.test.ts builds
 * that token): at most {@link MAX_ROLES_PER_USER} roles, each granting the
 * scopes of a mapping with at most {@link MAX_MAPPED_SCOPES} distinct scopes,
 * every name at most 32 characters.
 */

/**
 * A role or scope name: RFC 6749's scope-token characters (printable ASCII
 * but space, `"` and `\`) without the comma, which joins roles in the
 * identity context; 1 to 32 of them.
 */
export const SCOPE_NAME = /^[!#-+\--[\]-~]{1,32}$/;

/** How {@link SCOPE_NAME} reads in an error message. */
export const SCOPE_NAME_SHAPE =
  'names of 1 to 32 printable ASCII characters without spaces, commas, quotes or backslashes';

/** Roles one user may hold. */
export const MAX_ROLES_PER_USER = 10;

/** Distinct scopes the whole role mapping may name. */
export const MAX_MAPPED_SCOPES = 30;
