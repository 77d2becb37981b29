/**
 * Every Lambda default in one place: Node.js 24 on ARM_64, bundled by the
 * locally installed esbuild (never Docker), minified ES module with source
 * maps, the AWS SDK bundled and tree-shaken (`bundling.ts` says why), its own
 * log group with bounded retention, X-Ray active tracing, its own role with
 * exactly the permissions of its `FunctionSpec`.
 *
 * Installed as a package, the functions come prebuilt (`npm pack` bundles
 * them with the same settings, tools/build-package.ts): a consumer's app
 * needs neither esbuild nor Docker, nor this repository's sources.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionProps,
  type Function as LambdaFunction,
  Function as PrebuiltFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import {
  type ICommandHooks,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../lambdas/contract/routes';
import { BUNDLE_BANNER, BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS } from './bundling';
import { type GrantTargets, grantSpec } from './grants';

/** The repository root: handler entries in the route table are relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Where the package holds each function's bundle, `<id>/index.mjs` with its
 * assets: `dist/functions` beside the compiled `dist/lib`. In the repository
 * there is none, and the function is bundled from its source.
 */
export const PREBUILT_FUNCTIONS_DIR = path.resolve(__dirname, '..', 'functions');

/** The file name of a bundle: `.mjs`, so the Lambda runtime loads it as an ES module. */
export const BUNDLE_FILE = 'index.mjs';

/** The folder of a function's prebuilt bundle, when this is an installed package. */
export function prebuiltBundle(spec: Pick<FunctionSpec, 'id'>): string | undefined {
  const dir = path.join(PREBUILT_FUNCTIONS_DIR, spec.id);
  return existsSync(path.join(dir, BUNDLE_FILE)) ? dir : undefined;
}

/**
 * scrypt at N=2^17, r=8 needs 128 MiB for the hash alone, and Lambda hands out
 * CPU in proportion to memory: 1024 MB keeps a login well under a second.
 */
export const PASSWORD_HASHING_MEMORY_MB = 1024;
/** Everything else verifies a signature and does one or two DynamoDB calls. */
export const DEFAULT_MEMORY_MB = 256;
/** Far below API Gateway's 29 s integration limit, far above a cold start with scrypt. */
export const FUNCTION_TIMEOUT = Duration.seconds(10);

export interface AuthFunctionProps {
  spec: FunctionSpec;
  /** Configuration for `loadConfig` (names from `ENV`); never key material. */
  environment: Record<string, string>;
  /** The tables and key that `spec` names, for its grants. */
  targets: GrantTargets;
  logRetention: RetentionDays;
  /** Keep the log group when the stack is deleted (context `retain`). */
  retainLogs: boolean;
  /** Reserved concurrency: guaranteed to this function, and its ceiling. Unset: none. */
  reservedConcurrency?: number;
}

/** Bundling hooks that copy `assets` (paths relative to the project root) beside the bundle. */
function copyAssets(assets: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      assets.map((asset) => `cp "${path.join(inputDir, asset)}" "${outputDir}/"`),
  };
}

/** One function of the API (or the authorizer), built from its shared spec. */
export class AuthFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The shared spec this function was built from. */
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: AuthFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    // Logs are bounded by retention; with `retain` they outlive the stack like the data.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole, whose log rights cover every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${spec.id} function of serverless-jwt-auth`,
    });
    this.logGroup.grantWrite(this.role);

    const common: Omit<FunctionProps, 'code' | 'handler'> = {
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.hashesPasswords ? PASSWORD_HASHING_MEMORY_MB : DEFAULT_MEMORY_MB,
      timeout: FUNCTION_TIMEOUT,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      // Each invocation is a segment of the request's X-Ray trace (no tracing library needed).
      tracing: Tracing.ACTIVE,
      description: `serverless-jwt-auth ${spec.id} (${spec.entry})`,
      environment: {
        ...props.environment,
        // Stack traces of the minified bundle point at the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
      },
    };
    const prebuilt = prebuiltBundle(spec);
    this.function = prebuilt
      ? new PrebuiltFunction(this, 'Function', {
          ...common,
          code: Code.fromAsset(prebuilt),
          handler: 'index.handler',
        })
      : new NodejsFunction(this, 'Function', {
          ...common,
          entry: path.join(PROJECT_ROOT, spec.entry),
          handler: 'handler',
          projectRoot: PROJECT_ROOT,
          depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
          bundling: {
            forceDockerBundling: false,
            // Eleven bundle size listings per synth drown the output; warnings still show.
            logLevel: LogLevel.WARNING,
            minify: true,
            sourceMap: true,
            sourceMapMode: SourceMapMode.EXTERNAL,
            // The map is for line numbers; the sources themselves need not ship.
            sourcesContent: false,
            // The same settings the size test, the bench and the package build use (bundling.ts).
            format: OutputFormat.ESM,
            mainFields: BUNDLE_MAIN_FIELDS,
            banner: BUNDLE_BANNER,
            // Nothing from the runtime, not even the AWS SDK: bundled, it loads faster.
            externalModules: BUNDLE_EXTERNAL_MODULES,
            // Data files (the common-password list) ship beside the bundle, not inside it.
            ...(spec.assets?.length ? { commandHooks: copyAssets(spec.assets) } : {}),
          },
        });

    grantSpec(this.role, spec, props.targets);
  }
}
