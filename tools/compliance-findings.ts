/**
 * Counts the failing rules of every pack the compliance profile runs, on the
 * default template and under the profile (`-c compliance=true`), with and
 * without VPC placement: the figures of docs/deploy.md, "Compliance
 * profile". Only unacknowledged findings count, as in `cdk synth`. Bundling
 * and CloudFormation's schema validation are skipped; each synthesis with
 * every pack still takes about 40 s.
 *
 *   npx tsx tools/compliance-findings.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuthApiStack } from '../lib/auth-api-stack';
import { complianceChecks } from '../lib/compliance-checks';
import { readStackConfig } from '../lib/config';

export interface PluginReport {
  pluginName: string;
  conclusion: string;
  violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
  suppressedViolations?: {
    ruleName: string;
    acknowledgedId?: string;
    reason?: string;
    violatingConstructs: { constructPath: string }[];
  }[];
}

/** Example ids of a VPC for the placement (any well-formed ids do: nothing is looked up). */
export const EXAMPLE_VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  vpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
  vpcRouteTableIds: 'rtb-0123456789abcdef0,rtb-0fedcba9876543210',
  vpcPrefixListIds: 'pl-63a5400a,pl-02cd2c6b',
};

/**
 * Synthesizes the stack from these context values with the validation
 * plugins `checks` makes, and returns each plugin's report and the synth
 * error, if any (a plugin with an unacknowledged finding fails the synth and
 * writes `validation-report.json` either way). `extend` may add to the stack
 * before synthesis.
 */
export function synthWithChecks(
  context: Record<string, unknown>,
  checks: (app: App) => IPolicyValidationPlugin[],
  extend?: (stack: AuthApiStack) => void,
): { error: unknown; reports: PluginReport[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'compliance-'));
  try {
    const app = new App({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], ...context },
      builtinCloudFormationValidation: false,
    });
    const config = readStackConfig((key) => app.node.tryGetContext(key));
    const stack = new AuthApiStack(app, 'ComplianceStack', { config });
    extend?.(stack);
    Validations.of(app).addPlugins(...checks(app));
    let error: unknown;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    return { error, reports: report.pluginReports };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** AwsSolutions and every pack of the profile, whether or not the profile is on. */
export function synthWithEveryPack(
  context: Record<string, unknown>,
  extend?: (stack: AuthApiStack) => void,
): { error: unknown; reports: PluginReport[] } {
  return synthWithChecks(
    context,
    (app) => [new AwsSolutionsChecks(app), ...complianceChecks(app)],
    extend,
  );
}

/** Failing (unacknowledged) rules per plugin; a plugin without findings counts 0. */
export function failingRules(reports: readonly PluginReport[]): Record<string, string[]> {
  return Object.fromEntries(
    reports.map((report) => [report.pluginName, report.violations.map((v) => v.ruleName)]),
  );
}

if (require.main === module) {
  const configurations: [string, Record<string, unknown>][] = [
    ['default', {}],
    ['profile', { compliance: 'true' }],
    ['profile + VPC', { compliance: 'true', ...EXAMPLE_VPC }],
  ];
  const counts = configurations.map(([name, context]) => {
    const failing = failingRules(synthWithEveryPack(context).reports);
    console.error(`${name}: ${JSON.stringify(failing)}`);
    return failing;
  });
  const plugins = [...new Set(counts.flatMap((failing) => Object.keys(failing)))];
  console.log(`| pack | ${configurations.map(([name]) => name).join(' | ')} |`);
  console.log(`|---|${configurations.map(() => '---|').join('')}`);
  for (const plugin of plugins) {
    console.log(
      `| ${plugin} | ${counts.map((failing) => failing[plugin]?.length ?? 0).join(' | ')} |`,
    );
  }
}
