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
import type { TokenSettings } from '../config';
import type { TokenSigner } from '../signing/signer';
import {
  type AccessTokenClaims,
  type RefreshTokenClaims,
  TOKEN_TYP,
  type TokenUse,
} from './claims';

export interface IssuedToken<C> {
  token: string;
  claims: C;
}

export interface TokenPair {
  access: IssuedToken<AccessTokenClaims>;
  refresh: IssuedToken<RefreshTokenClaims>;
}

/** Who the tokens are for, and when their session ends for good. */
export interface SessionSubject {
  sub: string;
  sid: string;
  username: string;
  /** Absolute end of the session (epoch seconds): the refresh token's `exp`. */
  sessionExpiresAt: number;
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

/** The claims of both tokens of a pair, not yet signed. */
export interface PairClaims {
  access: AccessTokenClaims;
  refresh: RefreshTokenClaims;
}

export interface TokenIssuerDeps {
  signer: TokenSigner;
  settings: TokenSettings;
  clock?: Clock;
  newId?: () => string;
}

export interface TokenIssuer {
  /** The end of a session that starts now (login). */
  sessionExpiresAt(): number;
  /** A fresh access and refresh token for the session; neither outlives it. */
  issuePair(subject: SessionSubject): Promise<TokenPair>;
  /** The claims of a fresh pair (new ids, `iat` now), unsigned: {@link issuePair} without the signing. */
  newPairClaims(subject: SessionSubject): PairClaims;
  /** The claims of the pair with this identity, exactly as {@link newPairClaims} made them. */
  pairClaims(subject: Omit<SessionSubject, 'sessionExpiresAt'>, identity: PairIdentity): PairClaims;
  /** Signs both tokens of a pair (ES256 signatures are randomised: the bytes differ each time). */
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

export function createTokenIssuer({
  signer,
  settings,
  clock = systemClock,
  newId: makeId = newId,
}: TokenIssuerDeps): TokenIssuer {
  const pairClaims: TokenIssuer['pairClaims'] = ({ sub, sid, username }, identity) => {
    const common = { iss: settings.issuer, aud: settings.audience, sub, sid, iat: identity.iat };
    return {
      access: {
        ...common,
        jti: identity.accessJti,
        exp: identity.accessExp,
        token_use: 'access',
        username,
      },
      refresh: {
        ...common,
        jti: identity.refreshJti,
        exp: identity.refreshExp,
        token_use: 'refresh',
      },
    };
  };

  const newPairClaims: TokenIssuer['newPairClaims'] = (subject) => {
    const iat = epochSeconds(clock());
    return pairClaims(subject, {
      iat,
      accessJti: makeId(),
      // Neither token outlives the session.
      accessExp: Math.min(iat + settings.accessTokenTtlSeconds, subject.sessionExpiresAt),
      refreshJti: makeId(),
      refreshExp: subject.sessionExpiresAt,
    });
  };

  const signPair: TokenIssuer['signPair'] = async ({ access, refresh }) => {
    const [accessToken, refreshToken] = await Promise.all([
      signJwt(signer, 'access', access),
      signJwt(signer, 'refresh', refresh),
    ]);
    return {
      access: { token: accessToken, claims: access },
      refresh: { token: refreshToken, claims: refresh },
    };
  };

  return {
    sessionExpiresAt: () => epochSeconds(clock()) + settings.refreshTokenTtlSeconds,
    issuePair: (subject) => signPair(newPairClaims(subject)),
    newPairClaims,
    pairClaims,
    signPair,
  };
}
