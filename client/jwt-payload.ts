/**
 * A JWT's payload, read without verifying it: the API verifies every token;
 * the client reads only what it shows or keeps (the session's `sid`, and on
 * the demo page the `amr`).
 */

/** The payload's claims, or `null` when `token` has no readable JSON object there. */
export function jwtPayload(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    return typeof claims === 'object' && claims !== null
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
