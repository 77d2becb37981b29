/** scrypt password hashes: format, verify, the unknown-user path, timing-safe compare, parameters. */
import { ConfigError, ENV, type Env, readFunctionSettings } from '../../lambdas/config';

// Node's built-ins cannot be spied on in place: wrap the two functions, keep their behaviour.
// The module under test is required after the mock, so it sees the wrapped ones.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual('node:crypto');
  return {
    ...actual,
    scrypt: jest.fn(actual.scrypt),
    timingSafeEqual: jest.fn(actual.timingSafeEqual),
  };
});
const { scrypt: derive, timingSafeEqual: compare } = jest.requireMock<{
  scrypt: jest.Mock;
  timingSafeEqual: jest.Mock;
}>('node:crypto');
const {
  concurrencyLimit,
  createPasswordHasher,
  MAX_CONCURRENT_HASHES,
  OWASP_SCRYPT,
  scryptParams,
} = require('../../lambdas/auth/passwords') as typeof import('../../lambdas/auth/passwords');

/** The scrypt parameters a function with environment `env` hashes with. */
const readScryptParams = (env: Env) => scryptParams(readFunctionSettings(env).passwordHashCost);

const CHEAP = { ...OWASP_SCRYPT, N: 2 ** 10 };

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher(CHEAP);

  it('produces a self-describing hash with a 16-byte salt and a 64-byte key', async () => {
    const hash = await hasher.hash('correct horse');

    const [scheme, params, salt = '', key = ''] = hash.split('$');
    expect(scheme).toBe('scrypt');
    expect(params).toBe('N=1024,r=8,p=1');
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(64);
    expect(hash).not.toContain('correct horse');
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse');

    await expect(hasher.verify('correct horse', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horsf', hash)).resolves.toBe(false);
    await expect(hasher.verify('', hash)).resolves.toBe(false);
  });

  it('verifies a hash made with other parameters, read from the hash itself', async () => {
    const older = await createPasswordHasher({ ...CHEAP, N: 2 ** 9 }).hash('correct horse');

    await expect(hasher.verify('correct horse', older)).resolves.toBe(true);
  });

  it('asks for a re-hash of a hash made with other parameters only', async () => {
    const current = await hasher.hash('correct horse');
    const older = await createPasswordHasher({ ...CHEAP, N: 2 ** 9 }).hash('correct horse');

    expect(hasher.needsRehash(current)).toBe(false);
    expect(hasher.needsRehash(older)).toBe(true);
    expect(hasher.needsRehash('md5$abc')).toBe(true);
  });

  it('compares the derived keys with timingSafeEqual', async () => {
    const hash = await hasher.hash('correct horse');
    compare.mockClear();

    await hasher.verify('wrong horse', hash);

    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('runs scrypt once at the current parameters for an unknown user and answers false', async () => {
    derive.mockClear();

    await expect(hasher.verify('correct horse', undefined)).resolves.toBe(false);

    expect(derive).toHaveBeenCalledTimes(1);
    expect(derive.mock.calls[0]?.[3]).toMatchObject({ N: CHEAP.N, r: 8, p: 1 });
  });

  it('does the same scrypt work for an unknown user as for a known one', async () => {
    const hash = await hasher.hash('correct horse');
    derive.mockClear();

    await hasher.verify('guess', hash);
    await hasher.verify('guess', undefined);

    const [known, unknown] = derive.mock.calls;
    expect(unknown?.[2]).toBe(known?.[2]);
    expect(unknown?.[3]).toEqual(known?.[3]);
  });

  it('rejects a stored hash of an unknown format', async () => {
    await expect(hasher.verify('correct horse', 'md5$abc')).rejects.toThrow(/unknown format/);
  });
});

describe('createPasswordHasher with the production parameters', () => {
  it('hashes at N=2^17, r=8, p=1 and verifies', async () => {
    const hasher = createPasswordHasher();

    const hash = await hasher.hash('correct horse battery staple');

    expect(hash).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
    await expect(hasher.verify('correct horse battery staple', hash)).resolves.toBe(true);
  });
});

describe('the scrypt parameters of PASSWORD_SCRYPT_LOG2_N', () => {
  it('returns the OWASP parameters when the variable is unset', () => {
    expect(readScryptParams({})).toEqual(OWASP_SCRYPT);
    expect(OWASP_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1, keyLength: 64, saltLength: 16 });
  });

  it('takes log2(N) from the variable', () => {
    expect(readScryptParams({ [ENV.passwordHashCost]: '10' }).N).toBe(1024);
  });

  it('refuses to lower the cost where tokens are signed with KMS (deployed)', () => {
    expect(() =>
      readScryptParams({ [ENV.passwordHashCost]: '10', [ENV.kmsKeyId]: 'alias/signing' }),
    ).toThrow(/refused with SIGNING_KMS_KEY_ID/);
  });

  // log2(N) = 1 passed the check but failed the first hash (ERR_CRYPTO_INVALID_SCRYPT_PARAMS).
  it.each(['1', '2', '8'])('accepts only a cost that really hashes: %p', async (value) => {
    const hasher = createPasswordHasher(readScryptParams({ [ENV.passwordHashCost]: value }));

    const hash = await hasher.hash('correct horse battery staple');

    await expect(hasher.verify('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(hasher.verify('wrong', hash)).resolves.toBe(false);
    await expect(hasher.verify('anything', undefined)).resolves.toBe(false);
  });

  it.each(['0', '21', '12.5', 'cheap'])('throws a ConfigError for %p', (value) => {
    expect(() => readScryptParams({ [ENV.passwordHashCost]: value })).toThrow(ConfigError);
  });
});

describe('concurrent hashes', () => {
  it('runs at most half of libuv’s pool at once, so the embedded database keeps threads (F3)', async () => {
    expect(MAX_CONCURRENT_HASHES).toBe(
      Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2)),
    );
    const run = concurrencyLimit(2);
    let running = 0;
    let most = 0;
    const task = (id: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return id;
    };

    const results = await Promise.all(Array.from({ length: 10 }, (_, id) => run(task(id))));

    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(2);
  });

  it('starts no more scrypt runs than that, however many logins arrive at once', async () => {
    const hasher = createPasswordHasher(CHEAP);
    const stored = await hasher.hash('correct horse battery');
    derive.mockClear();

    const checks = Array.from({ length: 6 }, () => hasher.verify('wrong horse', stored));
    await new Promise((resolve) => setImmediate(resolve));

    expect(derive.mock.calls.length).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    await Promise.all(checks);
    expect(derive).toHaveBeenCalledTimes(6);
  });

  it('frees the slot of a task that fails', async () => {
    const run = concurrencyLimit(1);
    await expect(run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run(async () => 'next')).resolves.toBe('next');
  });
});
