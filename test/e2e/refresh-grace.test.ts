/**
 * End to end over HTTP against `npm start`: the refresh grace window. A storm
 * of concurrent refreshes with one token (tabs, retries) all get the one
 * successor pair and the session lives on; the same token replayed after the
 * window is reuse and ends the session. The server runs with a 4-second
 * window so the test does not wait the default 30.
 */
import { ENV } from '../../lambdas/config';
import { decodeJwt } from '../support/keys';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { type ApiClient, apiClient, expectInvalidToken, type Tokens } from './client';

// Wide enough that 20 concurrent refreshes on a busy machine all land inside it.
const GRACE_SECONDS = 4;

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({
    env: { [ENV.refreshGraceSeconds]: String(GRACE_SECONDS), [ENV.passwordHashCost]: '10' },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.stop();
});

const identity = (tokens: Tokens) => {
  const access = decodeJwt(tokens.access_token).payload;
  // An opaque refresh token is the same successor to the byte; a JWT one is re-signed.
  const refresh = tokens.refresh_token.startsWith('rt1.')
    ? tokens.refresh_token
    : decodeJwt(tokens.refresh_token).payload;
  return JSON.stringify({ access, refresh });
};

describe('refresh grace window', () => {
  it('answers 20 concurrent refreshes with one token 20 × 200 with one successor, and the session lives', async () => {
    const tokens = await api.login(await api.register());

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => api.refresh(tokens.refresh_token)),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const pairs = responses.map((response) => response.json as Tokens);
    expect(new Set(pairs.map(identity)).size).toBe(1);
    const successor = pairs[0] as Tokens;
    expect((await api.me(successor.access_token)).status).toBe(200);
    expectInvalidToken(await api.me(tokens.access_token));
    const next = await api.refresh(successor.refresh_token);
    expect(next.status).toBe(200);
    expect((await api.me((next.json as Tokens).access_token)).status).toBe(200);
  });

  it('revokes the session when the rotated token comes back after the window', async () => {
    const tokens = await api.login(await api.register());
    const successor = (await api.refresh(tokens.refresh_token)).json as Tokens;
    expect((await api.me(successor.access_token)).status).toBe(200);

    await new Promise((wait) => setTimeout(wait, GRACE_SECONDS * 1000 + 200));

    expectInvalidToken(await api.refresh(tokens.refresh_token));
    expectInvalidToken(await api.me(successor.access_token));
    expectInvalidToken(await api.refresh(successor.refresh_token));
  });
});
