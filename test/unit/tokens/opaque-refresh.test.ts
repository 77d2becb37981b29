/** The opaque refresh token format: what it carries, what it proves, what it refuses. */
import { randomBytes } from 'node:crypto';
import { InvalidTokenError } from '../../../lambdas/errors';
import {
  isOpaqueRefreshToken,
  mintOpaqueRefreshToken,
  randomNonce,
  readOpaqueRefreshToken,
  referenceOf,
  sameReference,
  successorNonce,
} from '../../../lambdas/tokens/opaque-refresh';

const key = randomBytes(32);
const NOW = 1_767_225_600;
const subject = { sub: 'user-1', sid: 'session-1', exp: NOW + 3600 };

const reasonOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('opaque refresh tokens', () => {
  it('name their session and carry a 256-bit nonce and a 256-bit tag', () => {
    const nonce = randomNonce();
    const { token, jti } = mintOpaqueRefreshToken(key, { ...subject, nonce });

    const [prefix, sub, sid, exp, secret = ''] = token.split('.');
    expect([prefix, sub, sid, exp]).toEqual(['rt1', 'user-1', 'session-1', String(NOW + 3600)]);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(64);
    expect(Buffer.from(secret, 'base64url').subarray(0, 32)).toEqual(Buffer.from(nonce));
    expect(jti).toBe(referenceOf(nonce));
    expect(isOpaqueRefreshToken(token)).toBe(true);
  });

  it('read back as their claims, with the reference in place of a jti', () => {
    const { token, jti } = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() });

    expect(readOpaqueRefreshToken(key, token, { now: NOW })).toEqual({
      token_use: 'refresh',
      format: 'opaque',
      sub: 'user-1',
      sid: 'session-1',
      jti,
      exp: NOW + 3600,
    });
  });

  it('refuse any change of session, expiry or nonce, and another key', () => {
    const { token } = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() });
    const [prefix, , sid, exp, secret = ''] = token.split('.');
    const flipped = `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;

    const read =
      (candidate: string, with_ = key) =>
      () =>
        readOpaqueRefreshToken(with_, candidate, { now: NOW });
    expect(reasonOf(read(`${prefix}.user-2.${sid}.${exp}.${secret}`))).toBe('bad_signature');
    expect(reasonOf(read(`${prefix}.user-1.session-2.${exp}.${secret}`))).toBe('bad_signature');
    expect(reasonOf(read(`${prefix}.user-1.${sid}.${NOW + 7200}.${secret}`))).toBe('bad_signature');
    expect(reasonOf(read(`${prefix}.user-1.${sid}.${exp}.${flipped}`))).toBe('bad_signature');
    expect(reasonOf(read(token, randomBytes(32)))).toBe('bad_signature');
  });

  it.each([
    ['another version', (token: string) => token.replace(/^rt1\./, 'rt2.')],
    ['a missing part', (token: string) => token.split('.').slice(0, 4).join('.')],
    ['an extra part', (token: string) => `${token}.x`],
    ['a short secret', (token: string) => token.slice(0, -2)],
    ['a non-numeric exp', (token: string) => token.replace(/\.\d+\./, '.12a.')],
    ['a non-base64url id', (token: string) => token.replace('user-1', 'user/1')],
  ])('refuse %s as malformed', (_, mangle) => {
    const { token } = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() });
    expect(reasonOf(() => readOpaqueRefreshToken(key, mangle(token), { now: NOW }))).toBe(
      'malformed',
    );
  });

  it('expire at exp (plus the clock tolerance), unless the caller accepts an expired one', () => {
    const { token } = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() });
    const later = NOW + 3600 + 5;

    expect(reasonOf(() => readOpaqueRefreshToken(key, token, { now: later - 1 }))).toBe('accepted');
    expect(reasonOf(() => readOpaqueRefreshToken(key, token, { now: later }))).toBe('expired');
    expect(
      reasonOf(() => readOpaqueRefreshToken(key, token, { now: later, allowExpired: true })),
    ).toBe('accepted');
  });

  it('derive one successor per presented token, different for every token and key', () => {
    const a = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() }).token;
    const b = mintOpaqueRefreshToken(key, { ...subject, nonce: randomNonce() }).token;

    expect(successorNonce(key, a)).toEqual(successorNonce(key, a));
    expect(successorNonce(key, a)).not.toEqual(successorNonce(key, b));
    expect(successorNonce(key, a)).not.toEqual(successorNonce(randomBytes(32), a));
    expect(successorNonce(key, a)).toHaveLength(32);
  });

  it('compare references exactly', () => {
    const reference = referenceOf(randomNonce());
    expect(sameReference(reference, reference)).toBe(true);
    expect(sameReference(reference, `${reference.slice(0, -1)}x`)).toBe(false);
    expect(sameReference(reference, reference.slice(0, 22))).toBe(false);
    expect(sameReference(reference, undefined)).toBe(false);
  });
});
