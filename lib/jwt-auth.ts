/**
 * `JwtAuth`: the whole service as one construct — tables, signing key,
 * functions, its own REST API, web ACL, alarms, outputs and the SSM
 * parameters other apps find it by — usable in any stack. Every prop is
 * optional and defaults to what `cdk deploy` of this repository deploys
 * (the context keys of docs/deploy.md, by their property names).
 *
 * It also guards the user's own APIs: `restAuthorizer(api)` and
 * `httpAuthorizer()` (lib/authorizers.ts). One invoke permission for
 * `apigateway.amazonaws.com` covers the authorizers of every API in the
 * account, so those APIs may live in any stack or app.
 */
import { Annotations, CfnOutput, Fn, Names, Stack } from 'aws-cdk-lib';
import type { IAuthorizer, RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/config';
import { KMS_ECC_SIGN_QUOTA_PER_SECOND, kmsBudgetExceeded } from '../lambdas/contract/abuse-budget';
import { SERVICE_NAME } from '../lambdas/contract/metrics';
import { ROUTES } from '../lambdas/contract/routes';
import { mapTables, TABLES, type TableName, tableEnvironment } from '../lambdas/contract/tables';
import { AuthApi, deployedRoutes } from './auth-api';
import {
  type AuthorizerSource,
  type HttpAuthorizerOptions,
  httpAuthorizer,
  importAuthorizerFunction,
  type RestAuthorizerOptions,
  restAuthorizer,
} from './authorizers';
import { applyComplianceProfile, type ComplianceProfile } from './compliance';
import { CONTEXT_KEYS, functionEnvironment, readStackConfig, type StackConfig } from './config';
import { EnvelopeSigningKey } from './envelope-signing-key';
import { type IJwtAuth, JwtAuthReference } from './jwt-auth-reference';
import { acknowledgeAcceptedFindings } from './nag-suppressions';
import { Observability } from './observability';
import { DeploymentParameters, parameterPrefix, readParameter } from './parameters';
import { orderRefreshTokenUpdates, RefreshTokenKey } from './refresh-token-key';
import { SigningKey, SigningPublicKey } from './signing-key';
import { AuthTables } from './tables';
import { TotpSecretKey } from './totp-secret-key';
import { WebAcl } from './waf';

/**
 * The settings of one deployment, each optional with the default of
 * docs/deploy.md (where each is named by its context key).
 */
export type JwtAuthSettings = Partial<Omit<StackConfig, 'stackName'>>;

export interface JwtAuthProps extends JwtAuthSettings {
  /**
   * Where the SSM parameters live. Default: `/serverless-jwt-auth/<stack>/<stage>/`,
   * which two `JwtAuth` of the same stage in one stack would share: give one another.
   */
  readonly parameterPrefix?: string;
}

/** The JWKS route's path, from the route table. */
function jwksPath(): string {
  const route = ROUTES.find((candidate) => candidate.id === 'Jwks');
  if (!route) throw new Error('The route table has no Jwks route');
  return route.path;
}

/** The checked configuration of `props`, through the same checks as the context. */
export function jwtAuthConfig(props: JwtAuthSettings, stackName: string): StackConfig {
  const byContextKey = new Map<string, unknown>(
    Object.entries(CONTEXT_KEYS).map(([prop, key]) => [key, props[prop as keyof JwtAuthSettings]]),
  );
  const config = readStackConfig((key) => byContextKey.get(key));
  // RFC 9068's client_id: the stack's name unless given.
  return { ...config, stackName, clientId: props.clientId ?? stackName };
}

/** serverless-jwt-auth in any stack. */
export class JwtAuth extends Construct implements IJwtAuth, AuthorizerSource {
  /**
   * A deployment made elsewhere (another app, another account's pipeline),
   * found by the SSM parameters it wrote under `prefix`.
   */
  static fromParameters(scope: Construct, id: string, props: { prefix: string }): IJwtAuth {
    return new JwtAuthReference(scope, id, props);
  }

  readonly config: StackConfig;
  readonly tables: AuthTables;
  readonly signingKey: SigningKey;
  readonly signingPublicKey: SigningPublicKey;
  readonly refreshTokenKey: RefreshTokenKey;
  /** The key the TOTP secrets are encrypted under. */
  readonly totpSecretKey: TotpSecretKey;
  /** Envelope mode only (context `signingMode=envelope`): the key pair that signs. */
  readonly envelopeKey?: EnvelopeSigningKey;
  readonly authApi: AuthApi;
  readonly observability: Observability;
  /** The web application firewall; absent when `waf` is false. */
  readonly webAcl?: WebAcl;
  /** The compliance profile's parts; absent unless `compliance` is true. */
  readonly compliance?: ComplianceProfile;
  readonly parameters: DeploymentParameters;
  /** The Lambda authorizer, in this construct's stack. */
  readonly authorizerFunction: IFunction;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly revocationTableName: string;

  constructor(scope: Construct, id: string, props: JwtAuthProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const config = jwtAuthConfig(props, stack.stackName);
    this.config = config;
    warnOfKmsBudget(this, config);

    this.tables = new AuthTables(this, 'Tables', { retainData: config.retainData });
    this.signingKey = new SigningKey(this, 'SigningKey', {
      aliasName: `serverless-jwt-auth/${config.stageName}`,
      retainData: config.retainData,
      names: config.signingKeys,
    });

    this.refreshTokenKey = new RefreshTokenKey(this, 'RefreshTokenKey', {
      retainData: config.retainData,
    });

    this.totpSecretKey = new TotpSecretKey(this, 'TotpSecretKey', {
      retainData: config.retainData,
    });

    const baseTargets = {
      tables: this.tables.byName,
      key: this.signingKey.key,
      otherKeys: this.signingKey.keys.slice(1).map(({ key }) => key),
      refreshKey: this.refreshTokenKey.key,
      totpKey: this.totpSecretKey.key,
    };
    if (config.signingMode === 'envelope') {
      this.envelopeKey = new EnvelopeSigningKey(this, 'EnvelopeSigningKey', {
        retainData: config.retainData,
        targets: baseTargets,
        logRetention: config.logRetention,
        retainLogs: config.retainData,
        name: config.signingKeys[0] as string,
      });
    }
    const targets = {
      ...baseTargets,
      ...(this.envelopeKey ? { envelopeKey: this.envelopeKey.key } : {}),
      ...(config.emailFrom ? { email: { resources: sesResources(stack, config) } } : {}),
    };
    this.signingPublicKey = new SigningPublicKey(this, 'SigningPublicKey', {
      keys: this.signingKey.keys,
      targets,
      logRetention: config.logRetention,
      retainLogs: config.retainData,
    });

    this.authApi = new AuthApi(this, 'Auth', {
      config,
      environment: this.functionEnvironment(config),
      targets,
    });

    // kms:Sign for the functions whose spec asks for it (login, refresh) and nobody else;
    // kms:GenerateMac likewise (login, refresh, logout, RFC 7009 revocation).
    const allFunctions = [
      this.authApi.authorizerFunction,
      ...Object.values(this.authApi.functions),
    ];
    this.signingKey.allowSigningOnlyBy(
      allFunctions.filter((fn) => fn.spec.key.includes('kms:Sign')).map((fn) => fn.role),
    );
    this.refreshTokenKey.allowOnlyBy(
      allFunctions
        .filter((fn) => fn.spec.refreshKey?.includes('kms:GenerateMac'))
        .map((fn) => fn.role),
    );
    this.totpSecretKey.allowOnlyBy(allFunctions);
    orderRefreshTokenUpdates(allFunctions);
    this.envelopeKey?.allowDecryptOnlyBy(
      allFunctions
        .filter((fn) => fn.spec.envelopeKey?.includes('kms:Decrypt'))
        .map((fn) => fn.role),
    );
    if (config.waf) {
      this.webAcl = new WebAcl(this, 'Waf', {
        config,
        stage: this.authApi.api.deploymentStage,
        routes: deployedRoutes(config),
      });
    }

    this.observability = new Observability(this, 'Observability', {
      config,
      api: this.authApi.api,
      authorizer: this.authApi.authorizerFunction,
      functions: this.authApi.functions,
      tables: this.tables.byName,
    });

    this.authorizerFunction = this.authApi.authorizerFunction.function;
    // Every API of the account may invoke the authorizer: one statement instead of
    // one per API, so the function policy never nears Lambda's 20 KB limit and an
    // API in another stack or app needs nothing from this one.
    this.authorizerFunction.addPermission('InvokeFromAnyApiAuthorizer', {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'execute-api',
        resource: '*',
        resourceName: 'authorizers/*',
      }),
    });

    this.issuer = this.authApi.environment[ENV.issuer] as string;
    this.jwksUrl = this.authApi.api.urlForPath(jwksPath());
    this.revocationTableName = this.tables.byName.revokedTokens.tableName;
    this.parameters = new DeploymentParameters(this, 'Parameters', {
      prefix: props.parameterPrefix ?? parameterPrefix(stack.stackName, config.stageName),
      values: {
        authorizerFunctionArn: this.authorizerFunction.functionArn,
        issuer: this.issuer,
        jwksUrl: this.jwksUrl,
        revocationTableName: this.revocationTableName,
      },
    });

    this.outputs();
    // The functions CloudFormation invokes at deploy time (custom resources).
    const deployTimeFunctions = [
      this.signingPublicKey.reader,
      ...(this.envelopeKey ? [this.envelopeKey.creator] : []),
    ];
    this.compliance = applyComplianceProfile(this, {
      config,
      tables: this.tables.byName,
      api: this.authApi.api,
      authorizer: this.authApi.authorizerFunction,
      customResourceFunctions: deployTimeFunctions,
      functions: [
        this.authApi.authorizerFunction,
        ...Object.values(this.authApi.functions),
        ...deployTimeFunctions,
      ],
      alarmTopic: this.observability.topic,
      ...(this.webAcl ? { webAcl: this.webAcl } : {}),
    });
    acknowledgeAcceptedFindings(this.authApi, {
      webAcl: this.webAcl !== undefined,
      extraFunctions: deployTimeFunctions,
    });
  }

  restAuthorizer(api: RestApiBase, options?: RestAuthorizerOptions): IAuthorizer {
    return restAuthorizer(this, api, options);
  }

  httpAuthorizer(options?: HttpAuthorizerOptions): IHttpRouteAuthorizer {
    return httpAuthorizer(this, options);
  }

  /**
   * In this stack, the function by its ARN. In another stack of the app, its
   * ARN from SSM (that stack then deploys after this one): no export, and
   * neither stack can block the other's update.
   */
  authorizerFunctionIn(scope: Construct): IFunction {
    const here = Stack.of(this);
    const there = Stack.of(scope);
    if (there === here) {
      return importAuthorizerFunction(
        scope,
        Names.uniqueId(this),
        this.authorizerFunction.functionArn,
      );
    }
    if (there.node.root === here.node.root) there.addStackDependency(here);
    return importAuthorizerFunction(
      scope,
      Names.uniqueId(this),
      readParameter(scope, this.parameters.prefix, 'authorizerFunctionArn'),
    );
  }

  /**
   * The environment every function loads (loadConfig needs all of it); what
   * a function may actually do is decided by its IAM role alone.
   */
  private functionEnvironment(config: StackConfig): Record<string, string> {
    return {
      ...tableEnvironment(mapTables((_, name) => this.tables.byName[name].tableName)),
      // An id, never key material: the private key cannot leave KMS.
      [ENV.kmsKeyId]: this.signingKey.key.keyId,
      // The key SET verifiers trust, read at deploy time (public keys are not secret),
      // and the key that signs: `signingKeys`, current first.
      [ENV.publicKeys]: this.signingPublicKey.jwks,
      [ENV.currentKid]: this.signingPublicKey.kid,
      // The HMAC key of opaque refresh tokens (what is issued is a function setting below).
      [ENV.refreshTokenKeyId]: this.refreshTokenKey.key.keyId,
      [ENV.totpKeyId]: this.totpSecretKey.key.keyId,
      ...this.envelopeEnvironment(),
      // Every function setting the configuration gives (an unset issuer: AuthApi sets
      // the stage URL, which only exists once the API does); Powertools reads the
      // log and metric settings (docs/operations.md).
      ...functionEnvironment(config),
      [ENV.serviceName]: SERVICE_NAME,
    };
  }

  /**
   * Envelope mode: the pair signs (its public key first in the set, and
   * current), the KMS keys of `signingKeys` stay trusted, so switching modes
   * logs nobody out; the private key travels only as KMS's ciphertext.
   */
  private envelopeEnvironment(): Record<string, string> {
    if (!this.envelopeKey) return {};
    const trusted = [this.envelopeKey.jwk, ...this.signingPublicKey.keys.map((key) => key.jwk)];
    return {
      [ENV.publicKeys]: `[${trusted.join(',')}]`,
      [ENV.currentKid]: this.envelopeKey.kid,
      [ENV.envelopeKeyId]: this.envelopeKey.key.keyId,
      [ENV.privateKeyCiphertext]: this.envelopeKey.ciphertext,
    };
  }

  /** The outputs the admin CLI and docs/deploy.md read, by these exact names. */
  private outputs(): void {
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API (the stage root)',
      value: this.authApi.api.url,
    });
    for (const name of Object.keys(TABLES) as TableName[]) {
      new CfnOutput(this, `${TABLES[name].logicalName}TableName`, {
        description: `Physical name of the ${TABLES[name].logicalName} table`,
        value: this.tables.byName[name].tableName,
      });
    }
    new CfnOutput(this, 'SigningKeyId', {
      description: 'KMS key that signs the tokens (ECC_NIST_P256)',
      value: this.signingKey.key.keyId,
    });
    if (this.signingKey.keys.length > 1) {
      new CfnOutput(this, 'SigningKeys', {
        description: 'Every signing key verifiers trust, name=key id, the current one first',
        value: Fn.join(
          ',',
          this.signingKey.keys.map(({ name, key }) => Fn.join('=', [name, key.keyId])),
        ),
      });
    }
    new CfnOutput(this, 'SigningKeyAlias', {
      description: 'Alias of the signing key',
      value: this.signingKey.alias.aliasName,
    });
    new CfnOutput(this, 'RefreshTokenKeyId', {
      description: 'KMS HMAC key behind the opaque refresh tokens (HMAC_256)',
      value: this.refreshTokenKey.key.keyId,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies (subscribe a pager or chat here)',
      value: this.observability.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of this deployment',
      value: this.observability.dashboard.dashboardName,
    });
  }
}

/**
 * The throttles' defaults are made for one KMS signature per issued pair
 * (lambdas/contract/abuse-budget.ts); JWT refresh tokens cost two, so say so
 * at synth when login plus refresh could then use more than half the quota.
 */
function warnOfKmsBudget(scope: Construct, config: StackConfig): void {
  if (config.refreshTokenFormat !== 'jwt' || config.signingMode === 'envelope') return;
  const signs = kmsBudgetExceeded(
    'jwt',
    config.credentialThrottleRateLimit,
    config.refreshThrottleRateLimit,
  );
  if (signs === undefined) return;
  Annotations.of(scope).addWarningV2(
    'serverless-jwt-auth:kmsBudget',
    `refreshTokenFormat=jwt signs twice per login or refresh: at their throttles they could ask KMS for ${signs} signatures/s, more than half the ${KMS_ECC_SIGN_QUOTA_PER_SECOND}/s ECC quota; lower credentialThrottleRateLimit and refreshThrottleRateLimit, or issue opaque refresh tokens.`,
  );
}

/**
 * What the e-mail functions may send through: `ses:SendEmail` authorizes on
 * the sender's identity, which is the address itself or its domain
 * (whichever is verified in SES), and on the configuration set if one is
 * named. Nothing else: not another sender, not another set.
 */
function sesResources(stack: Stack, config: StackConfig): string[] {
  const from = config.emailFrom as string;
  const identity = (name: string) =>
    stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
  return [
    identity(from),
    identity(from.slice(from.lastIndexOf('@') + 1)),
    ...(config.emailConfigurationSet
      ? [
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: config.emailConfigurationSet,
          }),
        ]
      : []),
  ];
}
