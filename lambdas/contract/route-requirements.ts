/**
 * What a route of a user's API requires beyond a live token, and how that
 * reaches the shared authorizer: the requirements are given where the user
 * attaches the authorizer (`restAuthorizer(api, { requirements })`,
 * `httpAuthorizer({ requirements })`), written by the construct into stage
 * variables of that API, and read from the authorizer's REQUEST event at
 * request time. The auth stack never changes, and a change is live as soon
 * as the user's API is deployed (docs/design.md, "Route requirements").
 *
 * A stage variable's value is at most 512 characters of
 * `[A-Za-z0-9-._~:/?#&=,]`: the table is JSON, base64url-encoded (within
 * that set) and cut into up to {@link MAX_REQUIREMENT_CHUNKS} variables
 * `jwtAuthRequirements0`, `jwtAuthRequirements1`, …
 *
 * Plain code only: the authorizer bundles the reading half.
 */

/**
 * What one route requires. A requirement of another kind is one more
 * optional field, checked by {@link unmetBy}.
 */
export interface RouteRequirement {
  /** Every one of these scopes must be in the token's `scope`. */
  readonly scopes?: readonly string[];
  /**
   * A second factor: the token's `amr` (RFC 8176) must hold `mfa`, as after
   * a login with a code or a step-up (`POST /auth/mfa/step-up`).
   */
  readonly mfa?: boolean;
}

/**
 * The authorizer context key that says why a token does not meet a route
 * (an {@link UnmetRequirement}): a REST API's 403 names its code from it.
 */
export const DENIED_CONTEXT_KEY = 'denied';

/** Why a token does not meet a route: the error code of the 403 on a REST API. */
export type UnmetRequirement = 'insufficient_scope' | 'insufficient_user_authentication';

/**
 * Requirements by route key: `METHOD /resource/path` as the API names the
 * route (`POST /notes`, `GET /notes/{id}`, `ANY /admin/{proxy+}`).
 */
export type RouteRequirements = Readonly<Record<string, RouteRequirement>>;

/** The stage variables' common prefix; a digit follows. */
export const REQUIREMENTS_VARIABLE = 'jwtAuthRequirements';

/** A stage variable's value is at most this long (API Gateway's quota). */
export const STAGE_VARIABLE_MAX_LENGTH = 512;

/** Stage variables the table may take (a stage has at most 100 in all). */
export const MAX_REQUIREMENT_CHUNKS = 8;

/** The stage variables that carry `requirements`; none for an empty table. */
export function requirementVariables(requirements: RouteRequirements): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify(requirements)).toString('base64url');
  const variables: Record<string, string> = {};
  if (Object.keys(requirements).length === 0) return variables;
  for (let i = 0; i * STAGE_VARIABLE_MAX_LENGTH < encoded.length; i++) {
    const start = i * STAGE_VARIABLE_MAX_LENGTH;
    variables[`${REQUIREMENTS_VARIABLE}${i}`] = encoded.slice(
      start,
      start + STAGE_VARIABLE_MAX_LENGTH,
    );
  }
  return variables;
}

/**
 * The requirements the stage variables of a REQUEST event carry; none when
 * there are none. A table that does not decode throws: the authorizer then
 * fails closed.
 */
export function readRequirements(
  stageVariables: Record<string, string | undefined> | null | undefined,
): RouteRequirements | undefined {
  let encoded = '';
  for (let i = 0; stageVariables?.[`${REQUIREMENTS_VARIABLE}${i}`]; i++) {
    encoded += stageVariables[`${REQUIREMENTS_VARIABLE}${i}`];
  }
  if (!encoded) return undefined;
  const table: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString());
  if (typeof table !== 'object' || table === null) throw new Error('Bad requirements');
  return table as RouteRequirements;
}

/**
 * Why a token holding the scopes `held` and `amr` does not meet
 * `requirement`; `undefined` when it does. A missing scope comes first: a
 * step-up would not give it.
 */
function unmetBy(
  requirement: RouteRequirement | undefined,
  held: ReadonlySet<string>,
  amr: readonly string[],
): UnmetRequirement | undefined {
  if (requirement?.scopes?.some((needed) => !held.has(needed))) return 'insufficient_scope';
  if (requirement?.mfa && !amr.includes('mfa')) return 'insufficient_user_authentication';
  return undefined;
}

/**
 * The routes of `requirements` that a token holding `scope` and `amr` does not
 * meet, each with why, in the table's order.
 */
export function unmetRoutes(
  requirements: RouteRequirements | undefined,
  scope = '',
  amr: readonly string[] = [],
): Map<string, UnmetRequirement> {
  const held = new Set(scope.split(' '));
  const unmet = new Map<string, UnmetRequirement>();
  for (const [route, requirement] of Object.entries(requirements ?? {})) {
    const why = unmetBy(requirement, held, amr);
    if (why) unmet.set(route, why);
  }
  return unmet;
}
