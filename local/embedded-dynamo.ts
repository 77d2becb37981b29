/**
 * The embedded DynamoDB-compatible engine (dynalite) on loopback, in this
 * process. With a `path` it persists there (LevelDB), so data survives restarts;
 * without one it lives in memory (tests). The code reaches it through the real
 * AWS SDK, exactly as it reaches DynamoDB in AWS.
 */

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

// dynalite ships no types.
// biome-ignore lint/suspicious/noExplicitAny: untyped CommonJS module
const dynalite: (options: Record<string, unknown>) => any = require('dynalite');

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(
  options: { path?: string; port?: number } = {},
): Promise<EmbeddedDynamo> {
  if (options.path) await mkdir(options.path, { recursive: true });
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    // dynalite's default simulated table-creation delay slows every start.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}
