/**
 * Verifying access and refresh tokens with the public keys alone, on
 * `node:crypto` directly: one synchronous ES256 check against a cached
 * `KeyObject` (WebCrypto, which jose uses, hands every check to the thread
 * pool and costs the authorizer twice the CPU). Everything is pinned, check
 * for check what jose's `jwtVerify` did before (the equivalence is a test):
 * compact form, base64url and JSON object segments, `crit`, algorithm ES256,
 * the `kid` of a trusted key, the `typ` of the expected kind, `iss`, `aud`,
 * `iat` (required, not in the future, not older than a session), `nbf` when
 * present, `exp` (required) and `token_use`. Stricter than before: every
 * numeric date is a whole number of seconds in a sane range and no token
 * lives longer than a session, and the ids (`sub`, `sid`, `jti`) are short
 * base64url strings. Every failure is an {@link InvalidTokenError} whose
 * `reason` says why.
 */
import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import { type Clock, systemClock } from '../clock';
import type { TokenSettings } from '../config';
import { MAX_ISSUED_TOKEN_LENGTH } from '../contract/bearer';
import { STORED_ID } from '../contract/ids';
import { InvalidTokenError } from '../errors';
import { keySetOf, type PublicKeySet, type PublicKeySource } from '../signing/signer';
import { CLOCK_TOLERANCE_SECONDS, type ClaimsFor, TOKEN_TYP, type TokenUse } from './claims';
import type { OpaqueRefreshReader } from './opaque-refresh';

/** 9999-12-31T23:59:59Z: any later date is absurd (and no longer a valid `Date`). */
const MAX_NUMERIC_DATE = 253_402_300_799;
/** Unpadded base64url, as RFC 7515 requires for every segment of a compact JWS. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ASCII = /^\p{ASCII}*$/u;

export interface TokenVerifierDeps {
  /** The trusted public keys; a signer counts as the set of its one key. */
  keys: PublicKeySet | PublicKeySource;
  settings: Pick<
    TokenSettings,
    'issuer' | 'acceptedIssuers' | 'audience' | 'refreshTokenTtlSeconds'
  >;
  clock?: Clock;
  /**
   * Reads opaque refresh tokens (`opaqueRefreshReader` of `opaque-refresh.ts`,
   * injected so that the authorizer's bundle never carries it); without it only
   * JWT refresh tokens are accepted.
   */
  opaqueRefresh?: OpaqueRefreshReader;
}

export interface VerifyOptions {
  /**
   * Accept a token whose signature and claims are good but whose `exp` has
   * passed (logout of a session whose access token just expired).
   */
  allowExpired?: boolean;
}

export interface TokenVerifier {
  verify<U extends TokenUse>(token: string, use: U, options?: VerifyOptions): Promise<ClaimsFor<U>>;
}

type Json = Record<string, unknown>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const invalid = (reason: ConstructorParameters<typeof InvalidTokenError>[0]): never => {
  throw new InvalidTokenError(reason);
};

/** Strict base64url: the alphabet only, no padding, no impossible length. */
function decodeSegment(segment: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) invalid('malformed');
  return Buffer.from(segment, 'base64url');
}

/** A JSON object (not an array, not null) from well-formed UTF-8. */
function parseObject(bytes: Uint8Array): Json {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return invalid('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('malformed');
  return value as Json;
}

/** `at+jwt` and `application/at+jwt` name the same media type, case-insensitively (RFC 8725 §3.11). */
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes('/') ? lower : `application/${lower}`;
}

/** The `b64` value of a valid `crit`, true when there is none (RFC 7797). */
function checkCrit(header: Json): boolean {
  const { crit } = header;
  if (crit === undefined) return true;
  if (
    !Array.isArray(crit) ||
    crit.length === 0 ||
    crit.some((name) => typeof name !== 'string' || name.length === 0)
  ) {
    invalid('malformed');
  }
  for (const name of crit as string[]) {
    // We understand no extension: any critical one is refused.
    if (name !== 'b64') invalid('bad_algorithm');
    if (header[name] === undefined) invalid('malformed');
  }
  if (!(crit as string[]).includes('b64')) return true;
  if (typeof header.b64 !== 'boolean') invalid('malformed');
  return header.b64 as boolean;
}

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

/** A JWT NumericDate we could have issued: whole seconds, not before 1970, not after 9999. */
const isSaneDate = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_NUMERIC_DATE;

const isId = (value: unknown): value is string =>
  typeof value === 'string' && STORED_ID.test(value);

export function createTokenVerifier({
  keys,
  settings,
  clock = systemClock,
  opaqueRefresh,
}: TokenVerifierDeps): TokenVerifier {
  const keySet = keySetOf(keys);
  const maxLifetime = settings.refreshTokenTtlSeconds;
  // The current issuer, plus any kept for tokens issued under an earlier one.
  const issuers = new Set([settings.issuer, ...(settings.acceptedIssuers ?? [])]);
  let keysByKid: Map<string, KeyObject> | undefined;

  async function loadKeys(): Promise<Map<string, KeyObject>> {
    const jwks = await keySet.publicKeys();
    keysByKid = new Map(
      jwks.map(({ kty, crv, x, y, kid }) => [
        kid,
        createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }),
      ]),
    );
    return keysByKid;
  }

  /** The claims checks, in the order (and with the reasons) jose used. */
  function checkClaims<U extends TokenUse>(
    header: Json,
    claims: Json,
    use: U,
    { allowExpired = false }: VerifyOptions,
  ): ClaimsFor<U> {
    if (
      typeof header.typ !== 'string' ||
      normalizeTyp(header.typ) !== normalizeTyp(TOKEN_TYP[use])
    ) {
      invalid('wrong_type');
    }
    for (const claim of ['iss', 'aud', 'iat', 'exp', 'jti', 'sid', 'sub']) {
      if (!Object.hasOwn(claims, claim))
        invalid(claim === 'iat' ? 'not_yet_valid' : 'claim_invalid');
    }
    const { iss, aud, iat, nbf, exp } = claims;
    if (typeof iss !== 'string' || !issuers.has(iss)) invalid('claim_invalid');
    const audienceMatches = Array.isArray(aud)
      ? aud.includes(settings.audience)
      : aud === settings.audience;
    if (!audienceMatches) invalid('claim_invalid');

    const now = Math.floor(clock().getTime() / 1000);
    const tolerance = CLOCK_TOLERANCE_SECONDS;
    if (typeof iat !== 'number') invalid('not_yet_valid');
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance)) {
      invalid('not_yet_valid');
    }
    if (typeof exp !== 'number') invalid('claim_invalid');
    const issuedAt = iat as number;
    const expiresAt = exp as number;
    if (expiresAt <= now - tolerance && !allowExpired) invalid('expired');
    const age = now - issuedAt;
    // No token is older than a session.
    if (age - tolerance > maxLifetime && !allowExpired) invalid('expired');
    if (age < -tolerance) invalid('not_yet_valid');

    // Bounds jose never checked: a correctly signed `exp: 1e308` is still absurd.
    if (!isSaneDate(iat) || !isSaneDate(exp) || (nbf !== undefined && !isSaneDate(nbf))) {
      invalid('claim_invalid');
    }
    if (expiresAt - issuedAt > maxLifetime) invalid('claim_invalid');

    if (claims.token_use !== use) invalid('wrong_type');
    if (!isId(claims.sub) || !isId(claims.sid) || !isId(claims.jti)) invalid('claim_invalid');
    if (use === 'access' && !isNonEmptyString(claims.username)) invalid('claim_invalid');
    return claims as unknown as ClaimsFor<U>;
  }

  return {
    async verify(token, use, options = {}) {
      if (token.length === 0) invalid('missing');
      if (token.length > MAX_ISSUED_TOKEN_LENGTH) invalid('malformed');
      // The opaque format's prefix (`opaque-refresh.ts`); a JWT never starts so.
      if (use === 'refresh' && token.startsWith('rt1.')) {
        if (!opaqueRefresh) invalid('malformed');
        const now = Math.floor(clock().getTime() / 1000);
        const read = opaqueRefresh as OpaqueRefreshReader;
        return (await read(token, { now, allowExpired: options.allowExpired ?? false })) as never;
      }
      const segments = token.split('.');
      if (segments.length !== 3) invalid('malformed');
      const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = segments;

      const header = parseObject(decodeSegment(encodedHeader));
      const b64 = checkCrit(header);
      const { alg, kid } = header;
      if (typeof alg !== 'string' || alg.length === 0) invalid('malformed');
      if (alg !== 'ES256') invalid('bad_algorithm');
      const key = (keysByKid ?? (await loadKeys())).get(kid as string);
      if (typeof kid !== 'string' || !key) invalid('unknown_key');
      if (!ASCII.test(encodedPayload)) invalid('malformed');

      const signature = decodeSegment(encodedSignature);
      const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1');
      // ieee-p1363 is JWS's raw r‖s; a signature of any other length simply fails.
      const genuine = verifySignature(
        'sha256',
        signingInput,
        { key: key as KeyObject, dsaEncoding: 'ieee-p1363' },
        signature,
      );
      if (!genuine) invalid('bad_signature');

      const payload = decodeSegment(encodedPayload);
      // An unencoded payload (RFC 7797) is no JWT.
      if (!b64) invalid('malformed');
      return checkClaims(header, parseObject(payload), use, options);
    },
  };
}
