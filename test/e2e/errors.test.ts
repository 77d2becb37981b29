/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): bad
 * requests get the API's JSON errors, `{"error", "message"}`, and never a
 * stack trace; those API Gateway answers itself come from its gateway responses.
 */
import { E2E_TARGETS } from '../support/server-process';
import { type ApiResponse, servedTarget } from './client';

function expectError(response: ApiResponse, status: number, error: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.json).toEqual({ error, message: expect.any(String) });
  expect(response.text).not.toMatch(/\n\s+at /);
}

describe.each(E2E_TARGETS)('error responses (%s)', (target) => {
  const { api } = servedTarget(target);

  it('returns 400 invalid_request for malformed JSON', async () => {
    expectError(
      await api().call('POST', '/auth/register', { body: '{"username": "alice",' }),
      400,
      'invalid_request',
    );
    expectError(
      await api().call('POST', '/auth/login', { body: 'not json' }),
      400,
      'invalid_request',
    );
  });

  it('returns 400 invalid_request for missing fields', async () => {
    expectError(
      await api().call('POST', '/auth/register', { body: { username: 'alice' } }),
      400,
      'invalid_request',
    );
    expectError(await api().call('POST', '/auth/login', { body: {} }), 400, 'invalid_request');
    expectError(await api().call('POST', '/auth/refresh', { body: {} }), 400, 'invalid_request');
  });

  it('returns 400 invalid_request for a logout without any token', async () => {
    expectError(await api().call('POST', '/auth/logout', { body: {} }), 400, 'invalid_request');
  });

  it('returns 400 invalid_request for a body too large', async () => {
    const huge = { username: 'alice', password: 'x'.repeat(2 * 1024 * 1024) };

    expectError(await api().call('POST', '/auth/login', { body: huge }), 400, 'invalid_request');
  });

  it('returns 404 not_found for an unknown route and for a known path with another method', async () => {
    expectError(await api().call('GET', '/auth/nowhere'), 404, 'not_found');
    expectError(await api().call('GET', '/auth/login'), 404, 'not_found');
  });

  it('returns 401 invalid_token with the Bearer challenge for a protected route without a token', async () => {
    const response = await api().call('GET', '/auth/me');

    expectError(response, 401, 'invalid_token');
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('returns 401 invalid_token for a header that cannot be a bearer JWT (the validation expression)', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d']) {
      const response = await api().call('GET', '/auth/me', { token });

      expectError(response, 401, 'invalid_token');
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
  });
});
