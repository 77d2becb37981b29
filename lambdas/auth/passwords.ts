/**
 * Password hashing with scrypt from `node:crypto` at the OWASP Password
 * Storage Cheat Sheet parameters. A hash is a self-describing string
 * (`scrypt$N=131072,r=8,p=1$<salt>$<hash>`), so the parameters of every stored
 * hash are known and can be raised later without breaking old ones.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
  /** Derived key length in bytes. */
  keyLength: number;
  /** Salt length in bytes. */
  saltLength: number;
}

/** OWASP: N=2^17, r=8, p=1 (128 MiB per hash); 64-byte key, 16-byte salt. */
export const OWASP_SCRYPT: Readonly<ScryptParams> = {
  N: 2 ** 17,
  r: 8,
  p: 1,
  keyLength: 64,
  saltLength: 16,
};

export interface PasswordHasher {
  /** A new self-describing hash of `password` with a fresh random salt. */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `stored`. Without a stored hash (unknown
   * user) it still runs scrypt once at the current parameters and answers
   * false, so an unknown user costs what a known one does.
   */
  verify(password: string, stored: string | undefined): Promise<boolean>;
  /**
   * True when `stored` was made with other parameters than the current ones:
   * after a successful login it is re-hashed, so raised costs reach every
   * active user without a reset.
   */
  needsRehash(stored: string): boolean;
}

const HASH_FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * scrypt runs on libuv's thread pool (4 threads unless `UV_THREADPOOL_SIZE`
 * says otherwise), which file and DNS work share: locally, the embedded
 * database's disk reads and writes. A burst of logins would take every
 * thread for hundreds of milliseconds each, and another user's request would
 * time out on the database (503). So at most half the pool hashes at once;
 * the other hashes wait their turn in order. A Lambda instance serves one
 * request at a time, so this never binds there.
 */
export const MAX_CONCURRENT_HASHES = /* @__PURE__ */ (() =>
  Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2)))();

/** A counting semaphore: `run` starts `task` when fewer than `limit` run, else queues it. */
export function concurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/**
 * Shared by every hasher of the process: local mode serves all handlers in one.
 * Pure, so a function that hashes nothing bundles none of this.
 */
const hashing = /* @__PURE__ */ concurrencyLimit(MAX_CONCURRENT_HASHES);

function deriveKey(
  password: string,
  salt: Buffer,
  params: Pick<ScryptParams, 'N' | 'r' | 'p'>,
  keyLength: number,
): Promise<Buffer> {
  return hashing(() => runScrypt(password, salt, params, keyLength));
}

function runScrypt(
  password: string,
  salt: Buffer,
  { N, r, p }: Pick<ScryptParams, 'N' | 'r' | 'p'>,
  keyLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // OpenSSL needs 128·r·(N + 2) bytes for V plus 128·r·p for B, and refuses
    // any maxmem below that (a flat 256·N·r was too little for N = 2).
    // Node's default cap (32 MiB) is below the OWASP cost.
    const maxmem = 128 * r * (N + p + 2);
    scrypt(password, salt, keyLength, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function format({ N, r, p }: ScryptParams, salt: Buffer, key: Buffer): string {
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const match = HASH_FORMAT.exec(stored);
  if (!match) return undefined;
  const [, N, r, p, salt = '', key = ''] = match;
  return {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
}

/** Creates a hasher; tests pass cheaper parameters, production keeps {@link OWASP_SCRYPT}. */
export function createPasswordHasher(params: ScryptParams = OWASP_SCRYPT): PasswordHasher {
  // Same parameters as a real hash, so a login for an unknown user does the same work.
  const dummyHash = format(params, Buffer.alloc(params.saltLength), Buffer.alloc(params.keyLength));

  async function matches(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) throw new Error('Stored password hash has an unknown format.');
    const candidate = await deriveKey(password, parsed.salt, parsed, parsed.key.length);
    return timingSafeEqual(candidate, parsed.key);
  }

  return {
    async hash(password) {
      const salt = randomBytes(params.saltLength);
      return format(params, salt, await deriveKey(password, salt, params, params.keyLength));
    },

    needsRehash(stored) {
      const parsed = parse(stored);
      return (
        !parsed ||
        parsed.N !== params.N ||
        parsed.r !== params.r ||
        parsed.p !== params.p ||
        parsed.key.length !== params.keyLength ||
        parsed.salt.length !== params.saltLength
      );
    },

    async verify(password, stored) {
      if (stored === undefined) {
        await matches(password, dummyHash);
        return false;
      }
      return matches(password, stored);
    },
  };
}

/**
 * The scrypt parameters: {@link OWASP_SCRYPT} unless `log2N` (the setting
 * `PASSWORD_SCRYPT_LOG2_N`, parsed and bounded with every other setting at
 * cold start) gives another log2(N). Only tests and local experiments set it
 * (hashing at N=2^17 takes most of a second); it is refused wherever tokens
 * are signed with KMS, as every deployed function is.
 */
export function scryptParams(log2N: number | undefined): ScryptParams {
  return log2N === undefined ? { ...OWASP_SCRYPT } : { ...OWASP_SCRYPT, N: 2 ** log2N };
}
