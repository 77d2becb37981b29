/**
 * The HTTP APIs of a template (`AWS::ApiGatewayV2::*`, protocol HTTP), as the
 * rehearsal serves them: each route's key and integration, and the Lambda
 * REQUEST authorizer in front of the `CUSTOM` routes. Read from the template
 * alone, like the REST API (template.ts).
 */
import {
  type CfnResource,
  type CfnTemplate,
  functionIn,
  RehearsalError,
  refOf,
  refsIn,
  resourcesOfType,
} from './template';

/** Where a route's or authorizer's function is: a function of this template, or a URI to resolve. */
export interface FunctionTarget {
  /** Logical id of the function, when it is in this template. */
  entry?: string;
  /** The unresolved URI (a function ARN or an API Gateway invocation URI), otherwise. */
  uri?: unknown;
}

export interface HttpRoute {
  /** The route's logical id. */
  id: string;
  /** `GET /notes`, `ANY /{proxy+}`, or `$default`. */
  routeKey: string;
  /** The authorizer's logical id, for `CUSTOM` routes. */
  authorizerId?: string;
  target: FunctionTarget;
}

export interface HttpAuthorizer {
  id: string;
  target: FunctionTarget;
  /** The request headers of `IdentitySource` (`$request.header.X`), all required. */
  identityHeaders: string[];
  payloadVersion: '1.0' | '2.0';
  simpleResponses: boolean;
  resultTtlSeconds: number;
  /** `$context.routeKey` is an identity source: answers are cached per route. */
  cacheByRoute?: boolean;
}

export interface HttpApiModel {
  logicalId: string;
  /** `$default`, or the stage name the URL starts with. */
  stageName: string;
  /** The stage's variables (route requirements travel in them). */
  stageVariables: Record<string, string>;
  routes: HttpRoute[];
  authorizers: Record<string, HttpAuthorizer>;
  /** Routes not served (a non-Lambda integration, IAM or JWT authorization), with why. */
  skipped: string[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function targetOf(template: CfnTemplate, uri: unknown): FunctionTarget {
  const entry = functionIn(template, uri);
  return entry ? { entry } : { uri };
}

function readAuthorizer(template: CfnTemplate, id: string): HttpAuthorizer {
  const resource = template.Resources[id];
  const props = resource?.Properties ?? {};
  if (resource?.Type !== 'AWS::ApiGatewayV2::Authorizer' || props.AuthorizerType !== 'REQUEST') {
    throw new RehearsalError(
      `HTTP API authorizer ${id} is not a Lambda REQUEST authorizer; the rehearsal serves those only.`,
    );
  }
  const sources = (props.IdentitySource ?? []) as unknown[];
  // The route key keys the cache by route, as it does in AWS (route requirements).
  const byRoute = sources.includes('$context.routeKey');
  const identityHeaders = sources.flatMap((source) => {
    if (source === '$context.routeKey') return [];
    const header = /^\$request\.header\.(.+)$/.exec(str(source) ?? '')?.[1];
    if (!header) {
      throw new RehearsalError(
        `HTTP API authorizer ${id}: identity source ${JSON.stringify(source)} is not a request header.`,
      );
    }
    return [header];
  });
  const payloadVersion = str(props.AuthorizerPayloadFormatVersion);
  if (payloadVersion !== '1.0' && payloadVersion !== '2.0') {
    throw new RehearsalError(
      `HTTP API authorizer ${id}: AuthorizerPayloadFormatVersion ${JSON.stringify(payloadVersion)} (1.0 or 2.0 expected).`,
    );
  }
  return {
    id,
    target: targetOf(template, props.AuthorizerUri),
    identityHeaders,
    ...(byRoute ? { cacheByRoute: true } : {}),
    payloadVersion,
    simpleResponses: props.EnableSimpleResponses === true,
    // CloudFormation's default when the property is absent.
    resultTtlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
  };
}

function readApi(template: CfnTemplate, apiId: string): HttpApiModel {
  const ofApi = (resource: CfnResource) => refOf(resource.Properties?.ApiId) === apiId;
  const stage = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').find(([, s]) => ofApi(s));
  const routes: HttpRoute[] = [];
  const authorizers: Record<string, HttpAuthorizer> = {};
  const skipped: string[] = [];
  for (const [id, route] of resourcesOfType(template, 'AWS::ApiGatewayV2::Route')) {
    if (!ofApi(route)) continue;
    const props = route.Properties ?? {};
    const routeKey = String(props.RouteKey);
    const integrationId = refsIn(props.Target).find(
      (ref) => template.Resources[ref]?.Type === 'AWS::ApiGatewayV2::Integration',
    );
    const integration = integrationId ? template.Resources[integrationId]?.Properties : undefined;
    if (integration?.IntegrationType !== 'AWS_PROXY') {
      skipped.push(`${routeKey} (${String(integration?.IntegrationType ?? 'no')} integration)`);
      continue;
    }
    if (String(integration.PayloadFormatVersion ?? '2.0') !== '2.0') {
      skipped.push(`${routeKey} (payload ${String(integration.PayloadFormatVersion)} integration)`);
      continue;
    }
    const authorization = String(props.AuthorizationType ?? 'NONE');
    if (authorization !== 'NONE' && authorization !== 'CUSTOM') {
      skipped.push(`${routeKey} (${authorization} authorization)`);
      continue;
    }
    if (authorization === 'CUSTOM') {
      const authorizerId = refOf(props.AuthorizerId);
      if (!authorizerId)
        throw new RehearsalError(`Route ${id}: CUSTOM authorization without an AuthorizerId Ref.`);
      authorizers[authorizerId] ??= readAuthorizer(template, authorizerId);
    }
    routes.push({
      id,
      routeKey,
      ...(authorization === 'CUSTOM' ? { authorizerId: refOf(props.AuthorizerId) } : {}),
      target: targetOf(template, integration.IntegrationUri),
    });
  }
  return {
    logicalId: apiId,
    stageName: str(stage?.[1].Properties?.StageName) ?? '$default',
    stageVariables: Object.fromEntries(
      Object.entries((stage?.[1].Properties?.StageVariables ?? {}) as Record<string, unknown>).map(
        ([name, value]) => [name, String(value)],
      ),
    ),
    routes,
    authorizers,
    skipped,
  };
}

/** Every HTTP API of the template (WebSocket APIs are not served). */
export function readHttpApis(template: CfnTemplate): HttpApiModel[] {
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Api')
    .filter(([, api]) => (api.Properties?.ProtocolType ?? 'HTTP') === 'HTTP')
    .map(([apiId]) => readApi(template, apiId));
}
