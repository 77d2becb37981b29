/**
 * The identity contract: what the authorizer hands a protected handler, in
 * every event shape, and `identityOf(event)`, which reads it back.
 *
 * The context is flat, its keys contain no colon, and every value is a
 * string: REST APIs turn context values into strings anyway, and one rule for
 * every shape means a handler reads the same thing behind a REST API and an
 * HTTP API. No key uses a name API Gateway reserves under
 * `$context.authorizer`.
 *
 * This module imports nothing at run time: a user's handler bundles it
 * without aws-cdk-lib, the AWS SDK or any library of this project.
 */
import type { AccessTokenClaims } from './tokens/claims';

/** The context keys, each once; the authorizer writes them and {@link identityOf} reads them. */
export const IDENTITY_KEYS = [
  'sub',
  'sid',
  'jti',
  'username',
  'exp',
  'scope',
  'roles',
  'amr',
] as const;

export type IdentityKey = (typeof IDENTITY_KEYS)[number];

/**
 * The keys holding lists, each a string (`scope` space-separated, `roles`
 * comma-joined) that may be empty. An authorizer older than them passed none:
 * read as empty.
 */
const LIST_SEPARATOR: Partial<Record<IdentityKey, string>> = { scope: ' ', roles: ',', amr: ',' };

/** What the authorizer passes on: every value a string. */
export type IdentityContext = Record<IdentityKey, string>;

/**
 * Names API Gateway keeps for itself under `$context.authorizer`: a context
 * key with one of them would be shadowed or refused.
 */
export const RESERVED_CONTEXT_KEYS = [
  'claims',
  'error',
  'integrationLatency',
  'integrationStatus',
  'latency',
  'principalId',
  'status',
] as const;

/** The caller of a protected route. */
export interface Identity {
  /** The user's stable id (not the username). */
  sub: string;
  /** The session: one login is one session. */
  sid: string;
  /** The access token's id. */
  jti: string;
  username: string;
  /** The access token's `exp`, epoch seconds. */
  exp: number;
  /** The scopes the token holds; none for a token issued before scopes existed. */
  scope: string[];
  /** The user's roles when the token was issued. */
  roles: string[];
  /**
   * How the user signed in (RFC 8176): `["pwd"]`, or `["pwd", "otp", "mfa"]`
   * after a TOTP code; none from an authorizer older than it.
   */
  amr: string[];
}

/** The context an access token's claims give, every value a string. */
export function identityContext(claims: AccessTokenClaims): IdentityContext {
  return {
    sub: claims.sub,
    sid: claims.sid,
    jti: claims.jti,
    username: claims.username,
    exp: String(claims.exp),
    scope: typeof claims.scope === 'string' ? claims.scope : '',
    roles: Array.isArray(claims.roles) ? claims.roles.join(',') : '',
    // A token issued before amr existed came from a password login.
    amr: Array.isArray(claims.amr) ? claims.amr.join(',') : 'pwd',
  };
}

/**
 * Any API Gateway proxy event: REST, HTTP payload 1.0 or 2.0 (whose type
 * names no `authorizer` unless it is the `WithLambdaAuthorizer` variant).
 */
export interface EventWithAuthorizer {
  requestContext?: object | null;
}

/** A protected handler ran without the authorizer's context: a deployment fault, never a pass. */
export class MissingIdentityError extends Error {
  override readonly name = 'MissingIdentityError';
  constructor(detail: string) {
    super(`Protected route called without the authorizer context: ${detail}.`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where the context sits: `requestContext.authorizer` behind a REST API and
 * an HTTP API's payload 1.0; `requestContext.authorizer.lambda` in payload 2.0.
 */
function contextOf(event: EventWithAuthorizer): Record<string, unknown> | undefined {
  const authorizer = (event.requestContext as { authorizer?: unknown } | null | undefined)
    ?.authorizer;
  if (!isRecord(authorizer)) return undefined;
  return isRecord(authorizer.lambda) ? authorizer.lambda : authorizer;
}

/**
 * The caller of a protected route, from the event of a REST API, or of an
 * HTTP API with payload 1.0 or 2.0. Throws {@link MissingIdentityError} when
 * the context is missing or malformed: the route is deployed without the
 * authorizer, which is a server fault (answer 500), never an anonymous pass.
 *
 * ```ts
 * export const handler = async (event: APIGatewayProxyEventV2) => {
 *   const { sub } = identityOf(event);
 *   return { statusCode: 200, body: JSON.stringify(await notesOf(sub)) };
 * };
 * ```
 */
export function identityOf(event: EventWithAuthorizer): Identity {
  const context = contextOf(event);
  if (!context) throw new MissingIdentityError('no requestContext.authorizer');
  const values = {} as IdentityContext;
  for (const key of IDENTITY_KEYS) {
    const value = context[key] ?? (LIST_SEPARATOR[key] ? '' : undefined);
    if (typeof value !== 'string' || (value === '' && !LIST_SEPARATOR[key])) {
      throw new MissingIdentityError(`no ${key}`);
    }
    values[key] = value;
  }
  const exp = Number(values.exp);
  if (!Number.isSafeInteger(exp) || exp <= 0) throw new MissingIdentityError('exp is not a time');
  const list = (key: 'scope' | 'roles' | 'amr') =>
    values[key].split(LIST_SEPARATOR[key] as string).filter((item) => item !== '');
  return { ...values, exp, scope: list('scope'), roles: list('roles'), amr: list('amr') };
}
