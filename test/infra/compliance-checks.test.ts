/**
 * The compliance profile against the packs it promises to pass: cdk-nag's
 * NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 and AWS Control Tower's
 * proactive controls (cfn-guard), besides AwsSolutions. About 40 s per
 * synthesis, so it runs with the bundles (`npm run test:bundles`).
 */
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CONTROL_TOWER_PLUGIN, NAG_COMPLIANCE_PACKS } from '../../lib/compliance-findings';
import {
  EXAMPLE_VPC,
  type PluginReport,
  synthWithEveryPack,
} from '../../tools/compliance-findings';

const PLUGINS = ['AwsSolutions', ...NAG_COMPLIANCE_PACKS, CONTROL_TOWER_PLUGIN];

function unacknowledged(report: PluginReport | undefined): string[] {
  return (report?.violations ?? []).map(
    (v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
  );
}

describe('the compliance checks', () => {
  describe.each([
    ['the profile', { compliance: 'true' }],
    [
      'the profile in a VPC, with the web ACL, alarm e-mail and envelope signing',
      {
        compliance: 'true',
        waf: 'true',
        alarmEmail: 'oncall@example.com',
        signingMode: 'envelope',
        ...EXAMPLE_VPC,
      },
    ],
  ])('with %s', (_name, context) => {
    const { error, reports } = synthWithEveryPack(context);
    const byName = new Map(reports.map((report) => [report.pluginName, report]));

    it.each(PLUGINS)('%s concludes with success, every finding acknowledged', (plugin) => {
      const report = byName.get(plugin);
      expect(unacknowledged(report)).toEqual([]);
      // A plugin without any finding, acknowledged or not, has no report.
      if (report) expect(report.conclusion).toBe('success');
    });

    it('synthesizes', () => {
      expect(error).toBeUndefined();
    });

    it('really ran every compliance pack: each acknowledged findings with their reasons', () => {
      for (const plugin of [...NAG_COMPLIANCE_PACKS, CONTROL_TOWER_PLUGIN]) {
        const suppressed = byName.get(plugin)?.suppressedViolations ?? [];
        expect(suppressed.length).toBeGreaterThan(0);
        for (const finding of suppressed) {
          expect(finding.reason?.length ?? 0).toBeGreaterThanOrEqual(100);
        }
      }
    });
  });

  describe('with the profile and a finding nobody acknowledged', () => {
    // A log group added after the profile: neither encrypted nor kept a year.
    const { error, reports } = synthWithEveryPack({ compliance: 'true' }, (stack) => {
      new LogGroup(stack, 'Unacknowledged');
    });
    const byName = new Map(reports.map((report) => [report.pluginName, report]));

    it('fails synth', () => {
      expect(String(error)).toMatch(/[Vv]alidation/);
    });

    it.each([...NAG_COMPLIANCE_PACKS, CONTROL_TOWER_PLUGIN])(
      '%s reports it and concludes with failure',
      (plugin) => {
        const report = byName.get(plugin);
        expect(report?.conclusion).toBe('failure');
        expect(unacknowledged(report).some((v) => v.includes('/Unacknowledged/'))).toBe(true);
      },
    );
  });
});
