/**
 * The settings only the local server (`npm start`) and the rehearsal read,
 * declared as the functions' are (`lambdas/contract/settings.ts`), parsed by
 * the same parser. Local mode reads the function settings too: all of them
 * are checked before it serves.
 */
import type { Registry } from '../lambdas/contract/setting-values';
import { FUNCTION_SETTINGS, MAX_SIGNING_KEYS } from '../lambdas/contract/settings';

export const LOCAL_SETTINGS = {
  port: {
    env: 'PORT',
    type: 'int',
    default: 3000,
    // 0 asks the system for a free port.
    min: 0,
    max: 65535,
    doc: 'port to listen on, on 127.0.0.1 only; 0 lets the system pick one',
  },
  dataDir: {
    env: 'DATA_DIR',
    type: 'string',
    default: '.data',
    doc: 'folder of the embedded database and the local signing key',
  },
  introspectionSecret: {
    env: 'INTROSPECTION_SECRET',
    type: 'string',
    doc: 'the shared secret that stands in for IAM on `POST /oauth/introspect`',
  },
  signingKeys: {
    env: 'LOCAL_SIGNING_KEYS',
    type: 'list',
    pattern: FUNCTION_SETTINGS.localKeyFile.pattern,
    shape: 'key file names in DATA_DIR ending in .pem (letters, digits, ".", "_", "-")',
    distinct: true,
    maxItems: MAX_SIGNING_KEYS,
    doc: 'key files in DATA_DIR making a key set, the signing one first',
  },
} as const satisfies Registry;
