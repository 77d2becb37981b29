/**
 * The demo page's recovery panels: the account's e-mail address and its
 * verification, forgot password and reset, and where a message's link comes
 * from. Locally a message's
 * link opens this page with `?token=<token>`, so a token in the address bar
 * is filled in (and taken out of the address bar, history and referrer); or
 * the page reads the newest message through the outbox route
 * (`GET /local/outbox`, on only when `npm start` runs with `OUTBOX_SECRET`),
 * with the secret typed into the page and kept in memory only.
 */
import type { PanelKit } from './panel-kit';

/** What a link is for: its `purpose` parameter (reset links carry one; a verification none). */
type Purpose = 'verify_email' | 'reset_password';

/** The panel each kind of token goes to (its input's `data-token-input` is the purpose). */
const PANEL: Record<Purpose, string> = {
  verify_email: 'Verify the address',
  reset_password: 'Reset the password',
};

function purposeOf(url: URL): Purpose {
  return url.searchParams.get('purpose') === 'reset_password' ? 'reset_password' : 'verify_email';
}

/** Puts `token` into its panel's input; returns that panel's title. */
function fillToken(token: string, purpose: Purpose): string {
  const input = document.querySelector<HTMLInputElement>(`[data-token-input="${purpose}"]`);
  if (input) input.value = token;
  return PANEL[purpose];
}

/** A link's `?token=` (and `purpose`) in the page's URL, taken out of the URL. */
function takeLinkFromUrl(): { token: string; purpose: Purpose } | undefined {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (!token) return undefined;
  const purpose = purposeOf(url);
  url.searchParams.delete('token');
  url.searchParams.delete('purpose');
  history.replaceState(null, '', url);
  return { token, purpose };
}

interface OutboxMessage {
  to: string;
  subject: string;
  date: string;
  link?: string;
}

/** Why the outbox route refused, for the person at the page. */
function outboxRefusal(status: number): string {
  if (status === 404) {
    return '404: the outbox route is off. Start npm start with OUTBOX_SECRET=<a secret of 16+ characters> and type it here.';
  }
  if (status === 403) return '403: that is not the outbox secret npm start was given.';
  return `${status}: the outbox could not be read.`;
}

/** The newest message to `to` with a link, through the outbox route. */
async function newestLink(secret: string, to: string): Promise<OutboxMessage | string> {
  const response = await fetch(`/local/outbox?to=${encodeURIComponent(to)}`, {
    headers: { Authorization: `Basic ${btoa(`demo:${secret}`)}` },
  });
  if (!response.ok) return outboxRefusal(response.status);
  const { messages } = (await response.json()) as { messages: OutboxMessage[] };
  return messages.find((message) => message.link) ?? `No message with a link to ${to} yet.`;
}

export function installRecoveryPanels({ auth, report, onSubmit }: PanelKit): void {
  onSubmit('email', async ({ email = '', current = '' }) => {
    const state = await auth.setEmail({ email, currentPassword: current });
    report(
      'email',
      state.email_verified
        ? `${state.email} is already verified.`
        : `${state.email} is set, not verified yet: a link was sent to it (read it in "Outbox").`,
      true,
    );
    const outboxAddress = document.querySelector<HTMLInputElement>('#outbox-address');
    if (outboxAddress && !outboxAddress.value) outboxAddress.value = state.email;
  });

  onSubmit('verify-email', async ({ token = '' }) => {
    await auth.verifyEmail(token.trim());
    report('verify-email', 'Address verified: password resets may now go to it.', true);
  });

  onSubmit('outbox', async ({ secret = '', address = '' }) => {
    const found = await newestLink(secret, address.trim());
    if (typeof found === 'string') {
      report('outbox', found, false);
      return;
    }
    const link = new URL(found.link as string);
    const panel = fillToken(link.searchParams.get('token') ?? '', purposeOf(link));
    report(
      'outbox',
      `"${found.subject}" to ${found.to} (${found.date}): its token is filled in (${panel}).`,
      true,
    );
  });

  onSubmit('forgot', async ({ account = '' }) => {
    const value = account.trim();
    await auth.forgotPassword(value.includes('@') ? { email: value } : { username: value });
    report(
      'forgot',
      'Asked. If the account has a verified address, a reset link was sent to it (read it in "Outbox"); the answer is the same either way.',
      true,
    );
    const outboxAddress = document.querySelector<HTMLInputElement>('#outbox-address');
    if (outboxAddress && value.includes('@')) outboxAddress.value = value;
  });

  onSubmit('reset', async ({ token = '', new: next = '' }) => {
    await auth.resetPassword({ token: token.trim(), newPassword: next });
    report(
      'reset',
      'Password reset: every session of the account has ended. Log in with the new password.',
      true,
    );
  });

  const link = takeLinkFromUrl();
  if (link) {
    const panel = fillToken(link.token, link.purpose);
    report(
      'outbox',
      `A link's token was read from the address bar and filled in (${panel}).`,
      true,
    );
  }
}
