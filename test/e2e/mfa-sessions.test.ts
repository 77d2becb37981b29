/**
 * End to end over `npm start`: the second factor's codes and sessions, beside
 * the login flow of `mfa.test.ts`. Codes computed with otpauth from the
 * returned secret: a TOTP code and a recovery code each work once; a step-up
 * with a TOTP code; turning the factor on and off ends the other sessions.
 *
 * The server runs on the wall clock: each code is for a time step after the
 * last one used and within the one step of drift allowed either way, so
 * three codes fit in one 30-second window and nothing waits.
 */
import { Secret, TOTP } from 'otpauth';
import { type ApiClient, expectInvalidToken, servedTarget, type Tokens } from './client';

const STEP_SECONDS = 30;

/** The claims of a JWT, unchecked. */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    amr?: string[];
    sid: string;
  };

/** Codes of `secret`, each for a later step than the last, never outside the drift window. */
function authenticator(secret: string) {
  const totp = new TOTP({ secret: Secret.fromBase32(secret) });
  let last = 0;
  return () => {
    const now = Math.floor(Date.now() / 1000 / STEP_SECONDS);
    const step = Math.max(last + 1, now - 1);
    if (step > now + 1) throw new Error('no unused step within the drift window');
    last = step;
    return totp.generate({ timestamp: step * STEP_SECONDS * 1000 });
  };
}

async function enrolled(api: ApiClient) {
  const user = await api.register();
  const enrolling = await api.login(user);
  const other = await api.login(user);
  const began = await api.call('POST', '/auth/mfa/totp', {
    token: enrolling.access_token,
    body: { current_password: user.password },
  });
  expect(began.status).toBe(200);
  const { secret } = began.json as { secret: string };
  const nextCode = authenticator(secret);
  const confirmed = await api.call('POST', '/auth/mfa/totp/confirm', {
    token: enrolling.access_token,
    body: { code: nextCode() },
  });
  expect(confirmed.status).toBe(200);
  const { recovery_codes } = confirmed.json as { recovery_codes: string[] };
  return { user, enrolling, other, nextCode, recoveryCodes: recovery_codes };
}

async function mfaToken(api: ApiClient, user: { username: string; password: string }) {
  const challenged = await api.call('POST', '/auth/login', {
    body: { username: user.username, password: user.password },
  });
  expect(challenged.status).toBe(403);
  expect(challenged.json).toMatchObject({ error: 'mfa_required', mfa_token: expect.any(String) });
  return (challenged.json as { mfa_token: string }).mfa_token;
}

describe('npm start: the second factor’s codes and sessions', () => {
  const { api } = servedTarget('npm start');

  it('turns TOTP on (ending the other session), then logs in with a code once: amr pwd, otp, mfa', async () => {
    const { user, enrolling, other, nextCode } = await enrolled(api());
    expectInvalidToken(await api().me(other.access_token));
    expect((await api().me(enrolling.access_token)).status).toBe(200);

    const token = await mfaToken(api(), user);
    const code = nextCode();
    const verified = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: token, code },
    });
    expect(verified.status).toBe(200);
    const tokens = verified.json as Tokens;
    expect(claimsOf(tokens.access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect((await api().me(tokens.access_token)).status).toBe(200);

    // The token is used up, and the code was accepted once.
    const again = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: token, code },
    });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_grant' });
    const reused = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: await mfaToken(api(), user), code },
    });
    expect(reused.status).toBe(401);
    expect(reused.json).toMatchObject({ error: 'invalid_credentials' });

    // A refresh keeps how the user signed in.
    const refreshed = await api().refresh(tokens.refresh_token);
    expect(claimsOf((refreshed.json as Tokens).access_token).amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('takes a recovery code once in place of the code: amr pwd, mfa', async () => {
    const { user, recoveryCodes } = await enrolled(api());
    const code = recoveryCodes[0] as string;

    const verified = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: await mfaToken(api(), user), code },
    });
    expect(verified.status).toBe(200);
    expect(claimsOf((verified.json as Tokens).access_token).amr).toEqual(['pwd', 'mfa']);

    const reused = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: await mfaToken(api(), user), code },
    });
    expect(reused.status).toBe(401);
  });

  it('steps a password session up: same session, new pair with amr pwd, otp, mfa; the old token refused', async () => {
    const { enrolling, nextCode } = await enrolled(api());
    expect(claimsOf(enrolling.access_token).amr).toEqual(['pwd']);

    const stepped = await api().call('POST', '/auth/mfa/step-up', {
      token: enrolling.access_token,
      body: { code: nextCode() },
    });

    expect(stepped.status).toBe(200);
    const tokens = stepped.json as Tokens;
    expect(claimsOf(tokens.access_token)).toMatchObject({
      sid: claimsOf(enrolling.access_token).sid,
      amr: ['pwd', 'otp', 'mfa'],
    });
    expectInvalidToken(await api().me(enrolling.access_token));
    expect((await api().me(tokens.access_token)).status).toBe(200);
  });

  it('turns TOTP off with the password and a code, ending the other sessions; login is one step again', async () => {
    const { user, enrolling, nextCode } = await enrolled(api());
    const verified = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: await mfaToken(api(), user), code: nextCode() },
    });
    const mfaSession = verified.json as Tokens;

    const removed = await api().call('DELETE', '/auth/mfa/totp', {
      token: enrolling.access_token,
      body: { current_password: user.password, code: nextCode() },
    });

    expect(removed.status).toBe(204);
    expectInvalidToken(await api().me(mfaSession.access_token));
    expect((await api().me(enrolling.access_token)).status).toBe(200);
    expect(claimsOf((await api().login(user)).access_token).amr).toEqual(['pwd']);
  });
});
