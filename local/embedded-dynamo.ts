/**
 * The embedded DynamoDB-compatible engine (dynalite) on loopback, in this
 * process. With a `path` it persists there (LevelDB), so data survives restarts;
 * without one it lives in memory (tests). The code reaches it through the real
 * AWS SDK, exactly as it reaches DynamoDB in AWS.
 */

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type LocalCredential, requireSignature } from './request-signature';
import { StartupError } from './startup-error';

// dynalite ships no types.
// biome-ignore lint/suspicious/noExplicitAny: untyped CommonJS module
const dynalite: (options: Record<string, unknown>) => any = require('dynalite');

/**
 * Refuses a database that another process has open. dynalite would start
 * anyway and crash on the first request ("Database is closed"); LevelDB's own
 * lock says it plainly. `npm start` normally stops earlier, at its lock file
 * (data-dir.ts); this catches whatever gets past it (a deleted lock file, two
 * starts taking over a stale lock at the same instant).
 */
async function ensureNotOpenElsewhere(path: string): Promise<void> {
  // dynalite's own copy of `level`, so both open the files the same way.
  const { Level } = require(
    require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] }),
  ) as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code === 'LEVEL_LOCKED') {
      throw new StartupError(
        `The database ${path} is open in another process; stop it, or set DATA_DIR to another folder.`,
      );
    }
    throw error;
  }
  await db.close();
}

/**
 * dynalite turns each Query and Scan into a stream over a LevelDB iterator
 * and, when the stream ends, closes it with `iterator.return()`, which
 * abstract-level's iterators do not have (they have `close()`). So every
 * Query left an open iterator that pins native LevelDB memory: RSS grew
 * with the number of queries (issue R2, `npm run memory`). Giving dynalite's
 * copy the method it calls closes them.
 */
function closeIteratorsOnReturn(): void {
  const abstractLevel = require(
    require.resolve('abstract-level', { paths: [dirname(require.resolve('dynalite'))] }),
  ) as Record<string, { prototype: { close(): Promise<void>; return?: () => Promise<void> } }>;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const prototype = abstractLevel[name]?.prototype;
    if (prototype && prototype.return === undefined) {
      prototype.return = function (this: { close(): Promise<void> }) {
        return this.close();
      };
    }
  }
}

export interface EmbeddedDynamo {
  endpoint: string;
  /** The credential every request must be signed with; absent: any is accepted (tests). */
  credential?: LocalCredential;
  close(): Promise<void>;
}

/**
 * Starts the engine. With a `credential`, every request must carry a valid
 * SigV4 signature made with it (local/request-signature.ts): the engine on
 * 127.0.0.1 serves nobody else on the machine.
 */
export async function startEmbeddedDynamo(
  options: { path?: string; port?: number; credential?: LocalCredential } = {},
): Promise<EmbeddedDynamo> {
  // Private to its owner: the tables hold password hashes and session data.
  if (options.path) {
    await mkdir(options.path, { recursive: true, mode: 0o700 });
    await ensureNotOpenElsewhere(options.path);
  }
  closeIteratorsOnReturn();
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    // dynalite's default simulated table-creation delay slows every start.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  if (options.credential) requireSignature(server, options.credential);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ...(options.credential ? { credential: options.credential } : {}),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}
