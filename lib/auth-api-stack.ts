/**
 * The stack `cdk deploy` of this repository creates: one `JwtAuth` with the
 * id `Default`, which CDK leaves out of logical ids, so every resource and
 * output keeps the name it had before the construct existed (a renamed
 * RestApi would change the stage URL, the default issuer, and log everyone
 * out; the admin CLI reads outputs by name). test/infra/logical-ids.spec.ts
 * pins them. Environment-agnostic: the region comes from the CLI at deploy time.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config';
import { JwtAuth } from './jwt-auth';

export interface AuthApiStackProps extends StackProps {
  config: StackConfig;
}

/** serverless-jwt-auth in one stack. */
export class AuthApiStack extends Stack {
  readonly auth: JwtAuth;

  constructor(scope: Construct, id: string, props: AuthApiStackProps) {
    super(scope, id, props);
    const { stackName: _stackName, ...settings } = props.config;
    this.auth = new JwtAuth(this, 'Default', settings);
  }
}
