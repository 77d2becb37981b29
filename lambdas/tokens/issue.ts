/**
 * Issuing access and refresh tokens. The JWS is assembled here and signed by a
 * {@link TokenSigner}, because KMS signs bytes, not JWTs.
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
  return {
    sessionExpiresAt: () => epochSeconds(clock()) + settings.refreshTokenTtlSeconds,

    async issuePair({ sub, sid, username, sessionExpiresAt }) {
      const iat = epochSeconds(clock());
      const common = { iss: settings.issuer, aud: settings.audience, sub, sid, iat };
      const access: AccessTokenClaims = {
        ...common,
        jti: makeId(),
        exp: Math.min(iat + settings.accessTokenTtlSeconds, sessionExpiresAt),
        token_use: 'access',
        username,
      };
      const refresh: RefreshTokenClaims = {
        ...common,
        jti: makeId(),
        exp: sessionExpiresAt,
        token_use: 'refresh',
      };
      const [accessToken, refreshToken] = await Promise.all([
        signJwt(signer, 'access', access),
        signJwt(signer, 'refresh', refresh),
      ]);
      return {
        access: { token: accessToken, claims: access },
        refresh: { token: refreshToken, claims: refresh },
      };
    },
  };
}
