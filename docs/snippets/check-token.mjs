/**
 * Checks an access token against a running `npm start`, the way a service
 * under development can before it sits behind API Gateway: RFC 7662
 * introspection, authenticated with the local introspection secret (HTTP
 * Basic, RFC 6749 `client_secret_basic`). Unlike a signature check, it sees
 * revocations: a logged-out token answers `active: false`.
 *
 * Plain Node 20, no dependency. As a module:
 *
 *   import { checkToken } from './check-token.mjs';
 *   const caller = await checkToken(token, { authUrl, secret }); // null when refused
 *
 * As a command (exit 0: active, 1: not active, 2: could not check):
 *
 *   AUTH_URL=http://127.0.0.1:3000 INTROSPECTION_SECRET=s3cret \
 *     node docs/snippets/check-token.mjs "$ACCESS"
 */
import { pathToFileURL } from 'node:url';

/** Form encoding of a Basic credential's parts (RFC 6749 §2.3.1). */
const formEncode = (value) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * The introspection answer for `token` when it is active (`sub`, `username`,
 * `sid`, `jti`, `exp`, …), `null` when it is not (expired, revoked, forged).
 * Throws when the check itself fails (wrong secret, server down): a service
 * must then refuse the request, never let it through.
 */
export async function checkToken(token, { authUrl, secret, clientId = 'local-service' }) {
  const credential = Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString(
    'base64',
  );
  const response = await fetch(new URL('/oauth/introspect', authUrl), {
    method: 'POST',
    headers: {
      Authorization: `Basic ${credential}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) {
    throw new Error(`introspection answered ${response.status}: ${await response.text()}`);
  }
  const answer = await response.json();
  return answer.active === true ? answer : null;
}

async function main() {
  const [token] = process.argv.slice(2);
  const authUrl = process.env.AUTH_URL ?? 'http://127.0.0.1:3000';
  const secret = process.env.INTROSPECTION_SECRET;
  if (!token || !secret) {
    console.error('usage: INTROSPECTION_SECRET=… [AUTH_URL=…] node check-token.mjs <access token>');
    return 2;
  }
  try {
    const caller = await checkToken(token, { authUrl, secret });
    console.log(JSON.stringify(caller ?? { active: false }));
    return caller ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
