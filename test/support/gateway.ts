/**
 * Requests to the emulated API Gateway (local/gateway.ts) as the gateway
 * tests send them most often.
 */
import type { Gateway, GatewayResponse } from '../../local/gateway';

/** GET `path` with `authorization` as the `Authorization` header. */
export function getWithAuthorization(
  gateway: Gateway,
  path: string,
  authorization: string,
): Promise<GatewayResponse> {
  return gateway.handle({ method: 'GET', path, headers: { Authorization: authorization } });
}
