/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): one token
 * life through login, the authorizer, refresh and logout. Against the
 * rehearsal this runs the bundled functions with the template's environment,
 * the KMS signer on the KMS protocol, and the authorizer from its bundle.
 */
import { E2E_TARGETS } from '../support/server-process';
import { expectInvalidToken, servedTarget, type Tokens } from './client';

describe.each(E2E_TARGETS)('a token from login to logout (%s)', (target) => {
  const { api } = servedTarget(target);

  it('logs in, passes the authorizer, rotates on refresh and is refused after logout', async () => {
    const user = await api().register();
    const first = await api().login(user);
    expect(first).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });

    const me = await api().me(first.access_token);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user_id: user.userId, username: user.username });

    const refreshed = await api().refresh(first.refresh_token);
    expect(refreshed.status).toBe(200);
    const second = refreshed.json as Tokens;
    // The authorizer refuses the rotated access token: revoked in the store.
    expectInvalidToken(await api().me(first.access_token));
    expect((await api().me(second.access_token)).status).toBe(200);

    const logout = await api().call('POST', '/auth/logout', { token: second.access_token });
    expect(logout.status).toBe(204);
    expectInvalidToken(await api().me(second.access_token));
    expectInvalidToken(await api().refresh(second.refresh_token));
  });

  it('refuses a token that is not ours in the authorizer with the gateway 401', async () => {
    expectInvalidToken(await api().me('not-a-jwt'));
    expectInvalidToken(await api().call('GET', '/auth/sessions', { token: 'a.b.c' }));
  });
});
