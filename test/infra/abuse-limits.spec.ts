/**
 * The stack's abuse limits (docs/deploy.md, "Abuse limits"): per-route
 * throttling of the credential routes, the web ACL, the authorizer's token
 * validation expression and reserved concurrency. Three configurations, each
 * synthesized once.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  ABUSE_BUDGET,
  ADDRESSES_TO_EXHAUST_A_ROUTE,
  KMS_ECC_SIGN_QUOTA_PER_SECOND,
  kmsSignaturesPerIssue,
  WAF_RATE_WINDOW_SECONDS,
} from '../../lambdas/contract/abuse-budget';
import { BEARER_HEADER_PATTERN } from '../../lambdas/contract/bearer';
import { ERROR_MESSAGES } from '../../lambdas/contract/errors';
import { GATEWAY_RESPONSES } from '../../lambdas/contract/gateway-responses';
import { ROUTES } from '../../lambdas/contract/routes';
import { STACK_DEFAULTS } from '../../lib/config';
import { CREDENTIAL_ROUTE_IDS } from '../../lib/credential-routes';
import { EMAIL_CONTEXT, synthStack } from './stack';

interface MethodSetting {
  HttpMethod: string;
  ResourcePath: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
  LoggingLevel?: string;
  DataTraceEnabled?: boolean;
}

interface WafRule {
  Name: string;
  Priority: number;
  Action?: Record<string, unknown>;
  OverrideAction?: Record<string, unknown>;
  Statement: Record<string, Record<string, unknown>>;
}

/** The credential routes of the default template (e-mail off). */
const CREDENTIAL_PATHS = ['/auth/login', '/auth/register', '/auth/password', '/auth/refresh'];
/** With e-mail on, setting and verifying an address join them. */
const EMAIL_CREDENTIAL_PATHS = [
  '/auth/email',
  '/auth/email/verify',
  '/auth/password/forgot',
  '/auth/password/reset',
];

function methodSettings(synth: ReturnType<typeof synthStack>): MethodSetting[] {
  const stages = Object.values(synth.template.findResources('AWS::ApiGateway::Stage'));
  expect(stages).toHaveLength(1);
  return stages[0]?.Properties.MethodSettings as MethodSetting[];
}

/** `/~1auth~1login` (API Gateway's method setting path: `/` + the escaped path) → `/auth/login`. */
const routePath = (path: string) => path.slice(1).replace(/~1/g, '/');

function webAclRules(synth: ReturnType<typeof synthStack>): WafRule[] {
  const acls = Object.values(synth.template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]?.Properties.Rules as WafRule[];
}

function reservedConcurrency(
  synth: ReturnType<typeof synthStack>,
): Record<string, number | undefined> {
  const { stack } = synth;
  const functions = {
    Authorizer: stack.auth.authApi.authorizerFunction,
    ...stack.auth.authApi.functions,
  };
  const resources = synth.template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.entries(functions).map(([id, fn]) => [
      id,
      resources[synth.logicalId(fn.function)]?.Properties.ReservedConcurrentExecutions,
    ]),
  );
}

describe('abuse limits', () => {
  const defaults = synthStack();
  const dev = synthStack({
    stage: 'dev',
    signupOpen: 'false',
    credentialThrottleRateLimit: '5',
    credentialThrottleBurstLimit: '8',
    refreshThrottleRateLimit: '7',
    refreshThrottleBurstLimit: '9',
    refreshTokenFormat: 'jwt',
    authorizerReservedConcurrency: '50',
    passwordHashingReservedConcurrency: '10',
  });
  const devWithWaf = synthStack({
    stage: 'dev',
    signupOpen: 'false',
    waf: 'true',
    wafRateLimit: '120',
  });

  it('names credential routes that exist in the route table', () => {
    const ids = ROUTES.map((route) => route.id);
    for (const id of CREDENTIAL_ROUTE_IDS) expect(ids).toContain(id);
    expect(
      ROUTES.filter((route) => CREDENTIAL_ROUTE_IDS.includes(route.id))
        .map((route) => route.path)
        .sort(),
    ).toEqual([...CREDENTIAL_PATHS, ...EMAIL_CREDENTIAL_PATHS].sort());
  });

  it('throttles the e-mail routes like the other credential routes, and puts them in the per-IP rule, where e-mail is on', () => {
    const withEmail = synthStack({ ...EMAIL_CONTEXT, waf: 'true' });
    const perRoute = methodSettings(withEmail).filter((s) => s.ResourcePath !== '/*');
    expect(perRoute.map((s) => routePath(s.ResourcePath)).sort()).toEqual(
      [...CREDENTIAL_PATHS, ...EMAIL_CREDENTIAL_PATHS].sort(),
    );
    const rule = webAclRules(withEmail).find((r) => r.Name === 'CredentialRoutesPerIp');
    const text = JSON.stringify(rule);
    for (const path of EMAIL_CREDENTIAL_PATHS) expect(text).toContain(path.replace(/\//g, '/'));
  });

  describe('per-route throttling', () => {
    it('gives each credential route its own limit, below the stage default', () => {
      const settings = methodSettings(defaults);
      const stage = settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*');
      expect(stage).toMatchObject({
        ThrottlingRateLimit: ABUSE_BUDGET.stageRate,
        ThrottlingBurstLimit: ABUSE_BUDGET.stageBurst,
      });
      const perRoute = settings.filter((s) => s !== stage);
      expect(perRoute.map((s) => `${s.HttpMethod} ${routePath(s.ResourcePath)}`).sort()).toEqual(
        CREDENTIAL_PATHS.map((path) => `POST ${path}`).sort(),
      );
      for (const setting of perRoute) {
        const refresh = routePath(setting.ResourcePath) === '/auth/refresh';
        expect(setting).toMatchObject({
          ThrottlingRateLimit: refresh
            ? STACK_DEFAULTS.refreshThrottleRateLimit
            : STACK_DEFAULTS.credentialThrottleRateLimit,
          ThrottlingBurstLimit: refresh
            ? STACK_DEFAULTS.refreshThrottleBurstLimit
            : STACK_DEFAULTS.credentialThrottleBurstLimit,
          // A method setting would otherwise switch the stage's execution logs off for it.
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        });
        expect(setting.ThrottlingRateLimit).toBeLessThan(stage?.ThrottlingRateLimit ?? 0);
        expect(setting.ThrottlingBurstLimit).toBeLessThan(stage?.ThrottlingBurstLimit ?? 0);
      }
    });

    it('takes the limits from context and leaves out a route that is not deployed', () => {
      const perRoute = methodSettings(dev).filter((s) => s.ResourcePath !== '/*');
      expect(perRoute.map((s) => routePath(s.ResourcePath)).sort()).toEqual(
        ['/auth/login', '/auth/password', '/auth/refresh'].sort(),
      );
      for (const setting of perRoute) {
        expect(setting).toMatchObject(
          routePath(setting.ResourcePath) === '/auth/refresh'
            ? { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 }
            : { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 8 },
        );
      }
    });

    it('keeps login plus refresh, times the KMS signatures per issue, within half the ECC quota (item 7)', () => {
      const perRoute = methodSettings(defaults);
      const rateOf = (path: string) =>
        perRoute.find((s) => routePath(s.ResourcePath) === path)?.ThrottlingRateLimit ?? 0;
      const burstOf = (path: string) =>
        perRoute.find((s) => routePath(s.ResourcePath) === path)?.ThrottlingBurstLimit ?? 0;
      const signing = ['/auth/login', '/auth/refresh'];
      const half = KMS_ECC_SIGN_QUOTA_PER_SECOND / 2;
      expect(
        signing.reduce((sum, path) => sum + rateOf(path), 0) * kmsSignaturesPerIssue,
      ).toBeLessThanOrEqual(half);
      expect(
        signing.reduce((sum, path) => sum + burstOf(path), 0) * kmsSignaturesPerIssue,
      ).toBeLessThanOrEqual(half);
    });

    it('warns at synth when JWT refresh tokens, at the default throttles, could use more than half the KMS quota', () => {
      const KMS_BUDGET_WARNING = /serverless-jwt-auth:kmsBudget/;
      const jwtAtDefaults = synthStack({ refreshTokenFormat: 'jwt' });
      Annotations.fromStack(jwtAtDefaults.stack).hasWarning(
        '*',
        Match.stringLikeRegexp('300 signatures/s'),
      );
      Annotations.fromStack(jwtAtDefaults.stack).hasWarning(
        '*',
        Match.stringLikeRegexp(KMS_BUDGET_WARNING.source),
      );
      // The default (opaque) format, and JWT under lowered throttles (5 + 7 pairs/s), stay quiet.
      Annotations.fromStack(defaults.stack).hasNoWarning(
        '*',
        Match.stringLikeRegexp(KMS_BUDGET_WARNING.source),
      );
      Annotations.fromStack(dev.stack).hasNoWarning(
        '*',
        Match.stringLikeRegexp(KMS_BUDGET_WARNING.source),
      );
    });

    it('needs at least 100 client addresses at their per-IP limit to use up a route (item 7)', () => {
      const rules = webAclRules(defaults);
      const limitOf = (name: string) => {
        const statement = rules.find((rule) => rule.Name === name)?.Statement.RateBasedStatement;
        return (statement as { Limit?: number } | undefined)?.Limit ?? 0;
      };
      const perRoute = methodSettings(defaults);
      const rateOf = (path: string) =>
        perRoute.find((s) => routePath(s.ResourcePath) === path)?.ThrottlingRateLimit ?? 0;
      const cases = [
        ['/auth/login', limitOf('CredentialRoutesPerIp')],
        ['/auth/register', limitOf('CredentialRoutesPerIp')],
        ['/auth/password', limitOf('CredentialRoutesPerIp')],
        ['/auth/refresh', limitOf('RefreshPerIp')],
      ] as const;
      for (const [path, limit] of cases) {
        const perIpPerSecond = limit / WAF_RATE_WINDOW_SECONDS;
        const fewer = (ADDRESSES_TO_EXHAUST_A_ROUTE - 1) * perIpPerSecond;
        expect({ path, usedUpByFewer: fewer >= rateOf(path) }).toEqual({
          path,
          usedUpByFewer: false,
        });
      }
    });
  });

  describe('web application firewall', () => {
    it('is attached to the stage by default (stage prod)', () => {
      const { template, stack, logicalId } = defaults;
      template.resourceCountIs('AWS::WAFv2::WebACL', 1);
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
      });
      const aclId = logicalId(stack.auth.webAcl?.acl ?? stack);
      const stageId = logicalId(stack.auth.authApi.api.deploymentStage);
      const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
      expect(association).toHaveLength(1);
      expect(association[0]?.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
      const resourceArn = JSON.stringify(association[0]?.Properties.ResourceArn);
      expect(resourceArn).toContain(`/restapis/`);
      expect(resourceArn).toContain(logicalId(stack.auth.authApi.api));
      expect(resourceArn).toContain('/stages/');
      expect(association[0]?.DependsOn).toContain(stageId);
    });

    it('is absent on other stages unless context waf is true', () => {
      dev.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      dev.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
      devWithWaf.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    });

    it('first limits each IP on the credential routes and answers 429 with the JSON body and Retry-After', () => {
      const [rate] = webAclRules(defaults);
      expect(rate?.Priority).toBe(0);
      expect(rate?.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        Limit: STACK_DEFAULTS.wafRateLimit,
        EvaluationWindowSec: 300,
      });
      expect(rate?.Action).toEqual({
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: 'too_many_requests',
            ResponseHeaders: expect.arrayContaining([
              { Name: 'Retry-After', Value: '300' },
              { Name: 'X-Content-Type-Options', Value: 'nosniff' },
              { Name: 'Cache-Control', Value: 'no-store' },
            ]),
          },
        },
      });
      defaults.template.hasResourceProperties('AWS::WAFv2::WebACL', {
        CustomResponseBodies: {
          too_many_requests: { ContentType: 'APPLICATION_JSON', Content: Match.anyValue() },
        },
      });
      const acl = Object.values(defaults.template.findResources('AWS::WAFv2::WebACL'))[0];
      const body = acl?.Properties.CustomResponseBodies.too_many_requests.Content;
      expect(JSON.parse(body)).toEqual({
        error: 'too_many_requests',
        message: ERROR_MESSAGES.tooManyRequests,
      });
    });

    it('counts requests to the credential paths only, with or without the stage prefix', () => {
      const scope = (rules: WafRule[]) => {
        const statement = rules[0]?.Statement.RateBasedStatement as {
          ScopeDownStatement: { RegexMatchStatement: Record<string, unknown> };
        };
        return statement.ScopeDownStatement.RegexMatchStatement;
      };
      const match = scope(webAclRules(defaults));
      expect(match).toMatchObject({
        FieldToMatch: { UriPath: {} },
        TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }],
      });
      const pattern = new RegExp(match.RegexString as string);
      for (const path of CREDENTIAL_PATHS.filter((p) => p !== '/auth/refresh')) {
        expect(pattern.test(path)).toBe(true);
        expect(pattern.test(`/prod${path}`)).toBe(true);
        expect(pattern.test(`/prod${path}/`)).toBe(true);
      }
      for (const path of [
        '/prod/auth/me',
        '/prod/auth/logout',
        '/auth/sessions',
        '/',
        '/prod/auth/refresh',
      ]) {
        expect(pattern.test(path)).toBe(false);
      }
      const closed = new RegExp(scope(webAclRules(devWithWaf)).RegexString as string);
      expect(closed.test('/dev/auth/register')).toBe(false);
      expect(closed.test('/dev/auth/login')).toBe(true);
      expect(webAclRules(devWithWaf)[0]?.Statement.RateBasedStatement).toMatchObject({
        Limit: 120,
      });
    });

    it('gives refresh a per-IP rule of its own', () => {
      const [, refresh] = webAclRules(defaults);
      expect(refresh).toMatchObject({ Name: 'RefreshPerIp', Priority: 1 });
      const statement = refresh?.Statement.RateBasedStatement as {
        Limit: number;
        ScopeDownStatement: { RegexMatchStatement: { RegexString: string } };
      };
      expect(statement.Limit).toBe(STACK_DEFAULTS.refreshWafRateLimit);
      const pattern = new RegExp(statement.ScopeDownStatement.RegexMatchStatement.RegexString);
      expect(pattern.test('/prod/auth/refresh')).toBe(true);
      expect(pattern.test('/prod/auth/login')).toBe(false);
    });

    it('runs the three AWS managed rule groups, blocking', () => {
      const managed = webAclRules(defaults).slice(2);
      expect(managed.map((rule) => rule.Name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
      ]);
      for (const rule of managed) {
        expect(rule.OverrideAction).toEqual({ None: {} });
        expect(rule.Statement.ManagedRuleGroupStatement).toMatchObject({
          VendorName: 'AWS',
          Name: rule.Name,
        });
      }
      const priorities = webAclRules(defaults).map((rule) => rule.Priority);
      expect(new Set(priorities).size).toBe(priorities.length);
    });

    it('only counts the common rules that would contradict the API: body size and HTML in a body', () => {
      const common = webAclRules(defaults).find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
      expect(common?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toEqual([
        { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
        { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
      ]);
    });

    it('answers a managed-rule block with 403 forbidden through the WAF_FILTERED gateway response', () => {
      expect(GATEWAY_RESPONSES.WAF_FILTERED).toMatchObject({
        status: 403,
        body: { error: 'forbidden', message: ERROR_MESSAGES.forbidden },
      });
      defaults.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'WAF_FILTERED',
        StatusCode: '403',
        ResponseTemplates: {
          'application/json': JSON.stringify(GATEWAY_RESPONSES.WAF_FILTERED.body),
        },
      });
    });
  });

  describe('authorizer token validation', () => {
    it('sets the shared expression on the TOKEN authorizer', () => {
      defaults.template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'TOKEN',
        IdentityValidationExpression: BEARER_HEADER_PATTERN,
      });
    });
  });

  describe('reserved concurrency', () => {
    it('reserves nothing by default (new accounts may not reserve at all)', () => {
      expect(Object.values(reservedConcurrency(defaults)).filter((v) => v !== undefined)).toEqual(
        [],
      );
    });

    it('reserves for the authorizer and caps each password-hashing function from context', () => {
      const reserved = reservedConcurrency(dev);
      const hashing = ROUTES.filter(
        (r) => r.hashesPasswords && r.id in dev.stack.auth.authApi.functions,
      );
      expect(hashing.map((r) => r.id).sort()).toEqual([
        'ChangePassword',
        'Login',
        'MfaTotpBegin',
        'MfaTotpRemove',
      ]);
      expect(reserved).toEqual(
        Object.fromEntries(
          Object.keys(reserved).map((id) => [
            id,
            id === 'Authorizer' ? 50 : hashing.some((r) => r.id === id) ? 10 : undefined,
          ]),
        ),
      );
    });

    it('maps a function that could not be invoked (throttled) to 503 unavailable', () => {
      defaults.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'INTEGRATION_FAILURE',
        StatusCode: '503',
        ResponseTemplates: {
          'application/json': JSON.stringify({
            error: 'unavailable',
            message: ERROR_MESSAGES.unavailable,
          }),
        },
      });
      // A throttled authorizer is an authorizer failure: fail closed, 503 as well.
      expect(GATEWAY_RESPONSES.AUTHORIZER_FAILURE.status).toBe(503);
    });
  });
});
