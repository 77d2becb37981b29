/**
 * The cdk-nag (AwsSolutions) findings this design accepts on purpose, each
 * acknowledged on the narrowest construct with the reason written out. Every
 * other finding fails `cdk synth` and the infra tests.
 */
import { Validations } from 'aws-cdk-lib';
import type { Method } from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';
import type { AuthApi } from './auth-api';
import type { AuthFunction } from './auth-function';

/** cdk-nag v3 reports through CDK's policy validation under this plugin name. */
const PACK = 'AwsSolutions::AwsSolutions';

/** Why each accepted finding is acceptable; the infra tests check none is left short. */
export const ACCEPTED_FINDINGS = {
  requestValidation: {
    id: `${PACK}-APIG2`,
    reason:
      'Every handler validates its JSON body with a schema and answers 400 invalid_request in the JSON error format of the API; an API Gateway request validator would answer in its own format and duplicate the schemas.',
  },
  waf: {
    id: `${PACK}-APIG3`,
    reason:
      'Deployed without its web ACL because context "waf" is false (the default for stages other than prod): a web ACL costs about $9/month at rest. Stage and per-route throttling still bound abuse; docs/deploy.md explains the trade-off.',
  },
  publicRoute: {
    id: `${PACK}-APIG4`,
    reason:
      'Deliberately public (docs/design.md): register, login and refresh obtain tokens, logout accepts a refresh token alone and must answer 204 for a revoked session, and the JWKS is public by definition. Each handler verifies whatever token it is given.',
  },
  corsPreflight: {
    id: `${PACK}-APIG4`,
    reason:
      'CORS preflight (OPTIONS) requests carry no credentials by the Fetch standard; this mock method only returns the CORS headers for the configured origins.',
  },
  cognitoAuthorizer: {
    id: `${PACK}-COG4`,
    reason:
      'This service is its own token issuer (ES256 JWTs signed by KMS); protected routes use its TOKEN Lambda authorizer, which also checks revocation. Cognito is not part of the design.',
  },
  apiGatewayLogsRole: {
    id: `${PACK}-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]`,
    reason:
      'The account-wide role API Gateway needs to write access and execution logs; AWS maintains this policy for exactly that service role, and it is assumable only by apigateway.amazonaws.com.',
  },
  xrayTracing: {
    id: `${PACK}-IAM5[Resource::*]`,
    reason:
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so CDK grants them on "*". Acknowledged on the function roles\' default policies only, whose other statements name their tables and key.',
  },
} as const;

function acknowledge(scope: IConstruct, finding: keyof typeof ACCEPTED_FINDINGS): void {
  Validations.of(scope).acknowledge(ACCEPTED_FINDINGS[finding]);
}

/** Acknowledges the accepted findings of the API: its methods, stage and logging role. */
/**
 * `webAcl`: whether a WAF web ACL is attached (else its finding is accepted);
 * `extraFunctions`: functions of the stack outside the API (the deploy-time
 * public key reader) with the same X-Ray finding.
 */
export function acknowledgeAcceptedFindings(
  authApi: AuthApi,
  options: { webAcl: boolean; extraFunctions?: readonly AuthFunction[] },
): void {
  const { api } = authApi;
  acknowledge(api, 'requestValidation');
  if (!options.webAcl) acknowledge(api.deploymentStage, 'waf');
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) acknowledge(cloudWatchRole, 'apiGatewayLogsRole');

  for (const method of api.methods) {
    acknowledge(method, 'cognitoAuthorizer');
    if (isPreflight(method)) acknowledge(method, 'corsPreflight');
  }
  for (const { route, method } of authApi.routeMethods) {
    if (route.auth === 'none') acknowledge(method, 'publicRoute');
  }
  for (const fn of [
    authApi.authorizerFunction,
    ...Object.values(authApi.functions),
    ...(options.extraFunctions ?? []),
  ]) {
    const policy = fn.role.node.tryFindChild('DefaultPolicy');
    if (policy) acknowledge(policy, 'xrayTracing');
  }
}

function isPreflight(method: Method): boolean {
  return method.httpMethod === 'OPTIONS';
}
