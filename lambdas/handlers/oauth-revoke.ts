/** Lambda entry: POST /oauth/revoke (RFC 7009; public: the token is the proof). */
import { createOauthRevokeHandler } from '../http/routes/oauth-revoke';
import { revokedTokens, sessions, verifier, wire } from '../runtime';

export const handler = createOauthRevokeHandler(wire({ revokedTokens, sessions, verifier }));
