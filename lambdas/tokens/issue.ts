/**
 * Issuing access and refresh tokens. The JWS is assembled here and signed by a
 * {@link TokenSigner}, because KMS signs bytes, not JWTs.
 *
 * Drawing a pair's identity (ids, `iat`, `exp`) and signing it are separate
 * steps: refresh records the identity of a successor pair before signing it,
 * and a refresh inside the grace window signs that same pair again from the
 * recorded identity (no raw token is ever stored).
 */
import { type Clock, epochSeconds, newId, systemClock } from '../clock';
import {
  DEFAULT_REFRESH_TOKEN_FORMAT,
  type RefreshTokenFormat,
  type TokenSettings,
} from '../config';
import type { TokenSigner } from '../signing/signer';
import {
  type AccessTokenClaims,
  type OpaqueRefreshClaims,
  type PresentedRefreshClaims,
  type RefreshTokenClaims,
  type SessionClaims,
  TOKEN_TYP,
  type TokenUse,
} from './claims';
import {
  mintOpaqueRefreshToken,
  type RefreshTokenKey,
  randomNonce,
  referenceOf,
  successorNonce,
} from './opaque-refresh';

export interface IssuedToken<C> {
  token: string;
  claims: C;
}

export interface TokenPair {
  access: IssuedToken<AccessTokenClaims>;
  refresh: IssuedToken<PresentedRefreshClaims>;
}

/** Who the tokens are for, and when their session ends for good. */
export interface SessionSubject {
  sub: string;
  sid: string;
  username: string;
  /** Absolute end of the session (epoch seconds): the refresh token's `exp`. */
  sessionExpiresAt: number;
  /** What the user may do, as resolved now; absent: the access token says nothing of it. */
  claims?: SessionClaims;
  /** How the user signed in (RFC 8176), kept by the session; absent: the token says nothing of it. */
  amr?: readonly string[];
}

/** Everything that tells one pair from another, besides its subject: what a session stores. */
export interface PairIdentity {
  accessJti: string;
  /** Epoch seconds. */
  accessExp: number;
  refreshJti: string;
  /** Epoch seconds. */
  refreshExp: number;
  /** Epoch seconds, the same for both tokens. */
  iat: number;
}

/**
 * The claims of both tokens of a pair, not yet signed. An opaque refresh
 * token needs no signing: it is minted with its claims.
 */
export type PairClaims =
  | { access: AccessTokenClaims; refresh: RefreshTokenClaims }
  | { access: AccessTokenClaims; refresh: OpaqueRefreshClaims; refreshToken: string };

export interface TokenIssuerDeps {
  signer: TokenSigner;
  settings: TokenSettings;
  clock?: Clock;
  newId?: () => string;
  /** What refresh tokens are issued as; default {@link DEFAULT_REFRESH_TOKEN_FORMAT} with a key, else `jwt`. */
  refreshFormat?: RefreshTokenFormat;
  /** The HMAC key of opaque refresh tokens: required for `opaque`, and to replay an opaque successor. */
  refreshKey?: RefreshTokenKey;
}

export interface TokenIssuer {
  /** The end of a session that starts now (login). */
  sessionExpiresAt(): number;
  /** A fresh access and refresh token for the session; neither outlives it. */
  issuePair(subject: SessionSubject): Promise<TokenPair>;
  /**
   * The claims of a fresh pair (new ids, `iat` now), unsigned: {@link issuePair}
   * without the signing. With `predecessor` (the refresh token being rotated)
   * an opaque refresh token is derived from it, so that the same predecessor
   * always gets the same one.
   */
  newPairClaims(subject: SessionSubject, predecessor?: string): Promise<PairClaims>;
  /**
   * The claims of the pair with this identity, exactly as {@link newPairClaims}
   * made them from `predecessor`.
   */
  pairClaims(
    subject: Omit<SessionSubject, 'sessionExpiresAt'>,
    identity: PairIdentity,
    predecessor: string,
  ): Promise<PairClaims>;
  /** Signs the access token of a pair, and a JWT refresh token (ES256 signatures are randomised: the bytes differ each time). */
  signPair(claims: PairClaims): Promise<TokenPair>;
}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs `claims` as a compact JWS with the ES256 header of `use`. */
export async function signJwt(signer: TokenSigner, use: TokenUse, claims: object): Promise<string> {
  const { kid } = await signer.publicKey();
  const signingInput = `${encodeSegment({ alg: 'ES256', typ: TOKEN_TYP[use], kid })}.${encodeSegment(claims)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** A reference (SHA-256 of an opaque token's nonce, 43 characters) is never a 22-character `jti`. */
const isReference = (refreshJti: string) => refreshJti.length === 43;

export function createTokenIssuer({
  signer,
  settings,
  clock = systemClock,
  newId: makeId = newId,
  refreshKey,
  // Opaque wherever there is a key to mint them with, as the configuration says.
  refreshFormat = refreshKey ? DEFAULT_REFRESH_TOKEN_FORMAT : 'jwt',
}: TokenIssuerDeps): TokenIssuer {
  if (refreshFormat === 'opaque' && !refreshKey) {
    throw new Error('Opaque refresh tokens need the refresh-token key.');
  }

  const accessClaims = (
    { sub, sid, username, claims, amr }: Omit<SessionSubject, 'sessionExpiresAt'>,
    { iat, accessJti, accessExp }: Pick<PairIdentity, 'iat' | 'accessJti' | 'accessExp'>,
  ): AccessTokenClaims => ({
    iss: settings.issuer,
    aud: settings.audience,
    sub,
    sid,
    iat,
    jti: accessJti,
    exp: accessExp,
    token_use: 'access',
    username,
    client_id: settings.clientId,
    ...(claims ? { scope: claims.scope, roles: claims.roles } : {}),
    ...(amr ? { amr: [...amr] } : {}),
  });

  const jwtPair = (
    subject: Omit<SessionSubject, 'sessionExpiresAt'>,
    identity: PairIdentity,
  ): PairClaims => ({
    access: accessClaims(subject, identity),
    refresh: {
      iss: settings.issuer,
      aud: settings.audience,
      sub: subject.sub,
      sid: subject.sid,
      iat: identity.iat,
      jti: identity.refreshJti,
      exp: identity.refreshExp,
      token_use: 'refresh',
    },
  });

  const opaquePair = (
    subject: Omit<SessionSubject, 'sessionExpiresAt'>,
    identity: Omit<PairIdentity, 'refreshJti'>,
    key: Uint8Array,
    nonce: Uint8Array,
  ): PairClaims => {
    const { sub, sid } = subject;
    const exp = identity.refreshExp;
    const { token, jti } = mintOpaqueRefreshToken(key, { sub, sid, exp, nonce });
    return {
      access: accessClaims(subject, identity),
      refresh: { token_use: 'refresh', format: 'opaque', sub, sid, jti, exp },
      refreshToken: token,
    };
  };

  const newPairClaims: TokenIssuer['newPairClaims'] = async (subject, predecessor) => {
    const iat = epochSeconds(clock());
    const identity = {
      iat,
      accessJti: makeId(),
      // Neither token outlives the session.
      accessExp: Math.min(iat + settings.accessTokenTtlSeconds, subject.sessionExpiresAt),
      refreshExp: subject.sessionExpiresAt,
    };
    if (refreshFormat === 'jwt') return jwtPair(subject, { ...identity, refreshJti: makeId() });
    const key = await (refreshKey as RefreshTokenKey)();
    const nonce = predecessor === undefined ? randomNonce() : successorNonce(key, predecessor);
    return opaquePair(subject, identity, key, nonce);
  };

  const pairClaims: TokenIssuer['pairClaims'] = async (subject, identity, predecessor) => {
    // The recorded successor's format, whatever is issued now: the same pair again.
    if (refreshKey && isReference(identity.refreshJti)) {
      const key = await refreshKey();
      const nonce = successorNonce(key, predecessor);
      if (referenceOf(nonce) === identity.refreshJti) {
        return opaquePair(subject, identity, key, nonce);
      }
    }
    return jwtPair(subject, identity);
  };

  const signPair: TokenIssuer['signPair'] = async (claims) => {
    const [accessToken, refreshToken] = await Promise.all([
      signJwt(signer, 'access', claims.access),
      'refreshToken' in claims ? claims.refreshToken : signJwt(signer, 'refresh', claims.refresh),
    ]);
    return {
      access: { token: accessToken, claims: claims.access },
      refresh: { token: refreshToken, claims: claims.refresh },
    };
  };

  return {
    sessionExpiresAt: () => epochSeconds(clock()) + settings.refreshTokenTtlSeconds,
    issuePair: async (subject) => signPair(await newPairClaims(subject)),
    newPairClaims,
    pairClaims,
    signPair,
  };
}
