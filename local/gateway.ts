/**
 * API Gateway (REST API, v1) emulated in-process, without HTTP: the local
 * server and the integration tests feed it requests and get back what the
 * deployed API would answer. It serves the handler modules of the shared route
 * table, runs the TOKEN authorizer in front of protected routes, and answers
 * on its own with the shared gateway responses, exactly where API Gateway does.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { BEARER_HEADER_PATTERN } from '../lambdas/contract/bearer';
import { corsPreflightHeaders, gatewayCorsHeaders } from '../lambdas/contract/cors';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../lambdas/contract/gateway-responses';
import { AUTHORIZER, ROUTES } from '../lambdas/contract/routes';
import { headerValue } from '../lambdas/http/request';
import { log } from '../lambdas/log';
import { checkIamStandIn } from './iam-stand-in';
import { policyAllows } from './policy';
import {
  type IncomingRequest,
  lambdaContext,
  proxyEvent,
  tokenAuthorizerEvent,
} from './proxy-event';
import { createRouter, type GatewayRoute } from './routing';

export type { GatewayRoute } from './routing';

export interface GatewayRequest {
  method: string;
  /** The request path, without the query string. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  query?: Record<string, string>;
  /** The client address, as `requestContext.identity.sourceIp`. Default `127.0.0.1`. */
  sourceIp?: string;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
}

export type ModuleLoader = (entry: string) => Promise<{ handler: unknown }>;

/** The TOKEN authorizer in front of `bearer` routes, as an API Gateway authorizer resource defines it. */
export interface GatewayAuthorizer {
  id: string;
  /** Handler module, as given to the {@link ModuleLoader}. */
  entry: string;
  /** The identity source: the request header holding the token. Default `Authorization`. */
  identityHeader?: string;
  /** `identityValidationExpression`: a token that does not match is refused (401) without calling the authorizer. */
  validationExpression?: string;
  /** Result cache TTL, keyed by the token; 0 (the default) caches nothing. */
  resultTtlSeconds?: number;
  /**
   * `REQUEST`: the event carries the request's route and the stage's
   * variables (a user's API with route requirements). Default `TOKEN`.
   */
  type?: 'TOKEN' | 'REQUEST';
  /** The stage's variables, for a `REQUEST` authorizer. */
  stageVariables?: Record<string, string>;
}

/** Builds the gateway's own answer of a type; `headers` are the request's, for mapped header values. */
export type GatewayResponder = (
  type: GatewayResponseType,
  options?: {
    status?: number;
    requestId?: string;
    headers?: Record<string, string>;
    /** The authorizer's context of a Deny, for `$context.authorizer.*` in a template. */
    authorizer?: Record<string, string>;
  },
) => GatewayResponse;

export interface GatewayOptions {
  /** Default: the shared {@link ROUTES}. */
  routes?: readonly GatewayRoute[];
  /** Default: the shared {@link AUTHORIZER} with the `Authorization` header, the shared validation expression and no cache. */
  authorizer?: GatewayAuthorizer;
  /** The gateway's own answers. Default: the shared definitions ({@link gatewayResponse}). */
  respond?: GatewayResponder;
  /**
   * Browser origins allowed by CORS, as the stack's `corsOrigins`: preflights
   * are answered and the gateway's own responses carry the headers. Default none.
   */
  corsOrigins?: readonly string[];
  /** Loads a handler module by its `entry`. Default: dynamic `import()` from the repository root. */
  loadModule?: ModuleLoader;
  /** The shared secret standing in for IAM on `iam` routes (`iam-stand-in.ts`); unset: nobody passes. */
  introspectionSecret?: string;
}

type LambdaHandler = (event: unknown, context: Context, callback: Callback) => unknown;
type Callback = (error?: unknown, result?: unknown) => void;

const REPO_ROOT = resolve(__dirname, '..');

/** Imports `entry` (relative to the repository root) as Lambda would load it. */
export const importFromRepo: ModuleLoader = async (entry) => {
  const loaded: Record<string, unknown> = await import(resolve(REPO_ROOT, entry));
  // A CommonJS module imported as ESM keeps its exports on `default` too.
  const handler =
    loaded.handler ?? (loaded.default as Record<string, unknown> | undefined)?.handler;
  return { handler };
};

/**
 * A responder whose answers carry the CORS headers the stack gives every
 * gateway response (`gatewayCorsHeaders`), resolved against the request as
 * API Gateway resolves them.
 */
export function withGatewayCors(
  respond: GatewayResponder,
  corsOrigins: readonly string[],
): GatewayResponder {
  const mapped = Object.entries(gatewayCorsHeaders(corsOrigins));
  return (type, options = {}) => {
    const response = respond(type, options);
    const cors: Record<string, string> = {};
    for (const [name, source] of mapped) {
      const value =
        'value' in source ? source.value : headerValue(options.headers ?? {}, source.requestHeader);
      if (value !== undefined) cors[name] = value;
    }
    return { ...response, headers: { ...response.headers, ...cors } };
  };
}

/** What API Gateway answers itself, from the one shared definition. */
export function gatewayResponse(
  type: GatewayResponseType,
  options: { status?: number; requestId?: string } = {},
): GatewayResponse {
  const spec = GATEWAY_RESPONSES[type];
  const status = options.status ?? spec.status;
  if (status === undefined) throw new Error(`Gateway response ${type} needs a status.`);
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      ...spec.headers,
      ...(options.requestId ? { 'x-amzn-RequestId': options.requestId } : {}),
    },
    body: JSON.stringify(spec.body),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** Calls a Lambda handler, whether it returns a promise or answers through the callback. */
function invoke(handler: LambdaHandler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const callback: Callback = (error, result) =>
      error === undefined || error === null ? resolvePromise(result) : reject(error);
    try {
      const returned = handler(event, context, callback);
      // A thenable, not `instanceof Promise`: the handler may come from another realm (Jest's vm).
      if (isThenable(returned)) returned.then(resolvePromise, reject);
    } catch (error) {
      reject(error);
    }
  });
}

type AuthorizerOutcome =
  | { kind: 'allowed'; context: Record<string, string> }
  | { kind: 'refused'; response: GatewayResponseType; context?: Record<string, string> };

function isUnauthorized(error: unknown): boolean {
  return error === 'Unauthorized' || (error instanceof Error && error.message === 'Unauthorized');
}

/**
 * API Gateway hands the context to the handler with every value as a string
 * and refuses objects and arrays (AuthorizerConfigurationException).
 */
function stringContext(context: unknown): Record<string, string> | undefined {
  if (context === undefined || context === null) return {};
  if (typeof context !== 'object') return undefined;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) return undefined;
    values[key] = String(value);
  }
  return values;
}

function readAuthorizerResult(result: unknown, arn: string): AuthorizerOutcome {
  const candidate = result as Partial<APIGatewayAuthorizerResult> | undefined;
  const context = stringContext(candidate?.context);
  if (
    typeof candidate?.principalId !== 'string' ||
    !Array.isArray(candidate.policyDocument?.Statement) ||
    !context
  ) {
    return { kind: 'refused', response: 'AUTHORIZER_CONFIGURATION_ERROR' };
  }
  const withPrincipal = { ...context, principalId: candidate.principalId };
  if (!policyAllows(candidate.policyDocument, arn)) {
    return { kind: 'refused', response: 'ACCESS_DENIED', context: withPrincipal };
  }
  return { kind: 'allowed', context: withPrincipal };
}

/** Turns a proxy integration result into a response; `undefined` when it is malformed. */
function readProxyResult(result: unknown, requestId: string): GatewayResponse | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<
    string,
    unknown
  >;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) return undefined;
  if (statusCode < 100 || statusCode > 599) return undefined;
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  const merged: Record<string, string> = {};
  for (const [name, values] of Object.entries((multiValueHeaders ?? {}) as object)) {
    if (Array.isArray(values)) merged[name] = values.map(String).join(', ');
  }
  for (const [name, value] of Object.entries((headers ?? {}) as object)) {
    if (value !== undefined && value !== null) merged[name] = String(value);
  }
  // API Gateway's default content type for a proxy response that names none.
  if (headerValue(merged, 'content-type') === undefined)
    merged['Content-Type'] = 'application/json';
  merged['x-amzn-RequestId'] = requestId;
  const text = body ?? '';
  return {
    status: statusCode,
    headers: merged,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64').toString('utf8') : text,
  };
}

function toIncoming(request: GatewayRequest): IncomingRequest {
  // Tolerate a query string left on the path: API Gateway matches the path alone.
  const [path = '/', queryString] = request.path.split('?', 2);
  const query = { ...Object.fromEntries(new URLSearchParams(queryString ?? '')), ...request.query };
  return {
    method: request.method.toUpperCase(),
    path: path || '/',
    headers: request.headers ?? {},
    query,
    body: request.body === undefined || request.body === '' ? undefined : request.body,
    sourceIp: request.sourceIp ?? '127.0.0.1',
    requestId: randomUUID(),
    receivedAt: new Date(),
  };
}

/** API Gateway matches the whole token against the expression; no expression lets every token through. */
function matchesValidationExpression(token: string, expression: string | undefined): boolean {
  return expression === undefined || new RegExp(`^(?:${expression})$`).test(token);
}

/** Creates the emulated REST API over `routes` and the authorizer (default: the shared ones). */
export function createGateway(options: GatewayOptions = {}): Gateway {
  const route = createRouter(options.routes ?? ROUTES);
  const loadModule = options.loadModule ?? importFromRepo;
  const handlers = new Map<string, Promise<LambdaHandler>>();

  /** Loads each module once, like a warm Lambda instance; a failed cold start is retried. */
  function handlerOf(fn: Pick<GatewayRoute, 'entry'>): Promise<LambdaHandler> {
    let loading = handlers.get(fn.entry);
    if (!loading) {
      loading = loadModule(fn.entry).then(({ handler }) => {
        if (typeof handler !== 'function') throw new Error(`${fn.entry} exports no handler`);
        return handler as LambdaHandler;
      });
      loading.catch(() => handlers.delete(fn.entry));
      handlers.set(fn.entry, loading);
    }
    return loading;
  }

  // By default the stack's authorizer: the same validation expression turns away
  // a header that cannot be a bearer JWT before the authorizer runs.
  const authorizerSpec: GatewayAuthorizer = options.authorizer ?? {
    ...AUTHORIZER,
    validationExpression: BEARER_HEADER_PATTERN,
  };
  const corsOrigins = options.corsOrigins ?? [];
  // By default the shared definitions with the CORS headers the stack gives them.
  const respond = options.respond ?? withGatewayCors(gatewayResponse, corsOrigins);
  /** Authorizer results by token, while their TTL lasts; the policy is re-read for every method ARN. */
  const resultCache = new Map<string, { result: unknown; until: number }>();

  async function authorize(
    token: string,
    request: IncomingRequest,
    spec: GatewayRoute,
  ): Promise<AuthorizerOutcome> {
    const tokenEvent: APIGatewayTokenAuthorizerEvent = tokenAuthorizerEvent(token, request);
    // A REQUEST event: the route and the stage's variables (its identity source, the cache key, is the header).
    const event =
      authorizerSpec.type === 'REQUEST'
        ? {
            type: 'REQUEST',
            methodArn: tokenEvent.methodArn,
            resource: spec.path,
            path: request.path,
            httpMethod: request.method.toUpperCase(),
            headers: request.headers,
            stageVariables: authorizerSpec.stageVariables ?? null,
          }
        : tokenEvent;
    const cached = resultCache.get(token);
    if (cached && cached.until > Date.now())
      return readAuthorizerResult(cached.result, event.methodArn);
    let result: unknown;
    try {
      const authorizer = await handlerOf(authorizerSpec);
      result = await invoke(authorizer, event, lambdaContext(authorizerSpec.id));
    } catch (error) {
      if (isUnauthorized(error)) return { kind: 'refused', response: 'UNAUTHORIZED' };
      log('error', 'local gateway: authorizer failed', { requestId: request.requestId, error });
      return { kind: 'refused', response: 'AUTHORIZER_FAILURE' };
    }
    const ttlSeconds = authorizerSpec.resultTtlSeconds ?? 0;
    if (ttlSeconds > 0) resultCache.set(token, { result, until: Date.now() + ttlSeconds * 1000 });
    return readAuthorizerResult(result, event.methodArn);
  }

  async function integrate(
    spec: GatewayRoute,
    event: APIGatewayProxyEvent,
    requestId: string,
  ): Promise<GatewayResponse> {
    try {
      const handler = await handlerOf(spec);
      const response = readProxyResult(
        await invoke(handler, event, lambdaContext(spec.id)),
        requestId,
      );
      if (response) return response;
      log('error', 'local gateway: malformed Lambda proxy response', { route: spec.id, requestId });
    } catch (error) {
      log('error', 'local gateway: handler failed', { route: spec.id, requestId, error });
    }
    // A crashed or malformed proxy integration is a 502 in API Gateway; nothing of it leaks.
    return respond('DEFAULT_5XX', {
      status: 502,
      requestId,
      headers: event.headers as Record<string, string>,
    });
  }

  const methods = [...new Set((options.routes ?? ROUTES).map((spec) => spec.method))];
  const pathExists = (path: string) => methods.some((m) => route(m, path).kind === 'matched');

  /**
   * API Gateway's side of CORS: the preflight. Its own answers carry the
   * headers of their definitions (`respond`); the handlers add theirs.
   */
  async function handleWithCors(request: IncomingRequest): Promise<GatewayResponse> {
    const origin = headerValue(request.headers, 'origin');
    if (corsOrigins.length > 0 && request.method === 'OPTIONS' && pathExists(request.path)) {
      return {
        status: 204,
        headers: {
          ...corsPreflightHeaders(corsOrigins, origin),
          'x-amzn-RequestId': request.requestId,
        },
        body: '',
      };
    }
    return dispatch(request);
  }

  async function dispatch(request: IncomingRequest): Promise<GatewayResponse> {
    const { requestId } = request;
    const lookup = route(request.method, request.path);
    const { headers } = request;
    if (lookup.kind === 'missing')
      return respond('MISSING_AUTHENTICATION_TOKEN', { requestId, headers });
    const { route: spec, pathParameters } = lookup.match;

    let authorizerContext: Record<string, string> | null = null;
    if (spec.auth === 'bearer') {
      // The identity source: without it API Gateway answers 401 and never calls the authorizer.
      const token = headerValue(headers, authorizerSpec.identityHeader ?? 'authorization');
      if (!token?.trim()) return respond('UNAUTHORIZED', { requestId, headers });
      if (!matchesValidationExpression(token, authorizerSpec.validationExpression)) {
        return respond('UNAUTHORIZED', { requestId, headers });
      }
      const outcome = await authorize(token, request, spec);
      if (outcome.kind === 'refused') {
        const authorizer = outcome.context ? { authorizer: outcome.context } : {};
        return respond(outcome.response, { requestId, headers, ...authorizer });
      }
      authorizerContext = outcome.context;
    } else if (spec.auth === 'iam') {
      const refused = checkIamStandIn(
        headerValue(request.headers, 'authorization'),
        options.introspectionSecret,
      );
      if (refused) return respond(refused, { requestId, headers });
    }
    return integrate(spec, proxyEvent(request, spec, pathParameters, authorizerContext), requestId);
  }

  return {
    handle: (raw) => handleWithCors(toIncoming(raw)),
  };
}
