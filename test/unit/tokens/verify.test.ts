import { type KeyObject, sign } from 'node:crypto';
import { InvalidTokenError } from '../../../lambdas/errors';
import { type PublicKeySource, staticKeySet, toPublicJwk } from '../../../lambdas/signing/signer';
import type { TokenUse } from '../../../lambdas/tokens/claims';
import { createTokenVerifier, type VerifyOptions } from '../../../lambdas/tokens/verify';
import { createJoseTokenVerifier } from '../../support/jose-verifier';
import { FROZEN_NOW, forgeJwt, frozenClock, generateP256, TEST_SETTINGS } from '../../support/keys';

/**
 * The node:crypto verifier against the jose verifier it replaced, case by
 * case: the same answer (the same claims, or a refusal with the same reason)
 * for every token below; then the cases where it is deliberately stricter.
 */

const NOW = FROZEN_NOW.getTime() / 1000;
const TTL = TEST_SETTINGS.refreshTokenTtlSeconds;
const ours = generateP256();
const theirs = generateP256();

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));

let kid: string;
let source: PublicKeySource;

beforeAll(async () => {
  const jwk = await toPublicJwk(ours.publicKey.export({ format: 'jwk' }));
  kid = jwk.kid;
  source = { publicKey: async () => jwk };
});

function claims(use: TokenUse = 'access', overrides: Record<string, unknown> = {}) {
  const base: Record<string, unknown> = {
    iss: TEST_SETTINGS.issuer,
    aud: TEST_SETTINGS.audience,
    sub: 'user-1',
    sid: 'session-1',
    jti: 'AAAAAAAAAAAAAAAAAAAAAA',
    iat: NOW,
    exp: NOW + 600,
    token_use: use,
    ...(use === 'access' ? { username: 'alice' } : {}),
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

const header = (overrides: Record<string, unknown> = {}) => ({
  alg: 'ES256',
  typ: 'at+jwt',
  kid,
  ...overrides,
});

/** Signs the two raw segments as given, with our key (or another), and appends `suffix`. */
function signRaw(encodedHeader: string, encodedPayload: string, key: KeyObject = ours.privateKey) {
  const input = `${encodedHeader}.${encodedPayload}`;
  const signature = sign('sha256', Buffer.from(input, 'latin1'), {
    key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${b64(signature)}`;
}

const signed = (h: Record<string, unknown>, c: Record<string, unknown>) =>
  signRaw(json(h), json(c));

interface Case {
  token: () => string;
  use?: TokenUse;
  /** Seconds after NOW at which the token is verified. */
  at?: number;
  options?: VerifyOptions;
}

type Outcome = { ok: Record<string, unknown> } | { reason: string };

async function outcome(
  verify: (token: string, use: TokenUse, options?: VerifyOptions) => Promise<unknown>,
  { token, use = 'access', options }: Case,
): Promise<Outcome> {
  try {
    return { ok: (await verify(token(), use, options)) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { reason: error.reason };
    throw error;
  }
}

function verifiers(at = 0) {
  const clock = at === 0 ? frozenClock : () => new Date((NOW + at) * 1000);
  const deps = { keys: source, settings: TEST_SETTINGS, clock };
  return { old: createJoseTokenVerifier(deps), current: createTokenVerifier(deps) };
}

const valid = () => signed(header(), claims());
const swapSignature = (token: string, signature: string) =>
  `${token.slice(0, token.lastIndexOf('.'))}.${signature}`;

const SAME: [string, Case, string][] = [
  ['a valid access token', { token: valid }, 'ok'],
  [
    'a valid refresh token',
    { token: () => signed(header({ typ: 'refresh+jwt' }), claims('refresh')), use: 'refresh' },
    'ok',
  ],
  [
    'an access token where a refresh token is expected',
    { token: valid, use: 'refresh' },
    'wrong_type',
  ],
  ['an empty string', { token: () => '' }, 'missing'],
  ['an overlong token', { token: () => `${'a'.repeat(5000)}.b.c` }, 'malformed'],
  ['two segments', { token: () => valid().split('.').slice(0, 2).join('.') }, 'malformed'],
  ['four segments', { token: () => `${valid()}.x` }, 'malformed'],
  ['a header that is not base64url', { token: () => signRaw('!!!', json(claims())) }, 'malformed'],
  ['a header that is not JSON', { token: () => signRaw(b64('{alg'), json(claims())) }, 'malformed'],
  [
    'a header that is a JSON array',
    { token: () => signRaw(json([header()]), json(claims())) },
    'malformed',
  ],
  ['a header that is JSON null', { token: () => signRaw(json(null), json(claims())) }, 'malformed'],
  [
    'a header that is not UTF-8',
    { token: () => signRaw(b64(Buffer.from([0x7b, 0xff, 0x7d])), json(claims())) },
    'malformed',
  ],
  ['alg none', { token: () => forgeJwt(header(), claims(), { alg: 'none' }) }, 'bad_algorithm'],
  [
    'HS256 keyed with the public key',
    { token: () => forgeJwt(header(), claims(), { alg: 'HS256', secret: JSON.stringify(source) }) },
    'bad_algorithm',
  ],
  ['no alg', { token: () => signed(header({ alg: undefined }), claims()) }, 'malformed'],
  ['an empty alg', { token: () => signed(header({ alg: '' }), claims()) }, 'malformed'],
  ['a numeric alg', { token: () => signed(header({ alg: 256 }), claims()) }, 'malformed'],
  ['alg RS256', { token: () => signed(header({ alg: 'RS256' }), claims()) }, 'bad_algorithm'],
  ['alg ES384', { token: () => signed(header({ alg: 'ES384' }), claims()) }, 'bad_algorithm'],
  [
    'alg es256 (case)',
    { token: () => signed(header({ alg: 'es256' }), claims()) },
    'bad_algorithm',
  ],
  [
    'an unknown critical extension',
    { token: () => signed(header({ crit: ['exp'], exp: 1 }), claims()) },
    'bad_algorithm',
  ],
  ['an empty crit', { token: () => signed(header({ crit: [] }), claims()) }, 'malformed'],
  [
    'a crit that is not an array',
    { token: () => signed(header({ crit: 'b64' }), claims()) },
    'malformed',
  ],
  [
    'a crit with an empty name',
    { token: () => signed(header({ crit: [''] }), claims()) },
    'malformed',
  ],
  [
    'crit b64 without b64',
    { token: () => signed(header({ crit: ['b64'] }), claims()) },
    'malformed',
  ],
  [
    'crit b64 with a string b64',
    { token: () => signed(header({ crit: ['b64'], b64: 'no' }), claims()) },
    'malformed',
  ],
  [
    'an unencoded payload (b64 false)',
    { token: () => signed(header({ crit: ['b64'], b64: false }), claims()) },
    'malformed',
  ],
  [
    'crit b64 with b64 true',
    { token: () => signed(header({ crit: ['b64'], b64: true }), claims()) },
    'ok',
  ],
  [
    'an unknown kid',
    { token: () => signed(header({ kid: 'someone-else' }), claims()) },
    'unknown_key',
  ],
  ['no kid', { token: () => signed(header({ kid: undefined }), claims()) }, 'unknown_key'],
  ['a numeric kid', { token: () => signed(header({ kid: 7 }), claims()) }, 'unknown_key'],
  [
    'a kid from the prototype',
    { token: () => signed(header({ kid: 'constructor' }), claims()) },
    'unknown_key',
  ],
  [
    'a signature by another key',
    { token: () => signRaw(json(header()), json(claims()), theirs.privateKey) },
    'bad_signature',
  ],
  [
    'a tampered payload',
    {
      token: () => {
        const [h, , s] = valid().split('.');
        return `${h}.${json(claims('access', { sub: 'admin' }))}.${s}`;
      },
    },
    'bad_signature',
  ],
  ['a truncated signature', { token: () => valid().slice(0, -2) }, 'bad_signature'],
  ['an empty signature', { token: () => swapSignature(valid(), '') }, 'bad_signature'],
  [
    'a zero signature',
    { token: () => swapSignature(valid(), b64(Buffer.alloc(64))) },
    'bad_signature',
  ],
  [
    'a DER signature',
    { token: () => swapSignature(valid(), b64(sign('sha256', Buffer.from('x'), ours.privateKey))) },
    'bad_signature',
  ],
  [
    'a signature that is not base64url',
    { token: () => swapSignature(valid(), 'a+b/') },
    'malformed',
  ],
  [
    'a payload with a non-ASCII character',
    { token: () => signRaw(json(header()), `${json(claims())}é`) },
    'malformed',
  ],
  [
    'a payload that is not base64url',
    { token: () => signRaw(json(header()), 'ab+c') },
    'malformed',
  ],
  [
    'a payload that is not JSON',
    { token: () => signRaw(json(header()), b64('{sub')) },
    'malformed',
  ],
  [
    'a payload that is a JSON array',
    { token: () => signRaw(json(header()), json([claims()])) },
    'malformed',
  ],
  [
    'a payload that is a JSON string',
    { token: () => signRaw(json(header()), json('claims')) },
    'malformed',
  ],
  [
    'a payload that is not UTF-8',
    { token: () => signRaw(json(header()), b64(Buffer.from([0x7b, 0xc3, 0x7d]))) },
    'malformed',
  ],
  ['no typ', { token: () => signed(header({ typ: undefined }), claims()) }, 'wrong_type'],
  ['typ JWT', { token: () => signed(header({ typ: 'JWT' }), claims()) }, 'wrong_type'],
  ['a numeric typ', { token: () => signed(header({ typ: 1 }), claims()) }, 'wrong_type'],
  ['typ AT+JWT (case)', { token: () => signed(header({ typ: 'AT+JWT' }), claims()) }, 'ok'],
  [
    'typ application/at+jwt',
    { token: () => signed(header({ typ: 'application/at+jwt' }), claims()) },
    'ok',
  ],
  [
    'no iss',
    { token: () => signed(header(), claims('access', { iss: undefined })) },
    'claim_invalid',
  ],
  [
    'a wrong iss',
    { token: () => signed(header(), claims('access', { iss: 'https://evil.test' })) },
    'claim_invalid',
  ],
  [
    'no aud',
    { token: () => signed(header(), claims('access', { aud: undefined })) },
    'claim_invalid',
  ],
  [
    'a wrong aud',
    { token: () => signed(header(), claims('access', { aud: 'other' })) },
    'claim_invalid',
  ],
  [
    'an aud list with ours',
    { token: () => signed(header(), claims('access', { aud: ['other', TEST_SETTINGS.audience] })) },
    'ok',
  ],
  [
    'an aud list without ours',
    { token: () => signed(header(), claims('access', { aud: ['other'] })) },
    'claim_invalid',
  ],
  [
    'no iat',
    { token: () => signed(header(), claims('access', { iat: undefined })) },
    'not_yet_valid',
  ],
  [
    'a string iat',
    { token: () => signed(header(), claims('access', { iat: String(NOW) })) },
    'not_yet_valid',
  ],
  [
    'an iat in the future',
    { token: () => signed(header(), claims('access', { iat: NOW + 60, exp: NOW + 600 })) },
    'not_yet_valid',
  ],
  [
    'an iat within the clock tolerance',
    { token: () => signed(header(), claims('access', { iat: NOW + 5 })) },
    'ok',
  ],
  [
    'an iat older than a session',
    { token: () => signed(header(), claims('access', { iat: NOW - TTL - 60 })) },
    'expired',
  ],
  [
    'no exp',
    { token: () => signed(header(), claims('access', { exp: undefined })) },
    'claim_invalid',
  ],
  [
    'a string exp',
    { token: () => signed(header(), claims('access', { exp: String(NOW + 600) })) },
    'claim_invalid',
  ],
  ['an expired token', { token: valid, at: 606 }, 'expired'],
  ['a token expired within the tolerance', { token: valid, at: 604 }, 'ok'],
  [
    'an expired token with allowExpired',
    { token: valid, at: 700, options: { allowExpired: true } },
    'ok',
  ],
  [
    'a tampered expired token with allowExpired',
    {
      token: () => {
        const [h, , s] = valid().split('.');
        return `${h}.${json(claims('access', { sub: 'x' }))}.${s}`;
      },
      at: 700,
      options: { allowExpired: true },
    },
    'bad_signature',
  ],
  [
    'an nbf in the future',
    { token: () => signed(header(), claims('access', { nbf: NOW + 60 })) },
    'not_yet_valid',
  ],
  [
    'an nbf in the past',
    { token: () => signed(header(), claims('access', { nbf: NOW - 60 })) },
    'ok',
  ],
  [
    'a string nbf',
    { token: () => signed(header(), claims('access', { nbf: 'now' })) },
    'not_yet_valid',
  ],
  [
    'no jti',
    { token: () => signed(header(), claims('access', { jti: undefined })) },
    'claim_invalid',
  ],
  [
    'no sid',
    { token: () => signed(header(), claims('access', { sid: undefined })) },
    'claim_invalid',
  ],
  [
    'no sub',
    { token: () => signed(header(), claims('access', { sub: undefined })) },
    'claim_invalid',
  ],
  [
    'a null jti',
    { token: () => signed(header(), claims('access', { jti: null })) },
    'claim_invalid',
  ],
  [
    'an empty sid',
    { token: () => signed(header(), claims('access', { sid: '' })) },
    'claim_invalid',
  ],
  [
    'a numeric sub',
    { token: () => signed(header(), claims('access', { sub: 42 })) },
    'claim_invalid',
  ],
  [
    'no username',
    { token: () => signed(header(), claims('access', { username: undefined })) },
    'claim_invalid',
  ],
  [
    'no token_use',
    { token: () => signed(header(), claims('access', { token_use: undefined })) },
    'wrong_type',
  ],
  [
    'token_use refresh in an at+jwt',
    { token: () => signed(header(), claims('access', { token_use: 'refresh' })) },
    'wrong_type',
  ],
];

describe('createTokenVerifier, equivalence with the jose verifier it replaced', () => {
  it.each(SAME)('answers %s like jose did (%#)', async (_name, testCase, expected) => {
    const { old, current } = verifiers(testCase.at);

    const before = await outcome(old.verify, testCase);
    const now = await outcome(current.verify, testCase);

    expect(now).toEqual(before);
    expect('ok' in now ? 'ok' : now.reason).toBe(expected);
  });
});

/** Claims encoded with `=` padding: a username chosen so that there is some. */
function paddedPayload(): string {
  for (const username of ['alice', 'alice1', 'alice12']) {
    const encoded = json(claims('access', { username }));
    if (encoded.length % 4 !== 0) return encoded + '='.repeat(4 - (encoded.length % 4));
  }
  throw new Error('unreachable');
}

/** Cases jose let through: correctly signed, but absurd or not strictly encoded. */
const STRICTER: [string, Case, string][] = [
  // exp: 1e308 made GET /auth/me answer 500 (an Invalid Date has no ISO string).
  [
    'exp 1e308',
    { token: () => signed(header(), claims('access', { exp: 1e308 })) },
    'claim_invalid',
  ],
  [
    'a fractional exp',
    { token: () => signed(header(), claims('access', { exp: NOW + 600.5 })) },
    'claim_invalid',
  ],
  [
    'a fractional iat',
    { token: () => signed(header(), claims('access', { iat: NOW - 0.5 })) },
    'claim_invalid',
  ],
  [
    'a negative nbf',
    { token: () => signed(header(), claims('access', { nbf: -1e308 })) },
    'claim_invalid',
  ],
  [
    'a 2000-character sub',
    { token: () => signed(header(), claims('access', { sub: 'u'.repeat(2000) })) },
    'claim_invalid',
  ],
  [
    'a jti with a space',
    { token: () => signed(header(), claims('access', { jti: 'a b' })) },
    'claim_invalid',
  ],
  [
    'a sid with a slash',
    { token: () => signed(header(), claims('access', { sid: '../x' })) },
    'claim_invalid',
  ],
  [
    'a sub with a control character',
    { token: () => signed(header(), claims('access', { sub: 'u\u0000' })) },
    'claim_invalid',
  ],
  ['a padded signature', { token: () => `${valid()}==` }, 'malformed'],
  [
    'a padded payload',
    {
      token: () => signRaw(json(header()), paddedPayload()),
    },
    'malformed',
  ],
];

describe('createTokenVerifier, stricter than jose', () => {
  it.each(STRICTER)('refuses %s, which jose accepted', async (_name, testCase, reason) => {
    const { old, current } = verifiers(testCase.at);

    const before = await outcome(old.verify, testCase);
    const now = await outcome(current.verify, testCase);

    expect(before).toHaveProperty('ok');
    expect(now).toEqual({ reason });
  });

  it('let exp 1e308 through before, which this rejects', async () => {
    const { old, current } = verifiers();
    const token = signed(header(), claims('access', { exp: 1e308 }));

    await expect(old.verify(token, 'access')).resolves.toMatchObject({ exp: 1e308 });
    await expect(current.verify(token, 'access')).rejects.toMatchObject({
      reason: 'claim_invalid',
    });
  });
});

describe('createTokenVerifier, key set', () => {
  it('verifies a token by the key its kid names, among several', async () => {
    const other = await toPublicJwk(theirs.publicKey.export({ format: 'jwk' }));
    const current = await source.publicKey();
    const verifier = createTokenVerifier({
      keys: staticKeySet([other, current]),
      settings: TEST_SETTINGS,
      clock: frozenClock,
    });
    const byOther = signRaw(json(header({ kid: other.kid })), json(claims()), theirs.privateKey);

    await expect(verifier.verify(valid(), 'access')).resolves.toMatchObject({ sub: 'user-1' });
    await expect(verifier.verify(byOther, 'access')).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('refuses a token signed by a key of the set under another key kid', async () => {
    const other = await toPublicJwk(theirs.publicKey.export({ format: 'jwk' }));
    const verifier = createTokenVerifier({
      keys: staticKeySet([other, await source.publicKey()]),
      settings: TEST_SETTINGS,
      clock: frozenClock,
    });
    const mislabelled = signRaw(json(header({ kid })), json(claims()), theirs.privateKey);

    await expect(verifier.verify(mislabelled, 'access')).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('passes a failure to load the keys on as itself, not as a bad token', async () => {
    const failure = new Error('key service down');
    const verifier = createTokenVerifier({
      keys: { publicKeys: () => Promise.reject(failure) },
      settings: TEST_SETTINGS,
      clock: frozenClock,
    });

    await expect(verifier.verify(valid(), 'access')).rejects.toBe(failure);
  });
});
