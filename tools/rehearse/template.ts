/**
 * What the deployment rehearsal serves, read from the synthesized
 * CloudFormation template alone (never from the route table in
 * `lambdas/contract/`, so that a difference between the two shows): the REST
 * API's routes, rebuilt from its `AWS::ApiGateway::Resource` tree and
 * `AWS::ApiGateway::Method`s; the TOKEN authorizer; the gateway responses;
 * the DynamoDB tables; the KMS keys; and every Lambda function with its asset
 * folder in the cloud assembly.
 */
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}

/** A template the rehearsal cannot serve as it stands; the message says what and where. */
export class RehearsalError extends Error {
  override readonly name = 'RehearsalError';
}

export interface TemplateFunction {
  logicalId: string;
  /** Absolute folder of the function's code (its bundled asset); unset for inline code. */
  codeDir?: string;
  /** `Code.ZipFile`: inline source, which Lambda runs as `index.js`. */
  inlineCode?: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** `Environment.Variables`, unresolved. */
  environment: Record<string, unknown>;
}

export interface TemplateRoute {
  /** The method's logical id. */
  id: string;
  method: string;
  path: string;
  auth: 'none' | 'bearer';
  /** Logical id of the function that serves it, when it is in this template. */
  entry?: string;
  /** Otherwise the integration's URI, unresolved (a function of another stack, by ARN). */
  uri?: unknown;
}

export interface TemplateAuthorizer {
  id: string;
  /** Logical id of the authorizer function, when it is in this template. */
  entry?: string;
  /** Otherwise its `AuthorizerUri`, unresolved (a function of another stack, by ARN). */
  uri?: unknown;
  identityHeader: string;
  validationExpression?: string;
  resultTtlSeconds: number;
  /** `REQUEST` authorizers get the request's route and the stage's variables. */
  type: 'TOKEN' | 'REQUEST';
  /** The API stage's variables (route requirements travel in them). */
  stageVariables?: Record<string, string>;
}

export interface TemplateGatewayResponse {
  status?: number;
  /** `gatewayresponse.header.X` → mapping expression (`'static'` or `method.request.header.Y`). */
  headers: Record<string, string>;
  /** The `application/json` response template. */
  template?: string;
}

export interface TemplateTable {
  logicalId: string;
  /** `CreateTable` input without `TableName` (the name is resolved separately). */
  input: Omit<CreateTableCommandInput, 'TableName'>;
  ttlAttribute?: string;
}

/** The kinds of KMS key the stand-in keeps. */
export const STAND_IN_KEY_SPECS = {
  ECC_NIST_P256: 'SIGN_VERIFY',
  HMAC_256: 'GENERATE_VERIFY_MAC',
  SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
} as const;
export type StandInKeySpec = keyof typeof STAND_IN_KEY_SPECS;

export interface TemplateKey {
  logicalId: string;
  spec: StandInKeySpec;
  /** Logical ids of the `AWS::KMS::Alias`es pointing at it, and their names. */
  aliases: string[];
}

export interface RestApiModel {
  logicalId: string;
  routes: TemplateRoute[];
  authorizer?: TemplateAuthorizer;
  responses: Record<string, TemplateGatewayResponse>;
  /** Methods the rehearsal does not serve (MOCK integrations, IAM auth, ...), with why. */
  skipped: string[];
}

export const refOf = (value: unknown): string | undefined =>
  typeof (value as { Ref?: unknown } | null)?.Ref === 'string'
    ? (value as { Ref: string }).Ref
    : undefined;

function getAttOf(value: unknown): [string, string] | undefined {
  const att = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string' && typeof att[1] === 'string') {
    return [att[0], att[1]];
  }
  if (typeof att === 'string' && att.includes('.')) {
    const [id = '', ...rest] = att.split('.');
    return [id, rest.join('.')];
  }
  return undefined;
}

/** Every `Ref` target anywhere inside `value`. */
export function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  const own = refOf(value);
  return [...(own ? [own] : []), ...Object.values(value).flatMap(refsIn)];
}

/** Every `Fn::GetAtt` target (logical id) anywhere inside `value`. */
function getAttTargets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(getAttTargets);
  if (typeof value !== 'object' || value === null) return [];
  const own = getAttOf(value);
  return [...(own ? [own[0]] : []), ...Object.values(value).flatMap(getAttTargets)];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Every `AWS::Lambda::Function` with its code folder in the assembly at `assemblyDir`. */
export function readFunctions(template: CfnTemplate, assemblyDir: string): TemplateFunction[] {
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const assetPath = str(resource.Metadata?.['aws:asset:path']);
    const inlineCode = str((props.Code as { ZipFile?: unknown } | undefined)?.ZipFile);
    if (!assetPath && inlineCode === undefined) {
      throw new RehearsalError(
        `Function ${logicalId} has neither inline code nor aws:asset:path metadata: only code in the assembly can be rehearsed.`,
      );
    }
    const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    return {
      logicalId,
      ...(assetPath ? { codeDir: join(assemblyDir, assetPath) } : { inlineCode }),
      handler: str(props.Handler) ?? 'index.handler',
      runtime: str(props.Runtime) ?? 'unknown',
      // CloudFormation's defaults.
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: variables ?? {},
    };
  });
}

/** The function a method or authorizer invokes: the Lambda function named in its URI. */
export function functionIn(template: CfnTemplate, uri: unknown): string | undefined {
  return getAttTargets(uri).find((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function');
}

/** `method.request.header.Authorization` → `Authorization`. */
function identityHeader(source: unknown, authorizerId: string): string {
  const match = /^method\.request\.header\.([^,\s]+)$/.exec(str(source) ?? '');
  if (!match?.[1]) {
    throw new RehearsalError(
      `Authorizer ${authorizerId}: identity source ${JSON.stringify(source)} is not one request header; the rehearsal serves authorizers on a header.`,
    );
  }
  return match[1];
}

function readAuthorizer(template: CfnTemplate, id: string): TemplateAuthorizer {
  const resource = template.Resources[id];
  const props = resource?.Properties ?? {};
  const type = props.Type;
  if (
    resource?.Type !== 'AWS::ApiGateway::Authorizer' ||
    (type !== 'TOKEN' && type !== 'REQUEST')
  ) {
    throw new RehearsalError(
      `Authorizer ${id} is not a Lambda TOKEN or REQUEST authorizer; the rehearsal serves those only.`,
    );
  }
  const entry = functionIn(template, props.AuthorizerUri);
  const expression = str(props.IdentityValidationExpression);
  return {
    id,
    ...(entry ? { entry } : { uri: props.AuthorizerUri }),
    identityHeader: identityHeader(props.IdentitySource, id),
    type,
    ...(expression ? { validationExpression: expression } : {}),
    // CloudFormation's default is 300 seconds when the property is absent.
    resultTtlSeconds: Number(props.AuthorizerResultTtlInSeconds ?? 300),
  };
}

/** Routes, authorizer and gateway responses of the template's one REST API. */
export function readRestApi(template: CfnTemplate): RestApiModel {
  const apis = readRestApis(template);
  if (apis.length !== 1) {
    throw new RehearsalError(
      `The template holds ${apis.length} REST APIs; the rehearsal serves exactly one.`,
    );
  }
  return apis[0] as RestApiModel;
}

/** Every REST API of the template. */
export function readRestApis(template: CfnTemplate): RestApiModel[] {
  return resourcesOfType(template, 'AWS::ApiGateway::RestApi').map(([apiId]) =>
    readRestApiById(template, apiId),
  );
}

function readRestApiById(template: CfnTemplate, apiId: string): RestApiModel {
  const ofApi = (resource: CfnResource) => refOf(resource.Properties?.RestApiId) === apiId;

  const resources = template.Resources;
  const pathOf = (parent: unknown, seen: string[] = []): string => {
    const id = refOf(parent);
    if (!id) {
      const att = getAttOf(parent);
      if (att?.[0] === apiId && att[1] === 'RootResourceId') return '';
      throw new RehearsalError(`Cannot place API resource ${JSON.stringify(parent)} in the tree.`);
    }
    const resource = resources[id];
    if (resource?.Type !== 'AWS::ApiGateway::Resource' || seen.includes(id)) {
      throw new RehearsalError(`API resource ${id} is missing or loops.`);
    }
    return `${pathOf(resource.Properties?.ParentId, [...seen, id])}/${String(resource.Properties?.PathPart)}`;
  };

  /** The variables of the API's stage (the one the rehearsal serves). */
  const stageVariables = (): Record<string, string> => {
    const [, stage] =
      resourcesOfType(template, 'AWS::ApiGateway::Stage').find(([, s]) => ofApi(s)) ?? [];
    const variables = (stage?.Properties?.Variables ?? {}) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, String(value)]),
    );
  };

  const routes: TemplateRoute[] = [];
  const skipped: string[] = [];
  const authorizerIds = new Set<string>();
  for (const [id, method] of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    if (!ofApi(method)) continue;
    const props = method.Properties ?? {};
    const verb = String(props.HttpMethod);
    const path = pathOf(props.ResourceId) || '/';
    const integration = (props.Integration ?? {}) as Record<string, unknown>;
    const entry = functionIn(template, integration.Uri);
    if (integration.Type !== 'AWS_PROXY') {
      skipped.push(`${verb} ${path} (${String(integration.Type)} integration)`);
      continue;
    }
    const authorization = String(props.AuthorizationType ?? 'NONE');
    if (authorization !== 'NONE' && authorization !== 'CUSTOM') {
      skipped.push(`${verb} ${path} (${authorization} authorization)`);
      continue;
    }
    if (authorization === 'CUSTOM') {
      const authorizerId = refOf(props.AuthorizerId);
      if (!authorizerId)
        throw new RehearsalError(`Method ${id}: CUSTOM authorization without an AuthorizerId Ref.`);
      authorizerIds.add(authorizerId);
    }
    routes.push({
      id,
      method: verb,
      path,
      auth: authorization === 'CUSTOM' ? 'bearer' : 'none',
      ...(entry ? { entry } : { uri: integration.Uri }),
    });
  }
  if (authorizerIds.size > 1) {
    throw new RehearsalError(
      `Methods use ${authorizerIds.size} authorizers; the rehearsal serves one.`,
    );
  }
  const [authorizerId] = [...authorizerIds];

  const responses: Record<string, TemplateGatewayResponse> = {};
  for (const [, response] of resourcesOfType(template, 'AWS::ApiGateway::GatewayResponse')) {
    if (!ofApi(response)) continue;
    const props = response.Properties ?? {};
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(
      (props.ResponseParameters ?? {}) as Record<string, unknown>,
    )) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
      if (header && typeof value === 'string') headers[header] = value;
    }
    const template = str(
      (props.ResponseTemplates as Record<string, unknown> | undefined)?.['application/json'],
    );
    responses[String(props.ResponseType)] = {
      ...(props.StatusCode !== undefined ? { status: Number(props.StatusCode) } : {}),
      headers,
      ...(template !== undefined ? { template } : {}),
    };
  }

  return {
    logicalId: apiId,
    routes,
    ...(authorizerId
      ? {
          authorizer: {
            ...readAuthorizer(template, authorizerId),
            stageVariables: stageVariables(),
          },
        }
      : {}),
    responses,
    skipped,
  };
}

/**
 * Every `AWS::DynamoDB::Table`, and every `AWS::DynamoDB::GlobalTable` (CDK's
 * `TableV2`) as the one table of the region the rehearsal runs in, as a
 * `CreateTable` input built from its own properties. A global table's
 * capacity lives in per-replica settings; the engine enforces none, so it is
 * created on demand.
 */
export function readTables(template: CfnTemplate): TemplateTable[] {
  const tables = [
    ...resourcesOfType(template, 'AWS::DynamoDB::Table'),
    ...resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'),
  ];
  return tables.map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const provisioned =
      resource.Type === 'AWS::DynamoDB::Table' && props.BillingMode === 'PROVISIONED';
    const indexes = (props.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
    const ttl = props.TimeToLiveSpecification as
      | { AttributeName?: string; Enabled?: boolean }
      | undefined;
    const input = {
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      ...(provisioned ? { ProvisionedThroughput: props.ProvisionedThroughput } : {}),
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
              ...(provisioned ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
            })),
          }
        : {}),
      ...(props.LocalSecondaryIndexes
        ? { LocalSecondaryIndexes: props.LocalSecondaryIndexes }
        : {}),
    } as Omit<CreateTableCommandInput, 'TableName'>;
    return {
      logicalId,
      input,
      ...(ttl?.Enabled && ttl.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}),
    };
  });
}

/** Every `AWS::KMS::Key` with its spec and the logical ids of its aliases. */
export function readKeys(template: CfnTemplate): TemplateKey[] {
  const aliases = resourcesOfType(template, 'AWS::KMS::Alias');
  return resourcesOfType(template, 'AWS::KMS::Key').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const spec = String(props.KeySpec ?? 'SYMMETRIC_DEFAULT');
    const usage = String(props.KeyUsage ?? 'ENCRYPT_DECRYPT');
    if (!(spec in STAND_IN_KEY_SPECS) || STAND_IN_KEY_SPECS[spec as StandInKeySpec] !== usage) {
      throw new RehearsalError(
        `KMS key ${logicalId} is ${spec}/${usage}; the stand-in keeps ${Object.entries(
          STAND_IN_KEY_SPECS,
        )
          .map(([known, use]) => `${known} ${use}`)
          .join(', ')} keys only.`,
      );
    }
    return {
      logicalId,
      spec: spec as StandInKeySpec,
      aliases: aliases
        .filter(([, alias]) => refOf(alias.Properties?.TargetKeyId) === logicalId)
        .map(([aliasId]) => aliasId),
    };
  });
}
