/**
 * The whole deployment: tables, signing key, functions and REST API, wired
 * from the shared contract (`TABLES`, `ROUTES`, `AUTHORIZER`, `ENV`) and the
 * checked context configuration. Environment-agnostic: the region comes from
 * the CLI at deploy time.
 */
import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../lambdas/config';
import { SERVICE_NAME } from '../lambdas/contract/metrics';
import { TABLES, type TableName } from '../lambdas/contract/tables';
import { AuthApi, deployedRoutes } from './auth-api';
import { applyComplianceProfile, type ComplianceProfile } from './compliance';
import type { StackConfig } from './config';
import { acknowledgeAcceptedFindings } from './nag-suppressions';
import { Observability } from './observability';
import { SigningKey, SigningPublicKey } from './signing-key';
import { AuthTables } from './tables';
import { WebAcl } from './waf';

export interface AuthApiStackProps extends StackProps {
  config: StackConfig;
}

/** serverless-jwt-auth in one stack. */
export class AuthApiStack extends Stack {
  readonly tables: AuthTables;
  readonly signingKey: SigningKey;
  readonly signingPublicKey: SigningPublicKey;
  readonly authApi: AuthApi;
  readonly observability: Observability;
  /** The web application firewall; absent when context `waf` is false. */
  readonly webAcl?: WebAcl;
  /** The compliance profile's parts; absent unless context `compliance` is true. */
  readonly compliance?: ComplianceProfile;

  constructor(scope: Construct, id: string, props: AuthApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.tables = new AuthTables(this, 'Tables', { retainData: config.retainData });
    this.signingKey = new SigningKey(this, 'SigningKey', {
      aliasName: `serverless-jwt-auth/${config.stageName}`,
      retainData: config.retainData,
      names: config.signingKeys,
    });

    const targets = {
      tables: this.tables.byName,
      key: this.signingKey.key,
      otherKeys: this.signingKey.keys.slice(1).map(({ key }) => key),
    };
    this.signingPublicKey = new SigningPublicKey(this, 'SigningPublicKey', {
      keys: this.signingKey.keys,
      targets,
      logRetention: config.logRetention,
      retainLogs: config.retainData,
    });

    const tableNames = Object.fromEntries(
      (Object.keys(TABLES) as TableName[]).map((name) => [
        TABLES[name].envVar,
        this.tables.byName[name].tableName,
      ]),
    );
    // Every function loads the same configuration (loadConfig needs all of it);
    // what it may actually do is decided by its IAM role alone.
    const environment: Record<string, string> = {
      ...tableNames,
      // An id, never key material: the private key cannot leave KMS.
      [ENV.kmsKeyId]: this.signingKey.key.keyId,
      // The key SET verifiers trust, read at deploy time (public keys are not secret),
      // and the key that signs: context `signingKeys`, current first.
      [ENV.publicKeys]: this.signingPublicKey.jwks,
      [ENV.currentKid]: this.signingPublicKey.kid,
      // Unset issuer: AuthApi sets the stage URL, which only exists once the API does.
      ...(config.issuer ? { [ENV.issuer]: config.issuer } : {}),
      ...(config.acceptedIssuers.length > 0
        ? { [ENV.acceptedIssuers]: config.acceptedIssuers.join(',') }
        : {}),
      [ENV.audience]: config.audience,
      [ENV.accessTokenTtl]: String(config.accessTokenTtlSeconds),
      [ENV.refreshTokenTtl]: String(config.refreshTokenTtlSeconds),
      [ENV.refreshGraceSeconds]: String(config.refreshGraceSeconds),
      [ENV.signupOpen]: String(config.signupOpen),
      [ENV.maxSessionsPerUser]: String(config.maxSessionsPerUser),
      [ENV.loginLockoutThreshold]: String(config.loginLockoutThreshold),
      [ENV.loginLockoutMaxSeconds]: String(config.loginLockoutMaxSeconds),
      // The handlers add CORS headers to their own answers for these origins.
      ...(config.corsOrigins.length > 0 ? { [ENV.corsOrigins]: config.corsOrigins.join(',') } : {}),
      // Powertools Logger and Metrics (docs/operations.md).
      [ENV.serviceName]: SERVICE_NAME,
      [ENV.logLevel]: config.logLevel,
      [ENV.logDebugSampleRate]: String(config.logDebugSampleRate),
      [ENV.metricsNamespace]: config.metricsNamespace,
    };

    this.authApi = new AuthApi(this, 'Auth', {
      config,
      environment,
      targets,
    });

    // kms:Sign for the functions whose spec asks for it (login, refresh) and nobody else.
    this.signingKey.allowSigningOnlyBy(
      [this.authApi.authorizerFunction, ...Object.values(this.authApi.functions)]
        .filter((fn) => fn.spec.key.includes('kms:Sign'))
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

    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies (subscribe a pager or chat here)',
      value: this.observability.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of this deployment',
      value: this.observability.dashboard.dashboardName,
    });

    this.compliance = applyComplianceProfile(this, {
      config,
      tables: this.tables.byName,
      api: this.authApi.api,
      authorizer: this.authApi.authorizerFunction,
      customResourceFunctions: [this.signingPublicKey.reader],
      functions: [
        this.authApi.authorizerFunction,
        ...Object.values(this.authApi.functions),
        this.signingPublicKey.reader,
      ],
      alarmTopic: this.observability.topic,
      signingKeys: this.signingKey.keys.map(({ key }) => key),
      ...(this.webAcl ? { webAcl: this.webAcl } : {}),
    });
    acknowledgeAcceptedFindings(this.authApi, {
      webAcl: this.webAcl !== undefined,
      extraFunctions: [this.signingPublicKey.reader],
    });
  }
}
