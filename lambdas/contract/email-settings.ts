/**
 * The settings of e-mail and account recovery, declared like the other
 * function settings (`settings.ts`) and parsed by the same parser, in a
 * registry of their own: only the functions that send or check recovery
 * messages read them (`lambdas/email-config.ts`, at their cold start), so
 * the authorizer's bundle, near its ceiling, carries none of them. The
 * stack reads the ones with a context key and hands them to every function
 * (`lib/config.ts`); `npm start` checks them all before it serves.
 * Plain data only: bundled into the e-mail functions.
 */
import type { Registry } from './setting-values';

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

export const EMAIL_SETTINGS = {
  /** Sender of every message: a verified SES identity (unset in AWS: no e-mail routes are deployed). */
  emailFrom: {
    env: 'EMAIL_FROM',
    context: 'emailFrom',
    type: 'string',
    pattern: /^[^\s<>@"]+@[^\s<>@"]+$/,
    shape: 'an address like a@example.com',
  },
  /** SES configuration set of every message (event publishing, dedicated IPs); none by default. */
  emailConfigurationSet: {
    env: 'EMAIL_CONFIGURATION_SET',
    context: 'emailConfigurationSet',
    type: 'string',
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    shape: 'an SES configuration set name',
  },
  /** The page a message's link opens, with `?token=<token>` added; npm start: its demo page. */
  emailLinkBaseUrl: {
    env: 'EMAIL_LINK_BASE_URL',
    context: 'emailLinkBaseUrl',
    type: 'url',
  },
  /** Local mode: the folder every message is written to as an .eml file instead of sent. */
  emailOutboxDir: {
    env: 'EMAIL_OUTBOX_DIR',
    type: 'string',
  },
  /** How long an address verification token lasts. */
  emailVerificationTtlSeconds: {
    env: 'EMAIL_VERIFICATION_TTL_SECONDS',
    context: 'emailVerificationTtlSeconds',
    type: 'int',
    default: DAY,
    min: 60,
    max: 7 * DAY,
  },
  /** How long a password reset token lasts (OWASP: short); 1 s at least, so a test can outlive one. */
  passwordResetTtlSeconds: {
    env: 'PASSWORD_RESET_TTL_SECONDS',
    context: 'passwordResetTtlSeconds',
    type: 'int',
    default: 15 * MINUTE,
    min: 1,
    max: DAY,
  },
  /**
   * The least time `POST /auth/password/forgot` takes to answer, whether it
   * sent a message or not: above the slowest lookup, token write and send,
   * so the time tells nothing about the account (docs/design.md).
   */
  passwordForgotMinResponseMs: {
    env: 'PASSWORD_FORGOT_MIN_RESPONSE_MS',
    context: 'passwordForgotMinResponseMs',
    type: 'int',
    default: 1500,
    min: 0,
    max: 5000,
  },
  /**
   * Forgot-password and verification requests per clock hour naming one
   * e-mail address; beyond it they answer 429 (docs/api.md, "Recovery limits").
   */
  recoveryLimitPerAddressPerHour: {
    env: 'RECOVERY_LIMIT_PER_ADDRESS_PER_HOUR',
    context: 'recoveryLimitPerAddressPerHour',
    type: 'int',
    default: 5,
    min: 1,
    max: 10_000,
  },
  /** The same per account (the username asked for, or the account of a verification token). */
  recoveryLimitPerAccountPerHour: {
    env: 'RECOVERY_LIMIT_PER_ACCOUNT_PER_HOUR',
    context: 'recoveryLimitPerAccountPerHour',
    type: 'int',
    default: 5,
    min: 1,
    max: 10_000,
  },
  /** The same per client address (IPv6 by its /64), whatever it names. */
  recoveryLimitPerClientPerHour: {
    env: 'RECOVERY_LIMIT_PER_CLIENT_PER_HOUR',
    context: 'recoveryLimitPerClientPerHour',
    type: 'int',
    default: 30,
    min: 1,
    max: 100_000,
  },
} as const satisfies Registry;

export type EmailSettingName = keyof typeof EMAIL_SETTINGS;
