/**
 * What `npm pack` ships runs in a consumer's app: the tarball, installed
 * into a fresh CDK app that has only aws-cdk-lib, constructs and aws-cdk (no
 * esbuild, no Docker, no tsx, none of this repository's files), guards a
 * REST and an HTTP API in a second stack, and `cdk synth` succeeds offline
 * with every function's prebuilt bundle in the cloud assembly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZER, PUBLIC_KEY_READER } from '../../lambdas/contract/routes';
import { deployedRoutes } from '../../lib/auth-api';
import { PROJECT_ROOT } from '../../lib/auth-function';

/** The version of a package this repository has installed: the consumer gets the same. */
function installedVersion(name: string): string {
  const manifest = join(PROJECT_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The consumer's app: the auth stack, and a stack of its own APIs behind the authorizer. */
const CONSUMER_APP = `
const { App, Stack } = require('aws-cdk-lib');
const { LambdaIntegration, RestApi } = require('aws-cdk-lib/aws-apigateway');
const { HttpApi, HttpMethod } = require('aws-cdk-lib/aws-apigatewayv2');
const { HttpLambdaIntegration } = require('aws-cdk-lib/aws-apigatewayv2-integrations');
const { Code, Function, Runtime } = require('aws-cdk-lib/aws-lambda');
const { JwtAuth } = require('serverless-jwt-auth');

// CloudFormation schema validation is on in one test only (bundling.test.ts).
const app = new App({ builtinCloudFormationValidation: false });
const auth = new JwtAuth(new Stack(app, 'Auth'), 'JwtAuth', { stageName: 'dev' });
const orders = new Stack(app, 'Orders');
const handler = new Function(orders, 'Orders', {
  runtime: Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
});
const rest = new RestApi(orders, 'Rest');
rest.root.addResource('orders').addMethod('GET', new LambdaIntegration(handler), {
  authorizer: auth.restAuthorizer(rest),
});
new HttpApi(orders, 'Http').addRoutes({
  path: '/orders',
  methods: [HttpMethod.GET],
  integration: new HttpLambdaIntegration('Orders', handler),
  authorizer: auth.httpAuthorizer(),
});
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
  });
}

describe('the packed package in a fresh CDK app', () => {
  const work = mkdtempSync(join(tmpdir(), 'sja-package-'));
  const app = join(work, 'app');
  let tarball = '';

  beforeAll(() => {
    run('npm', ['pack', '--pack-destination', work, '--silent'], PROJECT_ROOT);
    const packed = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!packed) throw new Error('npm pack wrote no tarball');
    tarball = join(work, packed);
    run('mkdir', ['-p', app], work);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }),
    );
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
    writeFileSync(join(app, 'app.js'), CONSUMER_APP);
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
        `aws-cdk-lib@${installedVersion('aws-cdk-lib')}`,
        `constructs@${installedVersion('constructs')}`,
        `aws-cdk@${installedVersion('aws-cdk')}`,
      ],
      app,
    );
    run(join(app, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], app);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs nothing beyond the peers and what they bring: no esbuild, no tsx', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      'aws-cdk',
      'aws-cdk-lib',
      'constructs',
      'serverless-jwt-auth',
    ]);
    for (const tool of ['esbuild', 'tsx', 'typescript']) {
      expect(existsSync(join(app, 'node_modules', tool))).toBe(false);
    }
  });

  it('ships no lock file and no TypeScript sources', () => {
    const files = run('tar', ['-tzf', tarball], work).trim().split('\n');
    expect(files).not.toContain('package/package-lock.json');
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('synthesizes every function from its prebuilt bundle', () => {
    const out = join(app, 'cdk.out');
    const template = JSON.parse(readFileSync(join(out, 'Auth.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Handler?: string }; Metadata?: Record<string, string> }
      >;
    };
    const functions = Object.values(template.Resources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties.Handler === 'index.handler',
    );
    // The routes of a default app (sign-up open, no e-mail sender), the authorizer and the
    // key reader; the key pair creator exists only in envelope signing mode.
    const deployed = [...deployedRoutes({ signupOpen: true }), AUTHORIZER, PUBLIC_KEY_READER];
    expect(functions).toHaveLength(deployed.length);
    for (const fn of functions) {
      const asset = fn.Metadata?.['aws:asset:path'];
      expect(asset).toBeDefined();
      expect(readdirSync(join(out, asset as string))).toContain('index.mjs');
    }
  });

  it('exports identityOf on its own, for handlers: serverless-jwt-auth/identity', () => {
    const event = {
      requestContext: {
        authorizer: {
          lambda: {
            sub: 'u1',
            sid: 's1',
            jti: 'j1',
            username: 'alice',
            exp: '4102444800',
            scope: 'notes:read notes:write',
            roles: 'editor,reader',
          },
        },
      },
    };
    const script = `const { identityOf } = require('serverless-jwt-auth/identity');
      process.stdout.write(JSON.stringify(identityOf(${JSON.stringify(event)})));`;
    expect(JSON.parse(run(process.execPath, ['-e', script], app))).toEqual({
      sub: 'u1',
      sid: 's1',
      jti: 'j1',
      username: 'alice',
      exp: 4102444800,
      scope: ['notes:read', 'notes:write'],
      roles: ['editor', 'reader'],
      // No `amr` in this context (issued before MFA): an empty list, like the other list values.
      amr: [],
    });
    // The identity helper ships apart from the construct library: no CDK in a handler's bundle.
    const shipped = readFileSync(
      join(app, 'node_modules', 'serverless-jwt-auth', 'dist', 'lambdas', 'identity.js'),
      'utf8',
    );
    expect(shipped).not.toMatch(/require\(/);
  });

  it('attaches the authorizer to both APIs in their own stack, by the ARN in SSM', () => {
    const orders = readFileSync(join(app, 'cdk.out', 'Orders.template.json'), 'utf8');
    expect(orders).toContain('AWS::ApiGateway::Authorizer');
    expect(orders).toContain('AWS::ApiGatewayV2::Authorizer');
    expect(orders).toContain('/serverless-jwt-auth/Auth/dev/authorizer-function-arn');
    expect(orders).not.toContain('Fn::ImportValue');
  });
});
