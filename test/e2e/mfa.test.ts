/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): the
 * second factor over HTTP. Enrolment (against the rehearsal: the KMS
 * stand-in's Encrypt and Decrypt under the TOTP key, from the bundles), then
 * a login that answers 403 mfa_required, the verify that answers the pair,
 * and the `amr` the access token carries: after a TOTP code, after a
 * recovery code, through a refresh, and after a step-up; and the same
 * through the project's client (`client/`).
 */
import { Secret } from 'otpauth';
import { createAuthClient, MfaRequiredError } from '../../client';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { decodeJwt } from '../support/keys';
import { E2E_TARGETS } from '../support/server-process';
import { expectInvalidToken, servedTarget, type Tokens } from './client';

const amrOf = (tokens: Tokens) => decodeJwt(tokens.access_token).payload.amr;
const sidOf = (tokens: Tokens) => decodeJwt(tokens.access_token).payload.sid;

describe.each(E2E_TARGETS)('the second factor end to end (%s)', (target) => {
  const { api, server } = servedTarget(target);

  it('enrols, then login answers mfa_required and verify the pair, whose amr says which factor; refresh and step-up keep it', async () => {
    const user = await api().register();
    const first = await api().login(user);
    expect(amrOf(first)).toEqual(['pwd']);

    // Enrolment, from the first session.
    const began = await api().call('POST', '/auth/mfa/totp', {
      token: first.access_token,
      body: { current_password: user.password },
    });
    expect(began.status).toBe(200);
    const { secret, otpauth_uri } = began.json as { secret: string; otpauth_uri: string };
    expect(otpauth_uri).toContain(`secret=${secret}`);
    const bytes = Secret.fromBase32(secret).bytes;
    const step = timeStep(new Date());
    const confirmed = await api().call('POST', '/auth/mfa/totp/confirm', {
      token: first.access_token,
      body: { code: totpCode(bytes, step) },
    });
    expect(confirmed.status).toBe(200);
    const recoveryCodes = (confirmed.json as { recovery_codes: string[] }).recovery_codes;
    expect(recoveryCodes).toHaveLength(10);

    // The password alone opens no session now.
    const challenged = await api().call('POST', '/auth/login', {
      body: { username: user.username, password: user.password },
    });
    expect(challenged.status).toBe(403);
    expect(challenged.json).toEqual({
      error: 'mfa_required',
      message: expect.any(String),
      mfa_token: expect.any(String),
    });
    const { mfa_token } = challenged.json as { mfa_token: string };

    // A wrong code is refused and the token lives on; the next step's code completes the login
    // (the confirmation spent this step's).
    const wrongCode = totpCode(bytes, step + 1) === '000000' ? '111111' : '000000';
    const wrong = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token, code: wrongCode },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: 'invalid_credentials' });
    const verified = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token, code: totpCode(bytes, step + 1) },
    });
    expect(verified.status).toBe(200);
    const withOtp = verified.json as Tokens;
    expect(amrOf(withOtp)).toEqual(['pwd', 'otp', 'mfa']);
    expect((await api().me(withOtp.access_token)).status).toBe(200);
    // The token is used up.
    const again = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token, code: recoveryCodes[0] },
    });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_grant' });

    // A refresh keeps the amr.
    const refreshed = await api().refresh(withOtp.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(amrOf(refreshed.json as Tokens)).toEqual(['pwd', 'otp', 'mfa']);

    // A recovery code in place of the code: once.
    const second = await api().call('POST', '/auth/login', {
      body: { username: user.username, password: user.password },
    });
    const withRecovery = await api().call('POST', '/auth/mfa/verify', {
      body: { mfa_token: (second.json as { mfa_token: string }).mfa_token, code: recoveryCodes[0] },
    });
    expect(withRecovery.status).toBe(200);
    expect(amrOf(withRecovery.json as Tokens)).toEqual(['pwd', 'mfa']);

    // The enrolling session (amr pwd) steps up with another recovery code: same session, new pair.
    const steppedUp = await api().call('POST', '/auth/mfa/step-up', {
      token: first.access_token,
      body: { code: recoveryCodes[1] },
    });
    expect(steppedUp.status).toBe(200);
    const upgraded = steppedUp.json as Tokens;
    expect(amrOf(upgraded)).toEqual(['pwd', 'mfa']);
    expect(sidOf(upgraded)).toBe(sidOf(first));
    expect((await api().me(upgraded.access_token)).status).toBe(200);
    expectInvalidToken(await api().me(first.access_token));
  });

  it('works through the client: enrol, login rejects with MfaRequiredError, verifyMfa stores the pair, stepUp upgrades it', async () => {
    const user = await api().register();
    const client = createAuthClient({ baseUrl: server().url });
    await client.login(user);
    const { secret } = await client.beginTotp({ currentPassword: user.password });
    const bytes = Secret.fromBase32(secret).bytes;
    const step = timeStep(new Date());
    const { recovery_codes } = await client.confirmTotp(totpCode(bytes, step));
    const enrolled = await client.getAccessToken();

    const other = createAuthClient({ baseUrl: server().url });
    const refused = await other.login(user).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MfaRequiredError);
    expect(await other.isLoggedIn()).toBe(false);
    const { sessionId } = await other.verifyMfa(
      (refused as MfaRequiredError).mfaToken,
      totpCode(bytes, step + 1),
    );
    expect(sessionId).toEqual(expect.any(String));
    await expect(other.me()).resolves.toMatchObject({ username: user.username });
    expect(decodeJwt(await other.getAccessToken()).payload.amr).toEqual(['pwd', 'otp', 'mfa']);

    await client.stepUp(recovery_codes[0] ?? '');
    const upgraded = await client.getAccessToken();
    expect(decodeJwt(upgraded).payload.amr).toEqual(['pwd', 'mfa']);
    expect(decodeJwt(upgraded).payload.sid).toBe(decodeJwt(enrolled).payload.sid);
    await expect(client.me()).resolves.toMatchObject({ username: user.username });
    expectInvalidToken(await api().me(enrolled));
  });
});
