/**
 * The token issuers a data folder has served under. Locally the default
 * issuer is the server's URL, port included, so a restart on another port
 * (`PORT=0`, or a changed `PORT`) would change it and refuse every token
 * issued before: a restart that logs everybody out. Each start records its
 * issuer in `DATA_DIR/issuers` and accepts the earlier ones; the signing key
 * in the same folder is what makes them this server's tokens.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ISSUERS_FILE = 'issuers';

/** Enough for any real history of ports; the oldest are forgotten beyond it. */
const MAX_REMEMBERED = 50;

/**
 * Records `issuer` and returns the earlier issuers of this data folder, most
 * recent last, without `issuer` itself.
 */
export async function rememberIssuer(dataDir: string, issuer: string): Promise<string[]> {
  const file = join(dataDir, ISSUERS_FILE);
  let recorded: string[] = [];
  try {
    recorded = (await readFile(file, 'utf8')).split('\n').filter((line) => line.length > 0);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  if (!recorded.includes(issuer)) await appendFile(file, `${issuer}\n`, { mode: 0o600 });
  return [...new Set(recorded)].filter((earlier) => earlier !== issuer).slice(-MAX_REMEMBERED);
}
