/**
 * What API Gateway answers by itself (authorizer said no, unknown route,
 * throttled, ...), installed from the shared `GATEWAY_RESPONSES` so the
 * deployed API and the local server answer alike: the API's JSON error body,
 * `Content-Type: application/json`, `WWW-Authenticate` on 401, and the CORS
 * headers of `lambdas/contract/cors.ts` (`gatewayCorsHeaders`).
 */
import { ResponseType, type RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import { gatewayCorsHeaders } from '../lambdas/contract/cors';
import {
  DENIED_CODE_REFERENCE,
  GATEWAY_RESPONSES,
  type GatewayResponseSpec,
  type GatewayResponseType,
} from '../lambdas/contract/gateway-responses';

/** A static header value in API Gateway's mapping syntax: wrapped in single quotes. */
export function staticHeaderValue(value: string): string {
  if (value.includes("'")) {
    throw new Error(`A gateway response header value cannot contain a single quote: ${value}`);
  }
  return `'${value}'`;
}

/**
 * The response body as a mapping template. `$` and `#` start references and
 * directives, so a body holding them would not come out verbatim; the one
 * reference allowed is the code the authorizer's context names.
 */
export function bodyTemplate(spec: GatewayResponseSpec<string>): string {
  const body = JSON.stringify(spec.body);
  if (/[$#]/.test(body.replace(`"${DENIED_CODE_REFERENCE}"`, ''))) {
    throw new Error(`A gateway response body cannot contain "$" or "#": ${body}`);
  }
  return body;
}

/** The CORS headers of the gateway's own answers, in API Gateway's mapping syntax. */
export function corsHeaders(corsOrigins: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(gatewayCorsHeaders(corsOrigins)).map(([name, mapped]) => [
      name,
      'value' in mapped
        ? staticHeaderValue(mapped.value)
        : `method.request.header.${mapped.requestHeader}`,
    ]),
  );
}

/** Adds one gateway response per entry of `responses` (default `GATEWAY_RESPONSES`). */
export function addGatewayResponses(
  api: RestApiBase,
  corsOrigins: readonly string[],
  responses: Record<GatewayResponseType, GatewayResponseSpec<string>> = GATEWAY_RESPONSES,
) {
  for (const [type, spec] of Object.entries(responses) as [
    GatewayResponseType,
    GatewayResponseSpec<string>,
  ][]) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...spec.headers };
    api.addGatewayResponse(type, {
      type: ResponseType.of(type),
      // No status: the DEFAULT_* families keep the one API Gateway chose.
      ...(spec.status !== undefined ? { statusCode: String(spec.status) } : {}),
      responseHeaders: {
        ...Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [name, staticHeaderValue(value)]),
        ),
        ...corsHeaders(corsOrigins),
      },
      templates: { 'application/json': bodyTemplate(spec) },
    });
  }
}
