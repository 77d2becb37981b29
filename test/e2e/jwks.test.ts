/**
 * End to end, against `npm start` and the rehearsal (E2E_TARGETS): another
 * service can verify our access tokens from `/.well-known/jwks.json` with
 * nothing but `node:crypto` (no jose, no project code), and the key published
 * is the one that signs: the local key file, or the KMS (stand-in) key, or
 * in envelope signing mode (`npm run test:rehearse:envelope`) the key pair
 * KMS generated at deploy time, beside the KMS key it still trusts.
 */
import { createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { E2E_TARGETS, ENVELOPE_SIGNING, signingPublicKey } from '../support/server-process';
import { servedTarget } from './client';

const decodeSegment = (segment: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));

/** A verifier written from RFC 7515/7518 alone: ES256 = ECDSA P-256 SHA-256 over `header.payload`, raw r‖s. */
function verifyEs256(token: string, keys: JsonWebKey[]): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  const { alg, kid } = decodeSegment(header);
  if (alg !== 'ES256') return undefined;
  const jwk = keys.find((key) => key.kid === kid);
  if (!jwk) return undefined;
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature ?? '', 'base64url'),
  );
  return valid ? decodeSegment(payload) : undefined;
}

describe.each(E2E_TARGETS)('GET /.well-known/jwks.json (%s)', (target) => {
  const { api, server } = servedTarget(target);

  it('publishes a key that verifies an access token with node:crypto alone', async () => {
    const user = await api().register();
    const { access_token } = await api().login(user);

    const response = await api().call('GET', '/.well-known/jwks.json');

    expect(response.status).toBe(200);
    const { keys } = response.json as { keys: JsonWebKey[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toHaveProperty('d');
    expect(decodeSegment(access_token.split('.')[0])).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
    });
    const claims = verifyEs256(access_token, keys);
    expect(claims).toMatchObject({
      sub: user.userId,
      username: user.username,
      token_use: 'access',
      jti: expect.any(String),
      sid: expect.any(String),
    });
    expect(claims?.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('publishes a key that rejects an access token whose payload was altered', async () => {
    const user = await api().register();
    const { access_token } = await api().login(user);
    const { keys } = (await api().call('GET', '/.well-known/jwks.json')).json as {
      keys: JsonWebKey[];
    };
    const [header, payload, signature] = access_token.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...decodeSegment(payload), username: 'admin' }),
    ).toString('base64url');

    expect(verifyEs256(`${header}.${altered}.${signature}`, keys)).toBeUndefined();
    expect(verifyEs256(access_token, keys)).toBeDefined();
  });

  it('publishes the public half of the key that signs, and of each key it still trusts', async () => {
    const user = await api().register();
    const { access_token } = await api().login(user);
    const { keys } = (await api().call('GET', '/.well-known/jwks.json')).json as {
      keys: JsonWebKey[];
    };
    const kmsKey = (await signingPublicKey(target, server().dataDir)).export({ format: 'jwk' });
    const { kid } = decodeSegment(access_token.split('.')[0]);
    const signer = keys.find((key) => key.kid === kid);
    const point = (key: JsonWebKey | undefined) => ({ x: key?.x, y: key?.y });

    if (ENVELOPE_SIGNING) {
      // The pair KMS generated at deploy time signs; the KMS key stays trusted,
      // so that switching modes logs nobody out (docs/deploy.md).
      expect(keys).toHaveLength(2);
      expect(keys.map(point)).toContainEqual(point(kmsKey));
      expect(signer).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(point(signer)).not.toEqual(point(kmsKey));
    } else {
      expect(keys).toHaveLength(1);
      expect(signer).toMatchObject({ kty: 'EC', crv: 'P-256', x: kmsKey.x, y: kmsKey.y });
    }
  });
});
