/**
 * The web application firewall in front of the stage (context `waf`): a
 * per-IP rate-based rule on the credential routes and three AWS managed rule
 * groups. Blocked requests get the API's JSON error body, never WAF's default:
 * the rate rule answers 429 `too_many_requests` through a custom response
 * built from the contract's messages; a managed-rule block has no custom
 * response (WAF cannot set one on a whole managed group, and naming every rule
 * would miss the rules AWS adds later), so API Gateway answers it with its
 * `WAF_FILTERED` gateway response: 403 `forbidden` (`GATEWAY_RESPONSES`).
 */
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WAF_RATE_WINDOW_SECONDS } from '../lambdas/contract/abuse-budget';
import { ERROR_MESSAGES, ERROR_STATUS, type ErrorCode } from '../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../lambdas/contract/headers';
import type { RouteSpec } from '../lambdas/contract/routes';
import type { StackConfig } from './config';
import { credentialPathPattern } from './credential-routes';

/** WAF counts requests per IP over this window (seconds); Retry-After says the same. */
export { WAF_RATE_WINDOW_SECONDS };

/**
 * The managed rule groups, in evaluation order after the rate rule, with the
 * rules set to count instead of block (see `docs/deploy.md`, "Web application firewall").
 */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: [] },
  {
    name: 'AWSManagedRulesCommonRuleSet',
    // SizeRestrictions_BODY blocks bodies over 8 KB; the API's own limit is
    // 16 KiB with a 400 invalid_request, which stays the one answer to a big
    // body. CrossSiteScripting_BODY would block a password that looks like
    // HTML; the API renders no HTML and passwords are free text.
    countOnly: ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY'],
  },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: [] },
] as const;

/** Key of the custom response body the rate rule answers with. */
const RATE_LIMITED_BODY: ErrorCode = 'too_many_requests';

export interface WebAclProps {
  config: Pick<StackConfig, 'stageName' | 'wafRateLimit' | 'refreshWafRateLimit'>;
  stage: Stage;
  /** The deployed routes; the credential routes among them get the rate rule. */
  routes: readonly RouteSpec[];
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true };
}

/** The web ACL and its association with the stage. */
export class WebAcl extends Construct {
  readonly acl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const rateRule = (
      name: string,
      priority: number,
      limit: number,
      pattern: string,
    ): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit,
          evaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
          scopeDownStatement: {
            regexMatchStatement: {
              fieldToMatch: { uriPath: {} },
              regexString: pattern,
              // An encoded path must not slip past the count.
              textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
            },
          },
        },
      },
      action: {
        block: {
          customResponse: {
            responseCode: ERROR_STATUS[RATE_LIMITED_BODY],
            customResponseBodyKey: RATE_LIMITED_BODY,
            responseHeaders: [
              { name: 'Retry-After', value: String(WAF_RATE_WINDOW_SECONDS) },
              ...Object.entries(SECURITY_HEADERS).map(([name, value]) => ({ name, value })),
            ],
          },
        },
      },
      visibilityConfig: visibility(name),
    });
    const rateRules = [
      rateRule(
        'CredentialRoutesPerIp',
        0,
        props.config.wafRateLimit,
        credentialPathPattern(props.routes),
      ),
      rateRule(
        'RefreshPerIp',
        1,
        props.config.refreshWafRateLimit,
        credentialPathPattern(props.routes, 'refresh'),
      ),
    ];
    const managedRules = MANAGED_RULE_GROUPS.map(
      (group, index): CfnWebACL.RuleProperty => ({
        name: group.name,
        priority: index + 2,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group.name,
            ...(group.countOnly.length > 0
              ? {
                  ruleActionOverrides: group.countOnly.map((name) => ({
                    name,
                    actionToUse: { count: {} },
                  })),
                }
              : {}),
          },
        },
        visibilityConfig: visibility(group.name),
      }),
    );

    this.acl = new CfnWebACL(this, 'Acl', {
      name: `serverless-jwt-auth-${props.config.stageName}`,
      description: 'serverless-jwt-auth: per-IP limit on the credential routes, AWS managed rules',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: RATE_LIMITED_BODY,
            message: ERROR_MESSAGES.tooManyRequests,
          }),
        },
      },
      rules: [...rateRules, ...managedRules],
      visibilityConfig: visibility(`serverless-jwt-auth-${props.config.stageName}`),
    });

    const association = new CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.acl.attrArn,
    });
    // The ARN is assembled from the API id and stage name, not a reference: wait for the stage.
    association.node.addDependency(props.stage);
  }
}
