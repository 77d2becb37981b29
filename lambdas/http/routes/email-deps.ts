/** What the e-mail domain (`auth/email.ts`) is built over where e-mail is on, and what an e-mail route is where it is off. */
import type { EmailDeps } from '../../auth/email';
import type { ResetSettings } from '../../auth/password-reset';
import type { RecoveryLimitDeps } from '../../auth/recovery-limits';
import { ERROR_MESSAGES } from '../../contract/errors';
import type { EmailRuntimeOf } from '../../email-runtime';
import { NotFoundError } from '../../errors';
import { httpHandler } from '../handler';

/** The runtime parts the e-mail domain uses. */
export type EmailDomainRuntime = EmailRuntimeOf<'users'>;

export function emailDeps(runtime: EmailDomainRuntime): EmailDeps {
  return {
    users: runtime.users(),
    recovery: runtime.recovery(),
    mail: runtime.mail(),
    clock: runtime.clock,
    email: {
      // Required with a sender (loadEmailConfig): only called where e-mail is on.
      linkBaseUrl: runtime.email.linkBaseUrl as string,
      verificationTtlSeconds: runtime.email.verificationTtlSeconds,
    },
    messageLimits: recoveryLimitDeps(runtime),
  };
}

/** What the recovery limits (`auth/recovery-limits.ts`) count with. */
export function recoveryLimitDeps(
  runtime: Pick<EmailDomainRuntime, 'requestLimits' | 'clock' | 'email'>,
): RecoveryLimitDeps {
  return {
    requestLimits: runtime.requestLimits(),
    clock: runtime.clock,
    recoveryLimits: runtime.email.limits,
  };
}

/** Whether this deployment sends e-mail: without a sender the e-mail routes do not exist. */
export function emailOn(runtime: Pick<EmailDomainRuntime, 'email'>): boolean {
  return runtime.email.delivery !== undefined;
}

/** Without a sender the stack deploys no e-mail route; wherever one is still served, it does not exist. */
export function noEmailRoute(runtime: Pick<EmailDomainRuntime, 'config'>) {
  return httpHandler(runtime.config, async () => {
    throw new NotFoundError(ERROR_MESSAGES.noSuchRoute);
  });
}

/** The reset settings of an e-mail runtime where e-mail is on. */
export function resetSettings(runtime: Pick<EmailDomainRuntime, 'email'>): ResetSettings {
  return {
    linkBaseUrl: runtime.email.linkBaseUrl as string,
    resetTtlSeconds: runtime.email.resetTtlSeconds,
    forgotMinResponseMs: runtime.email.forgotMinResponseMs,
  };
}
