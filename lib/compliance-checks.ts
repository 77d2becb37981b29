/**
 * The checks of the compliance profile, run at synth by `bin/app.ts` besides
 * AwsSolutions when context `compliance` is true: cdk-nag's NIST 800-53 R5,
 * HIPAA Security and PCI DSS 3.2.1 packs, and AWS Control Tower's proactive
 * controls through `@cdklabs/cdk-validator-cfnguard` (its cfn-guard binary
 * ships inside the package and runs offline). A finding not acknowledged in
 * `compliance-findings.ts` fails `cdk synth`.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
} from 'aws-cdk-lib';
import { HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CONTROL_TOWER_PLUGIN } from './compliance-findings';

/**
 * Control Tower rules switched off for the whole template, with the reason.
 * None today: a rule this stack cannot meet is acknowledged where it occurs
 * (`compliance-findings.ts`), so a resource added later is still checked.
 */
export const DISABLED_CONTROL_TOWER_RULES: Readonly<Record<string, string>> = {};

/** cfn-guard's JSON output for a stack of this size exceeds Node's default 1 MB buffer. */
const CFN_GUARD_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * `CfnGuardValidator` with every violation marked as an error. cfn-guard
 * reports violations without a severity; once some violations of the plugin
 * are acknowledged, CDK recomputes the plugin's conclusion from the remaining
 * ones' severities alone, and an unacknowledged violation without one would
 * let synth pass.
 */
class ControlTowerChecks implements IPolicyValidationPlugin {
  readonly name = CONTROL_TOWER_PLUGIN;
  readonly version?: string;
  private readonly validator = new CfnGuardValidator({
    controlTowerRulesEnabled: true,
    disabledRules: Object.keys(DISABLED_CONTROL_TOWER_RULES),
    maxBuffer: CFN_GUARD_MAX_BUFFER,
  });

  constructor() {
    if (this.validator.version !== undefined) this.version = this.validator.version;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.validator.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        severity: violation.severity ?? 'error',
      })),
    };
  }
}

/** The profile's validation plugins (AwsSolutions runs in every configuration already). */
export function complianceChecks(scope: IConstruct): IPolicyValidationPlugin[] {
  return [
    new NIST80053R5Checks(scope),
    new HIPAASecurityChecks(scope),
    new PCIDSS321Checks(scope),
    new ControlTowerChecks(),
  ];
}
