/**
 * The deployment rehearsal assembled: a synthesized cloud assembly served on
 * loopback as AWS would run it. Routes, authorizer and gateway responses come
 * from the template's API Gateway resources; each function runs from its
 * bundled asset in a sandbox of its own with the template's environment
 * (references resolved to the local stand-ins); tables are created from the
 * template's definitions in the embedded engine (or DYNAMODB_ENDPOINT); KMS
 * is a local stand-in reached through the SDK's `AWS_ENDPOINT_URL_KMS`.
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
import { createRequestListener } from '../../local/http-adapter';
import { type LocalCredential, newLocalCredential } from '../../local/request-signature';
import { createTableWith, tableExists } from '../../local/tables';
import type { Assembly } from './assembly';
import { standInKeyId, startKmsStandIn } from './kms-stand-in';
import { FunctionHost } from './lambda-host';
import { REHEARSAL_ENV, TemplateResolver } from './resolve';
import { templateResponder } from './responses';
import {
  RehearsalError,
  readFunctions,
  readKeys,
  readRestApi,
  readTables,
  type TemplateFunction,
} from './template';

/** API Gateway's own payload limit (10 MB): beyond it, REQUEST_TOO_LARGE. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RehearsalOptions {
  assembly: Assembly;
  port: number;
  /** Embedded engine files and stand-in KMS keys. */
  dataDir: string;
  dynamodbEndpoint?: string;
  /** Variables of the rehearsing process passed on to every function (PATH and the like). */
  hostEnv?: Env;
}

export interface Rehearsal {
  url: string;
  stackName: string;
  kmsEndpoint: string;
  dynamodbEndpoint: string;
  /** `METHOD path` of each route served, `*` marking those behind the authorizer. */
  routes: string[];
  /** Methods of the template not served, with why. */
  skipped: string[];
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

export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
  const { template, stackName, dir } = options.assembly;
  const api = readRestApi(template);
  const functions = readFunctions(template, dir);
  const tables = readTables(template);
  const keys = readKeys(template);
  const warnings: string[] = [];

  const physicalIds: Record<string, string> = {};
  const nameOf = (id: string, property: unknown) =>
    typeof property === 'string' ? property : `${stackName}-${id}`;
  for (const table of tables) {
    physicalIds[table.logicalId] = nameOf(
      table.logicalId,
      template.Resources[table.logicalId]?.Properties?.TableName,
    );
  }
  for (const fn of functions) {
    physicalIds[fn.logicalId] = nameOf(
      fn.logicalId,
      template.Resources[fn.logicalId]?.Properties?.FunctionName,
    );
  }
  for (const key of keys)
    physicalIds[key.logicalId] = standInKeyId(`${stackName}/${key.logicalId}`);
  for (const key of keys) {
    for (const alias of key.aliases) {
      const aliasName = template.Resources[alias]?.Properties?.AliasName;
      if (typeof aliasName === 'string') physicalIds[alias] = aliasName;
    }
  }

  const runtimes = new Set(functions.map((fn) => fn.runtime));
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
    // Created private, refused when another user owns it or may write to it (as npm start's).
    await prepareDataDir(options.dataDir, { lock: false });
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
      for (const table of tables) {
        const name = physicalIds[table.logicalId] as string;
        if (await tableExists(client, name)) continue;
        await createTableWith(client, { ...table.input, TableName: name }, table.ttlAttribute);
      }
    } finally {
      client.destroy();
    }

    const resolver: TemplateResolver = new TemplateResolver({
      template,
      stackName,
      physicalIds,
      invoke: async (logicalId, event) => (await hostOf(logicalId)).invoke(event),
    });
    const kms = await startKmsStandIn({
      credential,
      keyDir: join(options.dataDir, 'kms'),
      keys: keys.map((key) => ({
        keyId: physicalIds[key.logicalId] as string,
        spec: key.spec,
        arn: resolver.arnOf(key.logicalId, 'AWS::KMS::Key'),
        aliases: key.aliases.flatMap((alias) => (physicalIds[alias] ? [physicalIds[alias]] : [])),
      })),
    });
    closers.push(() => kms.close());

    const hostEnv = options.hostEnv ?? {};
    const byId = new Map(functions.map((fn) => [fn.logicalId, fn]));
    const hosts = new Map<string, Promise<FunctionHost>>();
    function hostOf(logicalId: string): Promise<FunctionHost> {
      let host = hosts.get(logicalId);
      if (!host) {
        host = (async () => {
          const fn = byId.get(logicalId);
          if (!fn) throw new RehearsalError(`No function ${logicalId} in the template.`);
          const environment: Record<string, string> = {};
          for (const [name, value] of Object.entries(fn.environment)) {
            environment[name] = await resolver.resolveString(
              value,
              `function ${logicalId}, environment variable ${name}`,
            );
          }
          const name = physicalIds[logicalId] as string;
          let codeDir = fn.codeDir;
          if (!codeDir) {
            // Inline code (Code.ZipFile): Lambda runs it as index.js.
            codeDir = join(options.dataDir, 'inline-code', logicalId);
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
        hosts.set(logicalId, host);
      }
      return host;
    }
    // Resolve every function's environment now, as a deploy would: an unresolvable reference stops the start.
    for (const fn of functions) await hostOf(fn.logicalId);

    const respond = templateResponder(api.responses);
    const gateway = createGateway({
      routes: api.routes,
      ...(api.authorizer ? { authorizer: api.authorizer } : {}),
      respond,
      loadModule: async (entry) => {
        const host = await hostOf(entry);
        return {
          handler: (event: unknown, context: { awsRequestId: string }) =>
            host.invoke(event, context.awsRequestId),
        };
      },
    });
    const server = answerClientErrors(
      createServer(createRequestListener(gateway, { maxBodyBytes: MAX_BODY_BYTES, respond })),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    const { port } = server.address() as AddressInfo;

    return {
      url: `http://127.0.0.1:${port}`,
      stackName,
      kmsEndpoint: kms.endpoint,
      dynamodbEndpoint: database.endpoint,
      routes: api.routes.map(
        (route) => `${route.method} ${route.path}${route.auth === 'bearer' ? ' *' : ''}`,
      ),
      skipped: api.skipped,
      warnings,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
