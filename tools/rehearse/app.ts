/**
 * The deployment rehearsal assembled: a synthesized cloud assembly served on
 * loopback as AWS would run it, every API of every stack on a port of its
 * own. Routes, authorizers and gateway responses come from the templates'
 * API Gateway resources (REST and HTTP APIs); each function runs from its
 * bundled asset in a sandbox of its own with the template's environment
 * (references resolved to the local stand-ins); tables are created from the
 * template's definitions in the embedded engine (or DYNAMODB_ENDPOINT); KMS
 * is a local stand-in reached through the SDK's `AWS_ENDPOINT_URL_KMS`, and
 * SES one writing to `DATA_DIR/outbox/` through `AWS_ENDPOINT_URL_SESV2`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Env } from '../../lambdas/config';
import { answerClientErrors } from '../../local/client-errors';
import { prepareDataDir } from '../../local/data-dir';
import { openDatabase } from '../../local/database';
import { createGateway } from '../../local/gateway';
import { localOutboxDir } from '../../local/handler-env';
import { createRequestListener } from '../../local/http-adapter';
import { type LocalCredential, newLocalCredential } from '../../local/request-signature';
import { publishServerEndpoint } from '../../local/server-endpoint';
import { createTableWith, tableExists } from '../../local/tables';
import type { AssemblyStacks } from './assembly';
import { authDeployments } from './auth-tables';
import { createHttpApi, type HttpApiAuthorizer, ownAnswer } from './http-api';
import { type FunctionTarget, readHttpApis } from './http-template';
import { standInKeyId, startKmsStandIn } from './kms-stand-in';
import { FunctionHost } from './lambda-host';
import { REHEARSAL_ENV, type TemplateResolver } from './resolve';
import { templateResponder } from './responses';
import { startSesStandIn } from './ses-stand-in';
import { assemblyResolvers } from './stacks';
import {
  RehearsalError,
  readFunctions,
  readKeys,
  readRestApis,
  readTables,
  type TemplateFunction,
} from './template';

/** API Gateway's own payload limit (10 MB): beyond it, REQUEST_TOO_LARGE. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RehearsalOptions {
  assembly: AssemblyStacks;
  /** The first API's port; the next ones get the ports after it (0: each a free one). */
  port: number;
  /** Embedded engine files and stand-in KMS keys. */
  dataDir: string;
  dynamodbEndpoint?: string;
  /** Variables of the rehearsing process passed on to every function (PATH and the like). */
  hostEnv?: Env;
}

/** One API served: what `rehearsal-endpoints.json` lists. */
export interface ServedApi {
  stack: string;
  /** The API's logical id. */
  api: string;
  type: 'REST' | 'HTTP';
  url: string;
  /** `METHOD path` (REST) or route key (HTTP) of each route served, `*` marking those behind an authorizer. */
  routes: string[];
  /** Methods or routes of the template not served, with why. */
  skipped: string[];
}

export interface Rehearsal {
  /** Every API served, in the assembly's order (stacks as listed, REST before HTTP). */
  apis: ServedApi[];
  kmsEndpoint: string;
  /** The SES stand-in, writing to `DATA_DIR/outbox/`. */
  sesEndpoint: string;
  dynamodbEndpoint: string;
  /** The stack whose auth tables the admin CLI reaches with `--local=DATA_DIR` (none: no JwtAuth). */
  adminStack?: string;
  /** Notes for the person running it (a runtime version that differs, ...). */
  warnings: string[];
  close(): Promise<void>;
}

/** Lambda's reserved variables, which a template cannot set. */
function lambdaEnvironment(
  fn: TemplateFunction,
  name: string,
  codeDir: string,
  credential: LocalCredential,
): Record<string, string> {
  const { region } = REHEARSAL_ENV;
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'rehearsal',
    // As Lambda hands over its role's credentials: the per-start one of the engine and the KMS stand-in.
    AWS_ACCESS_KEY_ID: credential.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
    AWS_SESSION_TOKEN: 'rehearsal',
    LAMBDA_TASK_ROOT: codeDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
  };
}

/** A function of the assembly, as the hosts know it: `stack/logicalId`. */
const functionKey = (stackName: string, logicalId: string) => `${stackName}/${logicalId}`;

/** The function ARN in an integration or authorizer URI (`…/functions/<arn>/invocations`), or the URI itself. */
function functionArnIn(uri: string): string {
  return /\/functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1] ?? uri;
}

export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
  const { stacks, dir } = options.assembly;
  const warnings: string[] = [];

  const physicalIds = new Map<string, Record<string, string>>();
  const functions = new Map<string, TemplateFunction & { stackName: string }>();
  const tables: { name: string; table: ReturnType<typeof readTables>[number] }[] = [];
  const keys: { stackName: string; key: ReturnType<typeof readKeys>[number] }[] = [];
  for (const { stackName, template } of stacks) {
    const ids: Record<string, string> = {};
    physicalIds.set(stackName, ids);
    const nameOf = (id: string, property: unknown) =>
      typeof property === 'string' ? property : `${stackName}-${id}`;
    for (const table of readTables(template)) {
      ids[table.logicalId] = nameOf(
        table.logicalId,
        template.Resources[table.logicalId]?.Properties?.TableName,
      );
      tables.push({ name: ids[table.logicalId] as string, table });
    }
    for (const fn of readFunctions(template, dir)) {
      ids[fn.logicalId] = nameOf(
        fn.logicalId,
        template.Resources[fn.logicalId]?.Properties?.FunctionName,
      );
      functions.set(functionKey(stackName, fn.logicalId), { ...fn, stackName });
    }
    for (const key of readKeys(template)) {
      ids[key.logicalId] = standInKeyId(`${stackName}/${key.logicalId}`);
      keys.push({ stackName, key });
      for (const alias of key.aliases) {
        const aliasName = template.Resources[alias]?.Properties?.AliasName;
        if (typeof aliasName === 'string') ids[alias] = aliasName;
      }
    }
  }

  const runtimes = new Set([...functions.values()].map((fn) => fn.runtime));
  const local = `nodejs${process.versions.node.split('.')[0]}.x`;
  for (const runtime of runtimes) {
    if (runtime !== local)
      warnings.push(
        `the template's runtime is ${runtime}; this rehearsal runs on Node ${process.versions.node}`,
      );
  }

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    // Created private, refused when another user owns it or may write to it, and locked while the
    // embedded engine has it open (as npm start's): the admin CLI then goes through this process.
    const lock = await prepareDataDir(options.dataDir, { lock: !options.dynamodbEndpoint });
    if (lock) closers.push(() => lock.release());
    const database = await openDatabase({
      dataDir: options.dataDir,
      ...(options.dynamodbEndpoint ? { dynamodbEndpoint: options.dynamodbEndpoint } : {}),
    });
    closers.push(() => database.close());
    // The embedded engine's per-start credential signs for the KMS stand-in too (an external engine takes any).
    const credential = database.credential ?? newLocalCredential();

    const client = new DynamoDBClient({
      endpoint: database.endpoint,
      region: REHEARSAL_ENV.region,
      credentials: credential,
    });
    try {
      for (const { name, table } of tables) {
        if (await tableExists(client, name)) continue;
        await createTableWith(client, { ...table.input, TableName: name }, table.ttlAttribute);
      }
    } finally {
      client.destroy();
    }

    const resolvers = assemblyResolvers(
      stacks.map(({ stackName, template }) => ({
        stackName,
        template,
        physicalIds: physicalIds.get(stackName) ?? {},
        invoke: async (logicalId, event) =>
          (await hostOf(functionKey(stackName, logicalId))).invoke(event),
      })),
    );
    const resolverOf = (stackName: string) => resolvers.get(stackName) as TemplateResolver;
    const kms = await startKmsStandIn({
      credential,
      keyDir: join(options.dataDir, 'kms'),
      keys: keys.map(({ stackName, key }) => {
        const ids = physicalIds.get(stackName) ?? {};
        return {
          keyId: ids[key.logicalId] as string,
          spec: key.spec,
          arn: resolverOf(stackName).arnOf(key.logicalId, 'AWS::KMS::Key'),
          aliases: key.aliases.flatMap((alias) => (ids[alias] ? [ids[alias]] : [])),
        };
      }),
    });
    closers.push(() => kms.close());
    // Messages go to the data folder's outbox, as npm start's do.
    const ses = await startSesStandIn({ credential, outboxDir: localOutboxDir(options.dataDir) });
    closers.push(() => ses.close());

    /** Every function of the assembly by the ARN it has in the rehearsal's account. */
    const byArn = new Map<string, string>();
    for (const [key, fn] of functions) {
      const logicalId = key.slice(fn.stackName.length + 1);
      byArn.set(resolverOf(fn.stackName).arnOf(logicalId, 'AWS::Lambda::Function'), key);
    }

    const hostEnv = options.hostEnv ?? {};
    const hosts = new Map<string, Promise<FunctionHost>>();
    function hostOf(key: string): Promise<FunctionHost> {
      let host = hosts.get(key);
      if (!host) {
        host = (async () => {
          const fn = functions.get(key);
          if (!fn) throw new RehearsalError(`No function ${key} in the assembly.`);
          const logicalId = key.slice(fn.stackName.length + 1);
          const resolver = resolverOf(fn.stackName);
          const environment: Record<string, string> = {};
          for (const [name, value] of Object.entries(fn.environment)) {
            environment[name] = await resolver.resolveString(
              value,
              `function ${key}, environment variable ${name}`,
            );
          }
          const name = physicalIds.get(fn.stackName)?.[logicalId] as string;
          let codeDir = fn.codeDir;
          if (!codeDir) {
            // Inline code (Code.ZipFile): Lambda runs it as index.js.
            codeDir = join(options.dataDir, 'inline-code', fn.stackName, logicalId);
            await mkdir(codeDir, { recursive: true });
            await writeFile(join(codeDir, 'index.js'), fn.inlineCode ?? '');
          }
          const created = new FunctionHost({
            logicalId,
            name,
            arn: resolver.arnOf(logicalId, 'AWS::Lambda::Function'),
            codeDir,
            handler: fn.handler,
            runtime: fn.runtime,
            timeoutSeconds: fn.timeoutSeconds,
            memoryMb: fn.memoryMb,
            environment: {
              ...(hostEnv.PATH ? { PATH: hostEnv.PATH } : {}),
              ...(hostEnv.LANG ? { LANG: hostEnv.LANG } : {}),
              ...environment,
              ...lambdaEnvironment(fn, name, codeDir, credential),
              // The SDK's standard per-service endpoints: the code's own client construction is used unchanged.
              AWS_ENDPOINT_URL_KMS: kms.endpoint,
              AWS_ENDPOINT_URL_SESV2: ses.endpoint,
              AWS_ENDPOINT_URL_DYNAMODB: database.endpoint,
              // The SDK's warning about this Node version is the runtime note printed at start, once.
              ...(runtimes.has(local)
                ? {}
                : { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }),
            },
          });
          closers.push(() => created.stop());
          return created;
        })();
        hosts.set(key, host);
      }
      return host;
    }
    // Resolve every function's environment now, as a deploy would: an unresolvable reference stops the start.
    for (const key of functions.keys()) await hostOf(key);

    /** The function a route or authorizer invokes: of its own stack, or any of the assembly by ARN. */
    async function functionOf(stackName: string, target: FunctionTarget, where: string) {
      if (target.entry) return functionKey(stackName, target.entry);
      const uri = await resolverOf(stackName).resolveString(target.uri, where);
      const key = byArn.get(functionArnIn(uri));
      if (!key) {
        throw new RehearsalError(`${where}: ${uri} names no function of the assembly.`);
      }
      return key;
    }

    const loadModule = async (key: string) => {
      const host = await hostOf(key);
      return {
        handler: (event: unknown, context: { awsRequestId: string }) =>
          host.invoke(event, context.awsRequestId),
      };
    };

    const apis: ServedApi[] = [];
    let nextPort = options.port;
    async function serve(
      handler: Parameters<typeof createRequestListener>[0],
      respond: Parameters<typeof createRequestListener>[1]['respond'],
    ): Promise<string> {
      const server = answerClientErrors(
        createServer(
          createRequestListener(handler, {
            maxBodyBytes: MAX_BODY_BYTES,
            ...(respond ? { respond } : {}),
          }),
        ),
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(nextPort, '127.0.0.1', () => resolve());
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
      if (nextPort !== 0) nextPort += 1;
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    for (const { stackName, template } of stacks) {
      for (const api of readRestApis(template)) {
        const where = `REST API ${stackName}/${api.logicalId}`;
        const routes = [];
        for (const route of api.routes) {
          routes.push({
            ...route,
            entry: await functionOf(stackName, route, `${where}, ${route.method} ${route.path}`),
          });
        }
        const authorizer = api.authorizer && {
          ...api.authorizer,
          entry: await functionOf(
            stackName,
            api.authorizer,
            `${where}, authorizer ${api.authorizer.id}`,
          ),
        };
        const respond = templateResponder(api.responses);
        const gateway = createGateway({
          routes,
          ...(authorizer ? { authorizer } : {}),
          respond,
          loadModule,
        });
        apis.push({
          stack: stackName,
          api: api.logicalId,
          type: 'REST',
          url: await serve(gateway, respond),
          routes: api.routes.map(
            (route) => `${route.method} ${route.path}${route.auth === 'bearer' ? ' *' : ''}`,
          ),
          skipped: api.skipped,
        });
      }
      for (const api of readHttpApis(template)) {
        const where = `HTTP API ${stackName}/${api.logicalId}`;
        const authorizers = new Map<string, HttpApiAuthorizer>();
        for (const [id, authorizer] of Object.entries(api.authorizers)) {
          authorizers.set(id, {
            ...authorizer,
            entry: await functionOf(stackName, authorizer.target, `${where}, authorizer ${id}`),
          });
        }
        const routes = [];
        for (const route of api.routes) {
          const authorizer = route.authorizerId ? authorizers.get(route.authorizerId) : undefined;
          routes.push({
            id: route.id,
            routeKey: route.routeKey,
            entry: await functionOf(stackName, route.target, `${where}, ${route.routeKey}`),
            ...(authorizer ? { authorizer } : {}),
          });
        }
        const gateway = createHttpApi({
          apiId: physicalIds.get(stackName)?.[api.logicalId] ?? api.logicalId,
          stageName: api.stageName,
          stageVariables: api.stageVariables,
          routes,
          invoke: async (key, event, requestId) => (await hostOf(key)).invoke(event, requestId),
        });
        const base = await serve(gateway, (type) =>
          ownAnswer(type === 'REQUEST_TOO_LARGE' ? 413 : 500),
        );
        apis.push({
          stack: stackName,
          api: api.logicalId,
          type: 'HTTP',
          url: api.stageName === '$default' ? base : `${base}/${api.stageName}`,
          routes: api.routes.map((route) => `${route.routeKey}${route.authorizerId ? ' *' : ''}`),
          skipped: api.skipped,
        });
      }
    }
    if (apis.length === 0) throw new RehearsalError(`${dir} holds no REST or HTTP API to serve.`);
    await writeFile(
      join(dir, ENDPOINTS_FILE),
      `${JSON.stringify(
        apis.map(({ stack, api, type, url }) => ({ stack, api, type, url })),
        null,
        2,
      )}\n`,
    );

    // The admin CLI (`--local=DATA_DIR`) reaches the auth deployment's tables through this process.
    const deployments = await authDeployments(
      stacks.map(({ stackName, template }) => ({
        stackName,
        template,
        resolver: resolverOf(stackName),
      })),
    );
    const [admin, ...others] = deployments;
    if (admin) {
      const unpublish = await publishServerEndpoint(options.dataDir, {
        server: 'rehearsal',
        endpoint: database.endpoint,
        ...(database.credential ? { credential: database.credential } : {}),
        tables: admin.tables,
      });
      closers.push(unpublish);
    }
    if (others.length > 0) {
      warnings.push(
        `the admin CLI reaches the tables of ${admin?.stackName} only, not those of ${others
          .map(({ stackName, prefix }) => `${stackName}/${prefix}`)
          .join(', ')}`,
      );
    }

    return {
      apis,
      kmsEndpoint: kms.endpoint,
      sesEndpoint: ses.endpoint,
      dynamodbEndpoint: database.endpoint,
      ...(admin ? { adminStack: admin.stackName } : {}),
      warnings,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Written into the assembly folder: every API served, `{stack, api, type, url}`. */
export const ENDPOINTS_FILE = 'rehearsal-endpoints.json';
