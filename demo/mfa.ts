/**
 * The demo page's second factor: its section (`#mfa`) turns TOTP on with a
 * QR code drawn in the page (`qr-code.ts`), confirms it with a first code and
 * shows the recovery codes once, steps the session up with a code (and shows
 * the new token's `amr`), or turns it off with the password and a code; and
 * the login section asks for a code when the password was right
 * and the account has TOTP on (`mfa_required`).
 */
import { MfaRequiredError } from '../client';
import { jwtPayload } from '../client/jwt-payload';
import type { PanelKit } from './panel-kit';
import { drawQrCode } from './qr-code';

const ID = 'mfa';

function part<T extends Element>(selector: string): T {
  const found = document.querySelector<T>(`#${ID} ${selector}`);
  if (!found) throw new Error(`demo page: #${ID} ${selector} is missing`);
  return found;
}

/** The form of one step of a section (`data-step`). */
const step = (name: string) => `form[data-step="${name}"]`;

/** The `amr` claim of an access token, comma-joined (read, not verified: the API verifies). */
function amrOf(token: string): string {
  const claims = jwtPayload(token);
  if (!claims) return '(unreadable)';
  return Array.isArray(claims.amr) ? claims.amr.join(',') : '(none)';
}

/** Wires the `#mfa` section to the client. */
export function setUpMfaSection({ auth, report, onSubmit }: PanelKit): void {
  const enrolment = part<HTMLElement>('.enrolment');
  const recoveryCodes = part<HTMLOListElement>('.recovery-codes');
  const onStep = (name: string, handler: Parameters<PanelKit['onSubmit']>[1]) =>
    onSubmit(ID, handler, step(name));

  onStep('begin', async ({ current = '' }, form) => {
    const { secret, otpauth_uri } = await auth.beginTotp({ currentPassword: current });
    form.reset();
    drawQrCode(part<HTMLCanvasElement>('canvas'), otpauth_uri);
    part('.secret').textContent = secret;
    part('.uri').textContent = otpauth_uri;
    recoveryCodes.hidden = true;
    enrolment.hidden = false;
    report(ID, 'Scan the QR code with an authenticator app, then type its code.', true);
  });

  onStep('confirm', async ({ code: first = '' }, form) => {
    const { recovery_codes } = await auth.confirmTotp(first);
    form.reset();
    enrolment.hidden = true;
    recoveryCodes.replaceChildren(
      ...recovery_codes.map((code) => {
        const item = document.createElement('li');
        const shown = document.createElement('code');
        shown.textContent = code;
        item.append(shown);
        return item;
      }),
    );
    recoveryCodes.hidden = false;
    report(
      ID,
      `TOTP is on; every other session has ended. Keep these ${recovery_codes.length} recovery codes: each works once, and they are shown only now.`,
      true,
    );
  });

  onStep('step-up', async ({ code = '' }, form) => {
    await auth.stepUp(code);
    form.reset();
    const amr = amrOf(await auth.getAccessToken());
    report(ID, `Stepped up: this session's new access token carries amr ${amr}.`, true);
  });

  onStep('remove', async ({ current = '', code = '' }, form) => {
    await auth.removeTotp({ currentPassword: current, code });
    form.reset();
    enrolment.hidden = true;
    recoveryCodes.hidden = true;
    report(ID, 'TOTP is off; every other session has ended.', true);
  });
}

/**
 * Wires the login section's code form; returns what the login form calls
 * with a failed login: an `mfa_required` shows the code form (any other
 * failure is thrown on), and a code then completes the login
 * (`verifyMfa`), calling `loggedIn` as the password alone would have.
 */
export function setUpMfaLogin(
  { auth, report, onSubmit }: PanelKit,
  loggedIn: (sessionId: string | null) => void,
): (error: unknown) => undefined {
  const form = document.querySelector<HTMLFormElement>(`#login ${step('code')}`);
  if (!form) throw new Error(`demo page: #login ${step('code')} is missing`);
  let mfaToken: string | null = null;

  onSubmit(
    'login',
    async ({ code = '' }) => {
      if (!mfaToken) return;
      const { sessionId } = await auth.verifyMfa(mfaToken, code);
      mfaToken = null;
      form.reset();
      form.hidden = true;
      loggedIn(sessionId);
    },
    step('code'),
  );

  return (error) => {
    if (!(error instanceof MfaRequiredError)) throw error;
    mfaToken = error.mfaToken;
    form.hidden = false;
    form.querySelector<HTMLInputElement>('input')?.focus();
    report(
      'login',
      'Password accepted. This account has a second factor: type the code your authenticator app shows (or a recovery code).',
      true,
    );
    return undefined;
  };
}
