/**
 * CDK app entry (`cdk.json` runs it): reads the context into a checked
 * configuration, creates the one stack and runs cdk-nag's AwsSolutions pack on
 * it (with context `compliance=true`, also the compliance profile's packs), so
 * an unacknowledged finding fails `cdk synth` and `cdk deploy`. No
 * account or region is pinned: `cdk deploy` uses the CLI's profile and region.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuthApiStack } from '../lib/auth-api-stack';
import { complianceChecks } from '../lib/compliance-checks';
import { readStackConfig, type StackConfig, StackConfigError } from '../lib/config';

const app = new App();

let config: StackConfig;
try {
  config = readStackConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  // A bad -c value is the user's to fix: say which one, without a stack trace.
  if (!(error instanceof StackConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message} See docs/deploy.md.`);
  process.exit(1);
}

new AuthApiStack(app, config.stackName, {
  config,
  description: `serverless-jwt-auth (${config.stageName}): JWT auth API with revocable tokens`,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
// The compliance profile's packs: NIST 800-53 R5, HIPAA, PCI DSS and Control Tower.
if (config.compliance) Validations.of(app).addPlugins(...complianceChecks(app));
