/**
 * `npm run memory`: the memory of `npm start` under mixed load, to tell a
 * leak from the allocator's high-water mark.
 *
 * The server runs in a child process of its own, started exactly as
 * `npm start` starts it (`startServer`, a fresh DATA_DIR), with `--expose-gc`
 * and an IPC channel: on request it reports its resident set size and V8
 * heap, before and after a full garbage collection. This process generates
 * the load (32 workers by default, each with its own user: `/auth/me`,
 * refresh, session listing, logins right and wrong, logout, the JWKS, unknown
 * routes), so none of the load's own memory is counted.
 *
 * What it prints: a sample every 10 s, then the figures after the load and
 * after an idle pause. A leak shows as `heapUsed` after a GC that keeps
 * growing with the requests served; memory returned to the allocator but
 * kept by it (RSS up, heap after GC back near its baseline) is not one.
 *
 *   npm run memory                      five minutes, 32 workers
 *   npm run memory -- --seconds 60 --workers 16 --json out.json
 *   PASSWORD_SCRYPT_LOG2_N=12 npm run memory   cheap hashes: many more requests per second
 *   npm run memory -- --snapshots DIR  a heap snapshot at each sample, to compare
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface MemorySample {
  rssMb: number;
  /**
   * The parts of RSS (Linux, /proc/self/status): anonymous memory (heaps,
   * buffers: what a leak grows) and file pages mapped in (LevelDB maps its
   * table files; the kernel drops those pages when memory is short).
   */
  rssAnonMb?: number;
  rssFileMb?: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

interface ServerReport {
  beforeGc: MemorySample;
  afterGc: MemorySample;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** A line of /proc/self/status, in MB; `undefined` where there is none. */
function statusMb(text: string | undefined, field: string): number | undefined {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '')?.[1];
  return kb === undefined ? undefined : mb(Number(kb) * 1024);
}

function sample(): MemorySample {
  const usage = process.memoryUsage();
  let status: string | undefined;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    status = undefined;
  }
  const rssAnonMb = statusMb(status, 'RssAnon');
  const rssFileMb = statusMb(status, 'RssFile');
  return {
    rssMb: mb(usage.rss),
    ...(rssAnonMb === undefined ? {} : { rssAnonMb }),
    ...(rssFileMb === undefined ? {} : { rssFileMb }),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
  };
}

/** The child: `npm start` in-process, answering memory requests over IPC. */
async function runServer(): Promise<void> {
  process.umask(0o077);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
  const { readLocalConfig } = await import('../local/config');
  const { startServer } = await import('../local/app');
  const server = await startServer(readLocalConfig());
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', async (message: string) => {
    if (message === 'sample') {
      const beforeGc = sample();
      gc?.();
      gc?.();
      process.send?.({ beforeGc, afterGc: sample() } satisfies ServerReport);
    } else if (message.startsWith('snapshot ')) {
      gc?.();
      const { writeHeapSnapshot } = await import('node:v8');
      process.send?.({ file: writeHeapSnapshot(message.slice('snapshot '.length)) });
    } else if (message === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.send?.({ url: server.url });
}

interface Args {
  seconds: number;
  workers: number;
  json?: string;
  /** A folder for a heap snapshot of the server at each sample (after a GC). */
  snapshots?: string;
}

function readArgs(argv: readonly string[]): Args {
  const args: Args = { seconds: 300, workers: 32 };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value.`);
    if (flag === '--seconds') args.seconds = Number(value);
    else if (flag === '--workers') args.workers = Number(value);
    else if (flag === '--json') args.json = value;
    else if (flag === '--snapshots') args.snapshots = value;
    else throw new Error(`Unknown argument ${flag}.`);
  }
  return args;
}

function ask(child: ChildProcess): Promise<ServerReport> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as ServerReport));
    child.send('sample');
  });
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** One worker: a user of its own, requests back to back until `until`. */
async function worker(url: string, until: number, counts: Map<string, number>): Promise<void> {
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; token?: string },
  ) => {
    const route = `${method} ${path.startsWith('/nothing/') ? '/nothing/{x}' : path}`;
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.body ? { 'Content-Type': 'application/json' } : {}),
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        },
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      const key = `${route} ${response.status}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      counts.set(`${route} failed`, (counts.get(`${route} failed`) ?? 0) + 1);
      return { status: 0, json: undefined };
    }
  };
  const username = `load-${randomBytes(6).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  while (Date.now() < until) {
    const { status } = await call('POST', '/auth/register', { body: { username, password } });
    // 409: an earlier try was stored although its answer was lost (a 503).
    if (status === 201 || status === 409) break;
  }
  const login = async (): Promise<Tokens | undefined> => {
    const answer = await call('POST', '/auth/login', { body: { username, password } });
    return answer.status === 200 ? (answer.json as Tokens) : undefined;
  };
  let tokens: Tokens | undefined;
  for (let step = 0; Date.now() < until; step += 1) {
    const roll = step % 200;
    if (!tokens) {
      tokens = await login();
    } else if (roll === 0) {
      await call('POST', '/auth/logout', { token: tokens.access_token });
      tokens = await login();
    } else if (roll === 1) {
      // A wrong login for a name nobody has: counted, hashed, refused.
      await call('POST', '/auth/login', {
        body: { username: `nobody-${randomBytes(4).toString('hex')}`, password: 'wrong-password' },
      });
    } else if (roll % 8 === 2) {
      const refreshed = await call('POST', '/auth/refresh', {
        body: { refresh_token: tokens.refresh_token },
      });
      tokens = refreshed.status === 200 ? (refreshed.json as Tokens) : undefined;
    } else if (roll % 8 === 3) {
      await call('GET', '/auth/sessions', { token: tokens.access_token });
    } else if (roll % 8 === 4) {
      await call('GET', '/.well-known/jwks.json', {});
    } else if (roll % 8 === 5) {
      await call('GET', `/nothing/${randomBytes(4).toString('hex')}`, {});
    } else {
      await call('GET', '/auth/me', { token: tokens.access_token });
    }
  }
}

function line(label: string, report: ServerReport): string {
  const { beforeGc: b, afterGc: a } = report;
  const n = (value: number | undefined) => String(value ?? '-').padStart(6);
  return `${label.padEnd(16)} rss ${n(b.rssMb)} heapUsed ${n(b.heapUsedMb)} | after gc: rss ${n(a.rssMb)} (anon ${n(a.rssAnonMb)}, file ${n(a.rssFileMb)}) heapUsed ${n(a.heapUsedMb)} external ${n(a.externalMb)} (MB)`;
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const dataDir = await mkdtemp(join(tmpdir(), 'jwt-auth-memory-'));
  const child = fork(__filename, ['--server'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
    // Its log goes nowhere (the counts below say what was answered).
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const samples: { second: number; requests: number; report: ServerReport }[] = [];
  const counts = new Map<string, number>();
  const total = () => [...counts.values()].reduce((sum, count) => sum + count, 0);
  const record = async (label: string, second: number) => {
    const report = await ask(child);
    samples.push({ second, requests: total(), report });
    console.log(line(label, report));
    if (args.snapshots) {
      const file = join(args.snapshots, `server-${String(second).padStart(4, '0')}s.heapsnapshot`);
      await new Promise((resolve) => {
        child.once('message', resolve);
        child.send(`snapshot ${file}`);
      });
    }
  };
  try {
    await record('idle, started', 0);
    const started = Date.now();
    const until = started + args.seconds * 1000;
    // Workers start a few at a time: 32 registrations at once would all hash at the same moment.
    const load = Promise.all(
      Array.from({ length: args.workers }, async (_, index) => {
        await new Promise((wait) => setTimeout(wait, index * 250));
        await worker(url, until, counts);
      }),
    );
    const timer = setInterval(
      () => {
        const second = Math.round((Date.now() - started) / 1000);
        void record(`${second} s, ${total()} req`, second);
      },
      args.snapshots ? 60_000 : 10_000,
    );
    await load;
    clearInterval(timer);
    const seconds = (Date.now() - started) / 1000;
    await record('load ended', Math.round(seconds));
    await new Promise((wait) => setTimeout(wait, 20_000));
    await record('idle 20 s later', Math.round(seconds) + 20);
    console.log(
      `${total()} requests in ${Math.round(seconds)} s (${Math.round(total() / seconds)}/s), ${args.workers} workers`,
    );
    for (const [key, count] of [...counts].sort()) console.log(`  ${key}: ${count}`);
    if (args.json) {
      await writeFile(
        args.json,
        `${JSON.stringify({ workers: args.workers, seconds, requests: total(), samples }, null, 2)}\n`,
      );
    }
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--server')) {
  runServer().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
