/**
 * The SSM parameters through which an API outside this stack (another stack
 * of the same app, another CDK app, a CloudFormation or SAM template) finds
 * the deployment: the authorizer function, the issuer, the JWKS URL and the
 * revocation table. They live under a prefix that names the stack and the
 * stage, so two deployments in one account never collide:
 * `/serverless-jwt-auth/<stack>/<stage>/<name>`.
 */
import { Stack } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** Every parameter, by the name it has under the prefix. */
export const PARAMETERS = {
  authorizerFunctionArn: 'authorizer-function-arn',
  issuer: 'issuer',
  jwksUrl: 'jwks-url',
  revocationTableName: 'revocation-table-name',
} as const;

export type ParameterKey = keyof typeof PARAMETERS;
export type ParameterValues = Record<ParameterKey, string>;

/** `/serverless-jwt-auth/<stack>/<stage>/`, the prefix one deployment writes under. */
export function parameterPrefix(stackName: string, stageName: string): string {
  return `/serverless-jwt-auth/${stackName}/${stageName}/`;
}

/** The full name of one parameter under `prefix` (with or without its trailing slash). */
export function parameterName(prefix: string, key: ParameterKey): string {
  return `${prefix.endsWith('/') ? prefix : `${prefix}/`}${PARAMETERS[key]}`;
}

/**
 * The value of a parameter in `scope`'s stack: a CloudFormation parameter of
 * type `AWS::SSM::Parameter::Value<String>`, resolved when that stack deploys.
 * No export, no cross-stack reference; the same name read twice in a stack
 * is one CloudFormation parameter.
 */
export function readParameter(scope: Construct, prefix: string, key: ParameterKey): string {
  return StringParameter.valueForStringParameter(Stack.of(scope), parameterName(prefix, key));
}

/** Writes every parameter under `prefix`. */
export class DeploymentParameters extends Construct {
  readonly prefix: string;

  constructor(scope: Construct, id: string, props: { prefix: string; values: ParameterValues }) {
    super(scope, id);
    this.prefix = props.prefix;
    for (const key of Object.keys(PARAMETERS) as ParameterKey[]) {
      new StringParameter(this, key.charAt(0).toUpperCase() + key.slice(1), {
        parameterName: parameterName(props.prefix, key),
        stringValue: props.values[key],
        description: `serverless-jwt-auth: ${PARAMETERS[key]} of this deployment`,
      });
    }
  }
}
