import { AwsSolutionsChecks } from 'cdk-nag';
import { ACCEPTED_FINDINGS } from '../../lib/nag-suppressions';
import { synthWithChecks } from '../../tools/compliance-findings';

describe('cdk-nag AwsSolutions checks', () => {
  const configurations: [string, Record<string, unknown>][] = [
    ['the defaults', {}],
    ['CORS with several origins', { corsOrigins: 'https://a.example.com,https://b.example.com' }],
    [
      'closed sign-up, no API Gateway logs role, no WAF, reserved concurrency and two signing keys',
      {
        signupOpen: 'false',
        apiGatewayCloudWatchRole: 'false',
        waf: 'false',
        authorizerReservedConcurrency: '20',
        passwordHashingReservedConcurrency: '10',
        signingKeys: 'k2,k1',
      },
    ],
  ];

  describe.each(configurations)('with %s', (_name, context) => {
    // cdk-nag 3 is a CDK policy-validation plugin: synthesis throws on any unacknowledged finding.
    const { error, reports } = synthWithChecks(context, (app) => [new AwsSolutionsChecks(app)]);
    const nag = reports.find((plugin) => plugin.pluginName === 'AwsSolutions');

    it('synthesizes without any unacknowledged finding', () => {
      expect(
        nag?.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs[0]?.constructPath}`),
      ).toEqual([]);
      expect(nag?.conclusion).toBe('success');
      expect(error).toBeUndefined();
    });

    it('really ran the checks: the public routes were flagged and acknowledged', () => {
      const apig4 = (nag?.suppressedViolations ?? []).filter(
        (v) => v.ruleName === 'AwsSolutions-APIG4',
      );
      const paths = apig4.flatMap((v) => v.violatingConstructs.map((c) => c.constructPath));
      expect(paths.some((path) => path.includes('/auth/login/POST'))).toBe(true);
      expect(paths.some((path) => path.includes('/auth/me/GET'))).toBe(false);
    });

    it('accepts a stage without a web ACL only when context waf is false', () => {
      const apig3 = [...(nag?.suppressedViolations ?? []), ...(nag?.violations ?? [])].filter(
        (v) => v.ruleName === 'AwsSolutions-APIG3',
      );
      expect(apig3.length).toBe(context.waf === 'false' ? 1 : 0);
    });

    it('gives every acknowledged finding a written reason', () => {
      const suppressed = nag?.suppressedViolations ?? [];
      expect(suppressed.length).toBeGreaterThan(0);
      for (const finding of suppressed) {
        expect(finding.reason?.trim().length ?? 0).toBeGreaterThanOrEqual(60);
      }
    });
  });

  it('writes a reason of at least a sentence for every accepted finding', () => {
    for (const finding of Object.values(ACCEPTED_FINDINGS)) {
      expect(finding.id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+/);
      expect(finding.reason.length).toBeGreaterThanOrEqual(60);
    }
  });
});
