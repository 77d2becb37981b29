/**
 * The demo page of `npm start` in headless Chromium (Debian's `chromium`,
 * driven by playwright-core; nothing is downloaded): register, log in on two
 * devices (two browser contexts), revoke one from the other and see it
 * refused, log out and see the replayed access token refused; turn TOTP on
 * with the QR code the page draws on a canvas, log in with a code, and turn
 * it off again. Screenshots go
 * to test-output/browser/ (git-ignored). Without a Chromium on the machine
 * the test is skipped, saying so, except under CI=true, where it fails
 * (test/support/chromium.ts); CI installs one.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Secret } from 'otpauth';
import { type Browser, chromium, type Page } from 'playwright-core';
import { create } from 'qrcode';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { findChromium } from '../support/chromium';
import { type ServerProcess, startServerProcess } from '../support/server-process';

// Under CI=true a missing Chromium throws here: the suite fails instead of skipping.
const chromiumPath = findChromium();
const OUTPUT = resolve(__dirname, '../../test-output/browser');
const describeWithChromium = chromiumPath ? describe : describe.skip;

/** The outbox route's secret of the main server, as a developer would start it. */
const OUTBOX_SECRET = 'demo-outbox-secret-16';

describeWithChromium('the demo page in Chromium', () => {
  let server: ServerProcess;
  /** Access tokens living 2 s, for the tabs to refresh. */
  let shortLived: ServerProcess;
  let browser: Browser;
  /** Uncaught errors and console errors (a CSP violation, a script error) of every page. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    [server, shortLived, browser] = await Promise.all([
      startServerProcess({ env: { PASSWORD_SCRYPT_LOG2_N: '10', OUTBOX_SECRET } }),
      // Short enough to pass the refresh point (half the lifetime) within a test,
      // long enough that the fresh pair is not due again on a busy machine.
      startServerProcess({ env: { PASSWORD_SCRYPT_LOG2_N: '10', ACCESS_TOKEN_TTL_SECONDS: '6' } }),
      chromium.launch({ executablePath: chromiumPath, headless: true }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), shortLived?.stop()]);
  });

  function watch(page: Page, name: string): void {
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    page.on('console', (message) => {
      // The refusals the test provokes (401) are logged by the browser too; those are expected.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(`${name}: ${message.text()}`);
      }
    });
  }

  /** A device: its own browser context (cookies, storage), the page open. */
  async function device(name: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      userAgent: `demo-test ${name}`,
    });
    const page = await context.newPage();
    watch(page, name);
    await page.goto(server.url);
    return page;
  }

  /** Waits until the live region of `section` says `text`. */
  async function sees(page: Page, section: string, text: string | RegExp): Promise<void> {
    await page.locator(`#${section} .result`, { hasText: text }).waitFor();
  }

  /** Registers `username` through the page's form. */
  async function registers(page: Page, username: string, password: string): Promise<void> {
    const register = page.locator('#register');
    await register.getByLabel('Username').fill(username);
    await register.getByLabel('Password').fill(password);
    await register.getByRole('button', { name: 'Register' }).click();
    await sees(page, 'register', `Registered ${username}`);
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    const login = page.locator('#login');
    await login.getByLabel('Username').fill(username);
    await login.getByLabel('Password').fill(password);
    await login.getByRole('button', { name: 'Log in' }).click();
    await sees(page, 'login', 'Logged in');
  }

  it('shows two devices, revokes one from the other, and refuses a replayed token', async () => {
    const username = `demo-${Date.now().toString(36)}`;
    const password = 'a long demo passphrase';
    const laptop = await device('laptop');
    const phone = await device('phone');

    // Register and log in on the laptop.
    await registers(laptop, username, password);
    await logIn(laptop, username, password);
    await laptop.getByRole('button', { name: 'Ask the API' }).click();
    await sees(laptop, 'me', `"username": "${username}"`);

    // Log in on the phone too: two sessions, the laptop's marked as current.
    await logIn(phone, username, password);
    await laptop.getByRole('button', { name: 'Load sessions' }).click();
    await sees(laptop, 'sessions', '2 live sessions');
    const rows = laptop.locator('#sessions tbody tr');
    expect(await rows.count()).toBe(2);
    const current = laptop.locator('#sessions tbody tr.current');
    expect(await current.count()).toBe(1);
    expect(await current.textContent()).toContain('this device');
    await laptop.screenshot({ path: join(OUTPUT, '1-laptop-two-sessions.png'), fullPage: true });

    // Revoke the phone's session from the laptop; the phone is refused next time.
    await laptop.locator('#sessions tbody tr:not(.current)').getByRole('button').click();
    await sees(laptop, 'sessions', '1 live session');
    await phone.getByRole('button', { name: 'Ask the API' }).click();
    await sees(phone, 'me', /401 invalid_token/);
    await phone.locator('#state', { hasText: 'Session ended' }).waitFor();
    await phone.screenshot({ path: join(OUTPUT, '2-phone-revoked.png'), fullPage: true });

    // The laptop still works; it logs out, and its old access token is refused.
    await laptop.getByRole('button', { name: 'Ask the API' }).click();
    await sees(laptop, 'me', `"username": "${username}"`);
    await laptop.getByRole('button', { name: 'Log out', exact: true }).click();
    await sees(laptop, 'logout', 'Logged out');
    await laptop.getByRole('button', { name: /Send GET \/auth\/me with the old token/ }).click();
    await sees(
      laptop,
      'replay',
      /^401 Unauthorized: refused, as it should be\s+\{"error":"invalid_token"/,
    );
    await laptop.locator('#state', { hasText: 'Session ended: logged out' }).waitFor();
    await laptop.screenshot({ path: join(OUTPUT, '3-laptop-replay-refused.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
  });

  it('sets and verifies an address, then forgets and resets the password, through outbox links or opened links', async () => {
    const username = `mail-${Date.now().toString(36)}`;
    const password = 'a long demo passphrase';
    const address = `${username}@example.com`;
    const page = await device('mail');
    await registers(page, username, password);
    await logIn(page, username, password);

    const email = page.locator('#email');
    await email.getByLabel('E-mail address').fill(address);
    await email.getByLabel('Current password').fill(password);
    await email.getByRole('button', { name: 'Set address' }).click();
    await sees(page, 'email', `${address} is set, not verified yet`);

    // A wrong secret is refused and fills nothing in.
    const outbox = page.locator('#outbox');
    await outbox.getByLabel('Outbox secret').fill('not-the-outbox-secret');
    await outbox.getByLabel('Messages to').fill(address);
    await outbox.getByRole('button', { name: 'Read the newest link' }).click();
    await sees(page, 'outbox', /^403/);
    expect(await page.locator('#verify-token').inputValue()).toBe('');

    await outbox.getByLabel('Outbox secret').fill(OUTBOX_SECRET);
    await outbox.getByRole('button', { name: 'Read the newest link' }).click();
    await sees(page, 'outbox', `"Confirm your e-mail address" to ${address}`);
    const token = await page.locator('#verify-token').inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: join(OUTPUT, '5-outbox-link.png'), fullPage: true });
    await page.locator('#verify-email').getByRole('button', { name: 'Verify address' }).click();
    await sees(page, 'verify-email', 'Address verified');
    await page.getByRole('button', { name: 'Ask the API' }).click();
    await sees(page, 'me', '"email_verified": true');

    // The link itself opens the page with ?token=: filled in, and gone from the address bar.
    const opened = await device('link');
    await opened.goto(`${server.url}/?token=${token}`);
    await sees(opened, 'outbox', "A link's token was read from the address bar");
    expect(await opened.locator('#verify-token').inputValue()).toBe(token);
    expect(new URL(opened.url()).search).toBe('');
    // Used once already: the API answers invalid_grant.
    await opened.locator('#verify-email').getByRole('button', { name: 'Verify address' }).click();
    await sees(opened, 'verify-email', /^400 invalid_grant/);

    // Forgot the password: the reset link's token goes to the reset panel; the reset ends this session.
    const forgot = page.locator('#forgot');
    await forgot.getByLabel('Username or e-mail').fill(address);
    await forgot.getByRole('button', { name: 'Send a reset link' }).click();
    await sees(page, 'forgot', 'Asked.');
    await outbox.getByRole('button', { name: 'Read the newest link' }).click();
    await sees(page, 'outbox', `"Reset your password" to ${address}`);
    await sees(page, 'outbox', '(Reset the password)');
    const resetToken = await page.locator('#reset-token').inputValue();
    expect(resetToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reset = page.locator('#reset');
    await reset.getByLabel('New password').fill('a brand new demo passphrase');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await sees(page, 'reset', 'Password reset: every session of the account has ended');
    await page.screenshot({ path: join(OUTPUT, '6-password-reset.png'), fullPage: true });
    await page.getByRole('button', { name: 'Ask the API' }).click();
    await sees(page, 'me', /401 invalid_token/);
    await logIn(page, username, 'a brand new demo passphrase');

    // A reset link opened in the browser fills the reset panel; used once already, it is refused.
    await opened.goto(`${server.url}/?purpose=reset_password&token=${resetToken}`);
    await sees(opened, 'outbox', '(Reset the password)');
    expect(await opened.locator('#reset-token').inputValue()).toBe(resetToken);
    expect(await opened.locator('#verify-token').inputValue()).toBe('');
    await opened.locator('#reset').getByLabel('New password').fill('yet another demo passphrase');
    await opened.locator('#reset').getByRole('button', { name: 'Reset password' }).click();
    await sees(opened, 'reset', /^400 invalid_grant/);
    expect(pageErrors).toEqual([]);
  });

  it('refreshes once for two tabs sharing localStorage; a logout in one is seen by the other', async () => {
    const username = `tabs-${Date.now().toString(36)}`;
    const password = 'a long demo passphrase';
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // Refreshes the server answered. A request lost on the wire (a keep-alive
    // socket the server closed as the browser reused it) is retried by the
    // client and counts once, as the server saw it.
    const refreshes: string[] = [];
    context.on('requestfinished', (request) => {
      if (new URL(request.url()).pathname === '/auth/refresh') refreshes.push(request.url());
    });
    const url = `${shortLived.url}/?storage=local`;
    const first = await context.newPage();
    watch(first, 'first tab');
    await first.goto(url);
    await first.locator('#storage-kind', { hasText: 'localStorage' }).waitFor();
    await registers(first, username, password);
    await logIn(first, username, password);
    const second = await context.newPage();
    watch(second, 'second tab');
    await second.goto(url);
    await second.locator('#state', { hasText: 'Signed in' }).waitFor();

    // Past the refresh point (half the 6 s lifetime), both tabs ask at once.
    await first.waitForTimeout(3200);
    await Promise.all([
      first.getByRole('button', { name: 'Ask the API' }).click(),
      second.getByRole('button', { name: 'Ask the API' }).click(),
    ]);
    await sees(first, 'me', `"username": "${username}"`);
    await sees(second, 'me', `"username": "${username}"`);
    expect(refreshes).toHaveLength(1);

    await first.getByRole('button', { name: 'Log out', exact: true }).click();
    await second.locator('#state', { hasText: 'another tab logged out' }).waitFor();
    await second.screenshot({ path: join(OUTPUT, '4-second-tab-told.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('turns TOTP on with the QR code it draws on a canvas (no data: image), logs in with a code, steps up and turns it off with recovery codes', async () => {
    const username = `mfa-${Date.now().toString(36)}`;
    const password = 'a long demo passphrase';
    const page = await device('authenticator');
    await registers(page, username, password);
    await logIn(page, username, password);

    const mfa = page.locator('#mfa');
    await mfa.locator('form[data-step="begin"]').getByLabel('Current password').fill(password);
    await mfa.getByRole('button', { name: 'Start enrolment' }).click();
    await sees(page, 'mfa', 'Scan the QR code');
    const uri = (await mfa.locator('.uri').textContent()) ?? '';
    const secret = (await mfa.locator('.secret').textContent()) ?? '';
    expect(uri).toContain(`secret=${secret}`);

    // The canvas shows exactly the QR code of the URI: each module's centre is dark where the
    // symbol's is, inside the standard's quiet zone of 4 white modules.
    const { modules } = create(uri, { errorCorrectionLevel: 'M' });
    const drawn = await page.locator('#mfa canvas').evaluate(
      (element, { size, zone }) => {
        const canvas = element as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
          } | null;
        };
        const scale = canvas.width / (size + 2 * zone);
        const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
        const dark: boolean[] = [];
        for (let row = 0; row < size; row += 1) {
          for (let column = 0; column < size; column += 1) {
            const x = Math.floor((zone + column + 0.5) * scale);
            const y = Math.floor((zone + row + 0.5) * scale);
            dark.push((pixels?.data[(y * canvas.width + x) * 4] ?? 255) < 128);
          }
        }
        return { dark, scale, corner: pixels?.data[0] };
      },
      { size: modules.size, zone: 4 },
    );
    expect(Number.isInteger(drawn.scale)).toBe(true);
    // The quiet zone is white.
    expect(drawn.corner).toBe(255);
    expect(drawn.dark).toEqual(Array.from(modules.data, (bit) => bit === 1));
    await page.screenshot({ path: join(OUTPUT, '5-mfa-qr-code.png'), fullPage: true });

    const code = totpCode(Secret.fromBase32(secret).bytes, timeStep(new Date()));
    await mfa.getByLabel('Code from the app').fill(code);
    await mfa.getByRole('button', { name: 'Turn TOTP on' }).click();
    await sees(page, 'mfa', 'TOTP is on');
    const recoveryCodes = await mfa.locator('.recovery-codes li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await expect(mfa.locator('.enrolment').isHidden()).resolves.toBe(true);
    await page.screenshot({ path: join(OUTPUT, '6-mfa-recovery-codes.png'), fullPage: true });

    // Log in again: the password is not enough any more; the code of the next step completes it
    // (the confirmation used this one, and each step works once).
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await sees(page, 'logout', 'Logged out');
    const login = page.locator('#login');
    await login.getByLabel('Username').fill(username);
    await login.getByLabel('Password').fill(password);
    await login.getByRole('button', { name: 'Log in' }).click();
    await sees(page, 'login', 'Password accepted');
    // No session yet: the password alone opened none.
    await page.locator('#state', { hasText: 'Session ended: logged out' }).waitFor();
    await login
      .getByLabel('Code')
      .fill(totpCode(Secret.fromBase32(secret).bytes, timeStep(new Date()) + 1));
    await page.screenshot({ path: join(OUTPUT, '7-mfa-login-code.png'), fullPage: true });
    await login.getByRole('button', { name: 'Verify' }).click();
    await sees(page, 'login', 'Logged in');
    await page.locator('#state', { hasText: 'Signed in' }).waitFor();
    await expect(login.locator('form[data-step="code"]').isHidden()).resolves.toBe(true);

    // Step up this session with a recovery code: its new token says so.
    const stepUp = mfa.locator('form[data-step="step-up"]');
    await stepUp.getByLabel('Code or recovery code').fill(recoveryCodes[0] ?? '');
    await stepUp.getByRole('button', { name: 'Step up' }).click();
    await sees(page, 'mfa', 'carries amr pwd,mfa');

    const remove = mfa.locator('form[data-step="remove"]');
    await remove.getByLabel('Current password').fill(password);
    await remove.getByLabel('Code or recovery code to turn it off').fill(recoveryCodes[1] ?? '');
    await remove.getByRole('button', { name: 'Turn TOTP off' }).click();
    await sees(page, 'mfa', 'TOTP is off');
    expect(pageErrors).toEqual([]);
  });
});
