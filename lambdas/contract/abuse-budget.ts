/**
 * The abuse limits of the credential routes, derived from two budgets in one
 * place (docs/deploy.md, "Abuse limits"):
 *
 * - **KMS.** Every login and refresh signs with KMS, and the account's ECC
 *   `Sign` quota is shared (300/s in older AWS documents, 1,000/s in newer
 *   ones; the older figure is taken). The login and refresh throttles
 *   together, times the signatures per issued pair, stay within half of it.
 * - **Addresses.** The WAF's per-IP limit and a route's throttle are chosen
 *   so that at least {@link ADDRESSES_TO_EXHAUST_A_ROUTE} client addresses,
 *   each at its per-IP limit, are needed to use up the route.
 *
 * Plain data: the stack's defaults read it, and a test checks the template.
 */

/** KMS `Sign` calls per issued pair, by refresh-token format (envelope signing mode: none). */
export const KMS_SIGNATURES_PER_ISSUE = { jwt: 2, opaque: 1 } as const;

/**
 * The signatures per issued pair the budget is made for: the default format's
 * (opaque refresh tokens, one signature). A stack that issues JWT refresh
 * tokens costs twice that; the stack warns at synth when its throttles then
 * exceed half the quota ({@link kmsBudgetExceeded}).
 */
export const kmsSignaturesPerIssue = KMS_SIGNATURES_PER_ISSUE.opaque;

/** The account's ECC `Sign` quota per second, as older AWS documents give it (newer: 1,000). */
export const KMS_ECC_SIGN_QUOTA_PER_SECOND = 300;

/**
 * The KMS `Sign` calls per second that login plus refresh at their throttles
 * would cost in `format`, when that is more than half the quota; else undefined.
 */
export function kmsBudgetExceeded(
  format: keyof typeof KMS_SIGNATURES_PER_ISSUE,
  loginRate: number,
  refreshRate: number,
): number | undefined {
  const signsPerSecond = (loginRate + refreshRate) * KMS_SIGNATURES_PER_ISSUE[format];
  return signsPerSecond > KMS_ECC_SIGN_QUOTA_PER_SECOND / 2 ? signsPerSecond : undefined;
}

/** Client addresses, each at its per-IP limit, needed to use up one credential route. */
export const ADDRESSES_TO_EXHAUST_A_ROUTE = 100;

/** The WAF's rate-based rules count requests per IP over this window (seconds). */
export const WAF_RATE_WINDOW_SECONDS = 300;

/** Issued pairs per second the KMS budget allows: half the quota, over the signatures per pair. */
const issuesPerSecond = Math.floor(KMS_ECC_SIGN_QUOTA_PER_SECOND / 2 / kmsSignaturesPerIssue);

/** Login gets a third of the issue budget, refresh (every session, every 15 minutes) the rest. */
const loginRate = Math.floor(issuesPerSecond / 3);
const refreshRate = issuesPerSecond - loginRate;

/** The per-IP limit per WAF window at which exactly enough addresses use up `rate` requests/s. */
export function perIpLimitFor(rate: number): number {
  return Math.max(10, Math.floor((rate * WAF_RATE_WINDOW_SECONDS) / ADDRESSES_TO_EXHAUST_A_ROUTE));
}

/** The defaults of the stack's throttles and WAF limits. */
export const ABUSE_BUDGET = {
  /** Method throttle (requests/s, and burst) of login, register and password change each. */
  credentialRate: loginRate,
  credentialBurst: loginRate,
  /** Method throttle of refresh. */
  refreshRate,
  refreshBurst: refreshRate,
  /** WAF per-IP limit per window on login, register and password change together. */
  credentialWafLimit: perIpLimitFor(loginRate),
  /** WAF per-IP limit per window on refresh. */
  refreshWafLimit: perIpLimitFor(refreshRate),
  /** The stage's throttle: room for every credential route at its limit, twice over, and the rest. */
  stageRate: 2 * (3 * loginRate + refreshRate),
  stageBurst: 4 * (3 * loginRate + refreshRate),
} as const;
