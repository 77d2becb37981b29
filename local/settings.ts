/**
 * The settings only the local server (`npm start`) and the rehearsal read,
 * declared as the functions' are (`lambdas/contract/settings.ts`), parsed by
 * the same parser. Local mode reads the function settings too: all of them
 * are checked before it serves.
 */
import type { Registry } from '../lambdas/contract/setting-values';
import { FUNCTION_SETTINGS, MAX_SIGNING_KEYS } from '../lambdas/contract/settings';

export const LOCAL_SETTINGS = {
  /** Port to listen on, on 127.0.0.1 only; 0 lets the system pick one. */
  port: {
    env: 'PORT',
    type: 'int',
    default: 3000,
    // 0 asks the system for a free port.
    min: 0,
    max: 65535,
  },
  /** Folder of the embedded database and the local signing key. */
  dataDir: {
    env: 'DATA_DIR',
    type: 'string',
    default: '.data',
  },
  /** The shared secret that stands in for IAM on `POST /oauth/introspect`. */
  introspectionSecret: {
    env: 'INTROSPECTION_SECRET',
    type: 'string',
  },
  /**
   * The shared secret of the outbox route (`GET /local/outbox`, the demo
   * page's way to read the messages in `DATA_DIR/outbox/`); unset: the route
   * does not exist. At least 16 characters: it guards reset links.
   */
  outboxSecret: {
    env: 'OUTBOX_SECRET',
    type: 'string',
    pattern: /^[\x21-\x7e]{16,}$/,
    shape: 'at least 16 printable characters, no spaces',
  },
  /** Key files in DATA_DIR making a key set, the signing one first. */
  signingKeys: {
    env: 'LOCAL_SIGNING_KEYS',
    type: 'list',
    pattern: FUNCTION_SETTINGS.localKeyFile.pattern,
    shape: 'key file names in DATA_DIR ending in .pem (letters, digits, ".", "_", "-")',
    distinct: true,
    maxItems: MAX_SIGNING_KEYS,
  },
} as const satisfies Registry;
