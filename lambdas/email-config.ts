/**
 * The e-mail functions' own configuration (`contract/email-settings.ts`),
 * parsed at their cold start beside `loadConfig`: a bad value fails the
 * instance, never a request. Without a sender (`EMAIL_FROM`) there is no
 * e-mail: the stack deploys no e-mail route, and register refuses an address.
 */
import type { RecoveryLimits } from './auth/recovery-limits';
import { EMAIL_SETTINGS } from './contract/email-settings';
import { ConfigError, envNames, settingsFromEnv } from './contract/setting-values';

export const EMAIL_ENV = envNames(EMAIL_SETTINGS);

/** Where messages go. */
export type MailDelivery =
  | { kind: 'ses'; from: string; configurationSet?: string }
  /** Local mode: .eml files in a folder. */
  | { kind: 'outbox'; from: string; dir: string };

export interface EmailConfig {
  /** Absent: e-mail is off (no sender configured). */
  delivery?: MailDelivery;
  /** The page a message's link opens; required with a sender. */
  linkBaseUrl?: string;
  /** Verification token lifetime, seconds. */
  verificationTtlSeconds: number;
  /** Password reset token lifetime, seconds. */
  resetTtlSeconds: number;
  /** The least time a forgot-password request takes to answer, milliseconds. */
  forgotMinResponseMs: number;
  /** Forgot and verify requests per clock hour, per what they name and per client address. */
  limits: RecoveryLimits;
}

export type Env = Record<string, string | undefined>;

/** Reads and checks every e-mail setting. */
export function loadEmailConfig(env: Env = process.env): EmailConfig {
  const s = settingsFromEnv(EMAIL_SETTINGS, env);
  const base = {
    verificationTtlSeconds: s.emailVerificationTtlSeconds,
    resetTtlSeconds: s.passwordResetTtlSeconds,
    forgotMinResponseMs: s.passwordForgotMinResponseMs,
    limits: {
      perAddressPerHour: s.recoveryLimitPerAddressPerHour,
      perAccountPerHour: s.recoveryLimitPerAccountPerHour,
      perClientPerHour: s.recoveryLimitPerClientPerHour,
    },
  };
  if (!s.emailFrom) return base;
  if (!s.emailLinkBaseUrl) {
    throw new ConfigError(`${EMAIL_ENV.emailLinkBaseUrl} is required with ${EMAIL_ENV.emailFrom}.`);
  }
  const delivery: MailDelivery = s.emailOutboxDir
    ? { kind: 'outbox', from: s.emailFrom, dir: s.emailOutboxDir }
    : {
        kind: 'ses',
        from: s.emailFrom,
        ...(s.emailConfigurationSet ? { configurationSet: s.emailConfigurationSet } : {}),
      };
  return { ...base, delivery, linkBaseUrl: s.emailLinkBaseUrl };
}
