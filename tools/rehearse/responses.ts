/**
 * API Gateway's own answers as the template's `AWS::ApiGateway::GatewayResponse`
 * resources define them, with API Gateway's fallbacks: a type the template
 * does not customise takes its family's `DEFAULT_4XX`/`DEFAULT_5XX`, and
 * without that, API Gateway's built-in `{"message": ...}` answer.
 */
import type { GatewayResponseType } from '../../lambdas/contract/gateway-responses';
import { headerValue } from '../../lambdas/http/request';
import type { GatewayResponder } from '../../local/gateway';
import type { TemplateGatewayResponse } from './template';

/** API Gateway's status and message for each response type when nothing is customised. */
const BUILT_IN: Record<GatewayResponseType, { status: number; message: string }> = {
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  ACCESS_DENIED: { status: 403, message: 'User is not authorized to access this resource' },
  AUTHORIZER_FAILURE: { status: 500, message: 'Internal server error' },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error' },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token' },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Not Found' },
  THROTTLED: { status: 429, message: 'Too Many Requests' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long' },
  WAF_FILTERED: { status: 403, message: 'Forbidden' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error' },
  DEFAULT_4XX: { status: 400, message: 'Bad Request' },
  DEFAULT_5XX: { status: 500, message: 'Internal server error' },
};

/** A response parameter's value: `'static'`, or `method.request.header.X` from the request. */
function mappedValue(
  expression: string,
  requestHeaders: Record<string, string>,
): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(expression)?.[1];
  if (header) return headerValue(requestHeaders, header);
  return undefined;
}

/** The few `$context` variables a response template of this kind uses. */
function render(
  template: string,
  values: {
    requestId: string;
    message: string;
    type: string;
    authorizer: Record<string, string>;
  },
): string {
  return template
    .replace(/\$context\.authorizer\.(\w+)/g, (_, key: string) => values.authorizer[key] ?? '')
    .replaceAll('$context.error.messageString', JSON.stringify(values.message))
    .replaceAll('$context.error.message', values.message)
    .replaceAll('$context.error.responseType', values.type)
    .replaceAll('$context.requestId', values.requestId);
}

/** The responder for the gateway emulation, from the template's gateway responses. */
export function templateResponder(
  responses: Record<string, TemplateGatewayResponse>,
): GatewayResponder {
  return (type, options = {}) => {
    const builtIn = BUILT_IN[type];
    const status0 = options.status ?? builtIn.status;
    const family = status0 >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const spec = responses[type] ?? responses[family];
    const status = responses[type]?.status ?? options.status ?? spec?.status ?? builtIn.status;
    const requestId = options.requestId ?? '';
    const headers: Record<string, string> = {};
    for (const [name, expression] of Object.entries(spec?.headers ?? {})) {
      const value = mappedValue(expression, options.headers ?? {});
      if (value !== undefined) headers[name] = value;
    }
    if (headerValue(headers, 'content-type') === undefined)
      headers['Content-Type'] = 'application/json';
    if (requestId) headers['x-amzn-RequestId'] = requestId;
    const body =
      spec?.template !== undefined
        ? render(spec.template, {
            requestId,
            message: builtIn.message,
            type,
            authorizer: options.authorizer ?? {},
          })
        : JSON.stringify({ message: builtIn.message });
    return { status, headers, body };
  };
}
