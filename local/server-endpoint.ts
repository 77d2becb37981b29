/**
 * Where a running `npm start` (or rehearsal, `npm run rehearse`, with the
 * tables of the auth stack it serves) tells other local tools how to reach its
 * database. The embedded engine lives inside the `npm start` process and its
 * files can be open in one process only, so the admin CLI (`npm run admin --
 * … --local`) cannot open the data folder while the server runs: it reads
 * this small file instead and talks to the server's engine over loopback,
 * like the handlers do, signing with the engine's per-start credential that
 * only this file holds. The file sits next to the lock (`npm-start.lock`),
 * private to its owner, and is removed when the server stops; one left by a
 * crash names a process that no longer runs (or a pid now used by another
 * process) and is ignored.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { identityOf, isAlive, type ProcessIdentity, parseIdentity } from './process-identity';
import type { LocalCredential } from './request-signature';
import type { TableNames } from './tables';

export const ENDPOINT_FILE = 'npm-start.endpoint.json';

export interface ServerEndpoint extends ProcessIdentity {
  /** The process serving it (pid, boot id, start time). */
  pid: number;
  /** What that process is, for the operator: `npm start` when absent, or `rehearsal` (`npm run rehearse`). */
  server?: string;
  /** Its DynamoDB endpoint (the embedded engine, or the external one it uses). */
  endpoint: string;
  /** What the embedded engine's requests must be signed with; absent for an external endpoint. */
  credential?: LocalCredential;
  tables: TableNames;
}

function isServerEndpoint(value: unknown): value is ServerEndpoint {
  const candidate = value as Partial<ServerEndpoint> | null;
  const tables = candidate?.tables as Partial<TableNames> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    Number.isSafeInteger(candidate.pid) &&
    typeof candidate.endpoint === 'string' &&
    (candidate.server === undefined || typeof candidate.server === 'string') &&
    typeof tables?.users === 'string' &&
    typeof tables.sessions === 'string' &&
    typeof tables.revokedTokens === 'string' &&
    (candidate.credential === undefined ||
      (typeof candidate.credential?.accessKeyId === 'string' &&
        typeof candidate.credential.secretAccessKey === 'string'))
  );
}

/**
 * Writes the file (all at once, mode 0600) and returns its remover, which
 * deletes it only while it is still this process's.
 */
export async function publishServerEndpoint(
  dataDir: string,
  endpoint: Omit<ServerEndpoint, keyof ProcessIdentity>,
): Promise<() => Promise<void>> {
  const file = join(dataDir, ENDPOINT_FILE);
  const draft = `${file}.${process.pid}.tmp`;
  const content: ServerEndpoint = { ...(identityOf() ?? { pid: process.pid }), ...endpoint };
  await writeFile(draft, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  await rename(draft, file);
  return async () => {
    const current = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as Partial<ServerEndpoint>,
      () => undefined,
    );
    if (current?.pid === process.pid) await rm(file, { force: true });
  };
}

/** The endpoint of the `npm start` running on `dataDir`; `undefined` when none runs there. */
export async function readServerEndpoint(dataDir: string): Promise<ServerEndpoint | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(dataDir, ENDPOINT_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isServerEndpoint(value)) return undefined;
  const server = parseIdentity(value);
  if (!server || !isAlive(server)) return undefined;
  return value;
}
