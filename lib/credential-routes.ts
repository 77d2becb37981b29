/**
 * The routes that take a password or a refresh token and hand out tokens:
 * what credential stuffing and token guessing aim at, and what runs scrypt or
 * KMS `Sign` per request. They get a method-level throttle below the stage's
 * (docs/deploy.md, "Abuse limits") and a per-IP rate rule of the web ACL:
 * refresh its own throttle and rule, the others one each. The defaults come
 * from `lambdas/contract/abuse-budget.ts`.
 */
import type { MethodDeploymentOptions } from 'aws-cdk-lib/aws-apigateway';
import type { RouteSpec } from '../lambdas/contract/routes';
import type { StackConfig } from './config';

/**
 * Route ids (from `ROUTES`) of login, register, password change and refresh,
 * and of the e-mail routes, which exist only where e-mail is on: setting an
 * address (a password check), verifying one and resetting a password (token
 * guesses), and asking for a reset (a message sent).
 */
export const CREDENTIAL_ROUTE_IDS: readonly string[] = [
  'Login',
  'Register',
  'ChangePassword',
  'Refresh',
  'EmailChange',
  'EmailVerify',
  'PasswordForgot',
  'PasswordReset',
];

/** The route id of refresh: its own throttle and WAF rule. */
export const REFRESH_ROUTE_ID = 'Refresh';

/** The credential routes among `routes` (register is absent when sign-up is closed). */
export function credentialRoutes(routes: readonly RouteSpec[]): RouteSpec[] {
  return routes.filter((route) => CREDENTIAL_ROUTE_IDS.includes(route.id));
}

/**
 * The stage's `methodOptions`: one throttle per credential route, keyed
 * `/path/METHOD` as API Gateway's method settings name them.
 */
export function credentialMethodThrottling(
  routes: readonly RouteSpec[],
  config: Pick<
    StackConfig,
    | 'credentialThrottleRateLimit'
    | 'credentialThrottleBurstLimit'
    | 'refreshThrottleRateLimit'
    | 'refreshThrottleBurstLimit'
  >,
): Record<string, MethodDeploymentOptions> {
  return Object.fromEntries(
    credentialRoutes(routes).map((route) => [
      `${route.path}/${route.method}`,
      route.id === REFRESH_ROUTE_ID
        ? {
            throttlingRateLimit: config.refreshThrottleRateLimit,
            throttlingBurstLimit: config.refreshThrottleBurstLimit,
          }
        : {
            throttlingRateLimit: config.credentialThrottleRateLimit,
            throttlingBurstLimit: config.credentialThrottleBurstLimit,
          },
    ]),
  );
}

/**
 * A regular expression (WAF's PCRE syntax) matching the URI path of a
 * credential route, with or without the stage prefix (`/prod/auth/login` on
 * the execute-api URL, `/auth/login` behind a custom domain) and a trailing slash.
 */
export function credentialPathPattern(
  routes: readonly RouteSpec[],
  which: 'refresh' | 'others' = 'others',
): string {
  const chosen = credentialRoutes(routes).filter(
    (route) => (route.id === REFRESH_ROUTE_ID) === (which === 'refresh'),
  );
  const paths = chosen.map((route) => route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `(${paths.join('|')})/?$`;
}
