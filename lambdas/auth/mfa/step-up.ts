/**
 * Step-up (`POST /auth/mfa/step-up`): a signed-in caller proves the second
 * factor and the open session gets a new token pair with the stronger
 * `amr` (RFC 8176), what a route that requires MFA asks for.
 *
 * - 400 when the account has no active factor. The code is checked like
 *   the enrolment's (`caller-check.ts`): it counts on the caller's lockout
 *   pair like a password, and each TOTP step, or recovery code, is accepted
 *   once by one conditional write.
 * - The Bearer token must still be the session's current access token: one
 *   a refresh replaced proves nothing more.
 * - The session keeps its id and its end. One conditional write (on its
 *   refresh token as read) swaps the pair and stores the new `amr`, so every
 *   later refresh, and a grace-window replay of one, carries it. Of a
 *   step-up and a concurrent refresh exactly one wins; the other is 401.
 * - The replaced pair is revoked: the access token before the write (while
 *   the item still names it), the refresh token after. A step-up is not a
 *   refresh: the replaced refresh token has no grace window (the client
 *   swaps both tokens at once), so a later use of it is reuse, and ends the
 *   session, as in strict mode.
 */
import { InvalidRequestError, InvalidTokenError, MFA_ERROR_MESSAGES } from '../../errors';
import type { TokenIssuer, TokenPair } from '../../tokens/issue';
import { RECOVERY_CODE_AMR, TOTP_AMR } from '../amr';
import { type Caller, type CallerCheckDeps, checkCaller } from '../caller-check';
import { type ClientInfo, hasActiveMfa, rolesOf, type SessionStore } from '../ports';
import { type RevocationDeps, revokeTokens, type TokenRef } from '../revoke-session';
import { type RoleScopes, sessionClaimsOf } from '../roles';
import { type SecondFactorDeps, useSecondFactor } from './second-factor';

export interface StepUpDeps extends CallerCheckDeps, SecondFactorDeps, RevocationDeps {
  sessions: Pick<SessionStore, 'get' | 'stepUp'>;
  issuer: TokenIssuer;
  /** Role → scopes (setting `roles`): the new access token's `scope`, as a refresh resolves it. */
  roleScopes: RoleScopes;
}

/** The session's new pair, whose `amr` says which factor was used. */
export async function stepUp(
  deps: StepUpDeps,
  caller: Caller & { jti: string },
  code: string,
  client: ClientInfo,
): Promise<TokenPair> {
  const { sessions, issuer, clock } = deps;
  // Before the code is spent: a superseded token or an ended session gets nothing.
  const session = await sessions.get(caller.userId, caller.sessionId);
  if (!session) throw new InvalidTokenError('session_ended');
  if (session.accessJti !== caller.jti) throw new InvalidTokenError('revoked');

  const { user, value: factor } = await checkCaller(
    deps,
    caller,
    client,
    async (found) => {
      if (found && !hasActiveMfa(found)) throw new InvalidRequestError(MFA_ERROR_MESSAGES.notOn);
      return found && useSecondFactor(deps, found, code);
    },
    MFA_ERROR_MESSAGES.wrongCode,
  );
  const amr = factor === 'otp' ? TOTP_AMR : RECOVERY_CODE_AMR;
  const successor = await issuer.newPairClaims({
    sub: session.userId,
    sid: session.sessionId,
    username: session.username,
    sessionExpiresAt: session.expiresAt,
    claims: sessionClaimsOf(rolesOf(user), deps.roleScopes),
    amr,
  });
  const common = { sub: session.userId, sid: session.sessionId };
  await revokeTokens(
    deps,
    [{ ...common, jti: session.accessJti, tokenUse: 'access', exp: session.accessExp }],
    'rotated',
    client,
  );
  const steppedUp = await sessions.stepUp(session.userId, session.sessionId, {
    previousRefreshJti: session.refreshJti,
    accessJti: successor.access.jti,
    accessExp: successor.access.exp,
    refreshJti: successor.refresh.jti,
    refreshExp: successor.refresh.exp,
    refreshedAt: clock().toISOString(),
    amr: [...amr],
  });
  // A concurrent refresh or step-up won, or the session ended meanwhile.
  if (!steppedUp) throw new InvalidTokenError('revoked');
  const replaced: TokenRef = {
    ...common,
    jti: session.refreshJti,
    tokenUse: 'refresh',
    exp: session.refreshExp,
  };
  const [pair] = await Promise.all([
    issuer.signPair(successor),
    revokeTokens(deps, [replaced], 'rotated', client),
  ]);
  return pair;
}
