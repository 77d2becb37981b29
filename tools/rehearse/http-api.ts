/**
 * An API Gateway HTTP API emulated for the rehearsal, with the fidelity the
 * REST emulation has (local/gateway.ts): routes matched by route key, the
 * Lambda REQUEST authorizer (payload 2.0 or 1.0, simple responses or an IAM
 * policy, its result cache), and Lambda proxy integrations with payload 2.0.
 * An HTTP API has no gateway responses: its own answers are the fixed
 * `{"message": ...}` bodies, without `WWW-Authenticate`.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Gateway, GatewayRequest, GatewayResponse } from '../../local/gateway';
import { policyAllows } from '../../local/policy';
import { REHEARSAL_ENV } from './resolve';

export interface HttpApiRoute {
  id: string;
  /** `GET /notes`, `ANY /items/{id}`, `GET /files/{proxy+}` or `$default`. */
  routeKey: string;
  /** The function serving it (a key the invoker knows). */
  entry: string;
  authorizer?: HttpApiAuthorizer;
}

export interface HttpApiAuthorizer {
  id: string;
  entry: string;
  identityHeaders: string[];
  payloadVersion: '1.0' | '2.0';
  simpleResponses: boolean;
  resultTtlSeconds: number;
  /** `$context.routeKey` is an identity source: answers are cached per route. */
  cacheByRoute?: boolean;
}

export interface HttpApiOptions {
  apiId: string;
  /** `$default`, or the stage whose name starts every path. */
  stageName: string;
  /** The stage's variables, passed to the authorizer as API Gateway does. */
  stageVariables?: Record<string, string>;
  routes: HttpApiRoute[];
  /** Invokes a function as Lambda would; rejects when it fails. */
  invoke(entry: string, event: unknown, requestId: string): Promise<unknown>;
}

/** API Gateway's own answers on an HTTP API. */
const OWN: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

export function ownAnswer(status: number, requestId?: string): GatewayResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      ...(requestId ? { apigw_requestid: requestId } : {}),
    },
    body: JSON.stringify({ message: OWN[status] ?? 'Internal Server Error' }),
  };
}

interface CompiledRoute extends HttpApiRoute {
  method: string;
  pattern?: RegExp;
  names: string[];
  /** More specific routes first: fewer variables, then longer. */
  rank: number;
}

function compile(route: HttpApiRoute): CompiledRoute {
  if (route.routeKey === '$default') return { ...route, method: 'ANY', names: [], rank: -1 };
  const [method = 'ANY', path = '/'] = route.routeKey.split(' ');
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(.+)\+\}$/.exec(segment)?.[1];
      if (greedy) {
        names.push(greedy);
        return '(.+)';
      }
      const variable = /^\{(.+)\}$/.exec(segment)?.[1];
      if (variable) {
        names.push(variable);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    ...route,
    method: method.toUpperCase(),
    pattern: new RegExp(`^${source}$`),
    names,
    rank: 1000 - names.length * 100 + path.length,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/** The 2.0 response format: a full response, or any other value as a 200 JSON body. */
function readResponse(result: unknown, requestId: string): GatewayResponse {
  const base = { apigw_requestid: requestId };
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const { statusCode, headers, body, isBase64Encoded, cookies } = result as Record<
      string,
      unknown
    >;
    if (typeof statusCode !== 'number' || statusCode < 100 || statusCode > 599) {
      return ownAnswer(500, requestId);
    }
    const merged: Record<string, string> = { 'Content-Type': 'application/json', ...base };
    for (const [name, value] of Object.entries((headers ?? {}) as object)) {
      if (name.toLowerCase() === 'content-type') delete merged['Content-Type'];
      if (value !== undefined && value !== null) merged[name] = String(value);
    }
    if (Array.isArray(cookies) && cookies.length > 0) merged['Set-Cookie'] = cookies.join(', ');
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    return {
      status: statusCode,
      headers: merged,
      body: isBase64Encoded === true ? Buffer.from(text, 'base64').toString('utf8') : text,
    };
  }
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json', ...base },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

type Decision = { allowed: true; context: Record<string, unknown> } | { allowed: false };

export function createHttpApi(options: HttpApiOptions): Gateway {
  const routes = options.routes.map(compile).sort((a, b) => b.rank - a.rank);
  const prefix = options.stageName === '$default' ? '' : `/${options.stageName}`;
  const { region, accountId } = REHEARSAL_ENV;
  const cache = new Map<string, { decision: Decision; until: number }>();

  function match(method: string, path: string) {
    for (const route of routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      if (!route.pattern) return { route, pathParameters: {} };
      const found = route.pattern.exec(path);
      if (!found) continue;
      const pathParameters = Object.fromEntries(
        route.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
      );
      return { route, pathParameters };
    }
    return undefined;
  }

  function routeArn(method: string, path: string): string {
    return `arn:aws:execute-api:${region}:${accountId}:${options.apiId}/${options.stageName}/${method}${path}`;
  }

  async function authorize(
    authorizer: HttpApiAuthorizer,
    request: ShapedRequest,
  ): Promise<Decision | 'failed'> {
    const identity = authorizer.identityHeaders.map((name) => request.headers[name.toLowerCase()]);
    const cacheKey = [...identity, ...(authorizer.cacheByRoute ? [request.routeKey] : [])].join(
      '\u0000',
    );
    const stageVariables = options.stageVariables ?? {};
    const cached = cache.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.decision;
    const arn = routeArn(request.method, request.path);
    const event =
      authorizer.payloadVersion === '2.0'
        ? {
            version: '2.0',
            type: 'REQUEST',
            routeArn: arn,
            identitySource: identity,
            routeKey: request.routeKey,
            rawPath: request.rawPath,
            rawQueryString: request.rawQueryString,
            cookies: request.cookies,
            headers: request.headers,
            queryStringParameters: request.query,
            requestContext: request.requestContext,
            pathParameters: request.pathParameters,
            stageVariables,
          }
        : {
            version: '1.0',
            type: 'REQUEST',
            methodArn: arn,
            identitySource: identity.join(','),
            authorizationToken: identity[0],
            resource: request.routeKey,
            path: request.rawPath,
            httpMethod: request.method,
            headers: request.headers,
            queryStringParameters: request.query,
            pathParameters: request.pathParameters,
            requestContext: request.requestContext,
            stageVariables,
          };
    let result: unknown;
    try {
      result = await options.invoke(authorizer.entry, event, request.requestId);
    } catch {
      return 'failed';
    }
    let decision: Decision;
    if (authorizer.simpleResponses && authorizer.payloadVersion === '2.0') {
      const simple = result as { isAuthorized?: unknown; context?: unknown } | null;
      if (typeof simple?.isAuthorized !== 'boolean') return 'failed';
      decision = simple.isAuthorized
        ? { allowed: true, context: (simple.context ?? {}) as Record<string, unknown> }
        : { allowed: false };
    } else {
      const policy = result as Partial<APIGatewayAuthorizerResult> | null;
      if (typeof policy?.principalId !== 'string' || !policy.policyDocument) return 'failed';
      decision = policyAllows(policy.policyDocument, arn)
        ? {
            allowed: true,
            context: { ...(policy.context ?? {}), principalId: policy.principalId },
          }
        : { allowed: false };
    }
    if (authorizer.resultTtlSeconds > 0) {
      cache.set(cacheKey, { decision, until: Date.now() + authorizer.resultTtlSeconds * 1000 });
    }
    return decision;
  }

  async function handle(raw: GatewayRequest): Promise<GatewayResponse> {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16);
    const [rawPath = '/', rawQueryString = ''] = raw.path.split('?', 2);
    if (prefix && rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) {
      return ownAnswer(404, requestId);
    }
    const path = rawPath.slice(prefix.length) || '/';
    const method = raw.method.toUpperCase();
    const found = match(method, path);
    if (!found) return ownAnswer(404, requestId);
    const headers = lowerCased(raw.headers ?? {});
    const query = {
      ...Object.fromEntries(new URLSearchParams(rawQueryString)),
      ...(raw.query ?? {}),
    };
    const now = new Date();
    const requestContext = {
      accountId,
      apiId: options.apiId,
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: '127',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: raw.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: found.route.routeKey,
      stage: options.stageName,
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    };
    const request: ShapedRequest = {
      method,
      path,
      rawPath,
      rawQueryString,
      routeKey: found.route.routeKey,
      headers,
      query,
      cookies: (headers.cookie ?? '').split(/; */).filter(Boolean),
      pathParameters: found.pathParameters,
      requestContext,
      requestId,
    };

    let authorizerContext: Record<string, unknown> | undefined;
    const { authorizer } = found.route;
    if (authorizer) {
      // A missing identity source is refused before the authorizer runs.
      if (authorizer.identityHeaders.some((name) => !headers[name.toLowerCase()]?.trim())) {
        return ownAnswer(401, requestId);
      }
      const decision = await authorize(authorizer, request);
      if (decision === 'failed') return ownAnswer(500, requestId);
      if (!decision.allowed) return ownAnswer(403, requestId);
      authorizerContext = decision.context;
    }

    const event = {
      version: '2.0',
      routeKey: found.route.routeKey,
      rawPath,
      rawQueryString,
      ...(request.cookies.length > 0 ? { cookies: request.cookies } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      requestContext: {
        ...requestContext,
        ...(authorizerContext ? { authorizer: { lambda: authorizerContext } } : {}),
      },
      ...(Object.keys(found.pathParameters).length > 0
        ? { pathParameters: found.pathParameters }
        : {}),
      ...(raw.body !== undefined && raw.body !== '' ? { body: raw.body } : {}),
      isBase64Encoded: false,
    };
    try {
      return readResponse(await options.invoke(found.route.entry, event, requestId), requestId);
    } catch {
      return ownAnswer(500, requestId);
    }
  }

  return { handle };
}

interface ShapedRequest {
  method: string;
  /** Without the stage prefix. */
  path: string;
  rawPath: string;
  rawQueryString: string;
  routeKey: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  cookies: string[];
  pathParameters: Record<string, string>;
  requestContext: Record<string, unknown>;
  requestId: string;
}
