/**
 * `--local [DATA_DIR]`: the data of `npm start`, or of a running rehearsal
 * (`npm run rehearse`, which publishes its engine the same way). The embedded
 * engine can be open in one process only, so:
 * - when `npm start` runs on the folder, the CLI goes through it: the server
 *   publishes its engine's endpoint and per-start credential next to its lock
 *   (local/server-endpoint.ts) and the CLI talks to that engine over loopback,
 *   signing with that credential;
 * - otherwise the CLI takes the folder's lock itself (the same lock
 *   `npm start` takes, so neither can open it while the other has it) and
 *   runs the engine in this process for the duration of the command.
 * `DYNAMODB_ENDPOINT` and the table-name variables are honoured as
 * `npm start` honours them.
 */
import { stat } from 'node:fs/promises';
import { lockoutReader } from '../lambdas/auth/lockout';
import { createPasswordHasher, scryptParams } from '../lambdas/auth/passwords';
import { systemClock } from '../lambdas/clock';
import { type Env, lockoutSettings, readFunctionSettings } from '../lambdas/config';
import { settingsFromEnv } from '../lambdas/contract/setting-values';
import { TABLES } from '../lambdas/contract/tables';
import { loadEmailConfig } from '../lambdas/email-config';
import { createOutboxMailer } from '../lambdas/mail/outbox';
import { createAdminAuditStore } from '../lambdas/store/admin-audit';
import { createDocumentClient } from '../lambdas/store/dynamo';
import { createLoginAttemptStore } from '../lambdas/store/login-attempts';
import { createMfaStore } from '../lambdas/store/mfa';
import { createRecoveryStore } from '../lambdas/store/recovery';
import { createRevokedTokenStore } from '../lambdas/store/revoked-tokens';
import { createSessionStore } from '../lambdas/store/sessions';
import { createUserRoleStore } from '../lambdas/store/user-roles';
import { createUserStore } from '../lambdas/store/users';
import { LOCAL_HOST } from '../local/config';
import { displayPath, holdsFolder, LOCK_FILE, lockDataDir, readLock } from '../local/data-dir';
import { credentialEnv, dummyAwsEnv, localEmailEnv, tableNames } from '../local/handler-env';
import type { LocalCredential } from '../local/request-signature';
import { readServerEndpoint } from '../local/server-endpoint';
import { LOCAL_SETTINGS } from '../local/settings';
import { StartupError } from '../local/startup-error';
import type { TableNames } from '../local/tables';
import { cliClient, localActor } from './operator';
import { AdminError, type Target } from './target';

/** How long to wait for an `npm start` that holds the lock but has not published its endpoint yet. */
export const STARTING_SERVER_WAIT_MS = 5000;

interface Opened {
  endpoint: string;
  /** The embedded engine's credential (from the endpoint file, or of the engine this command runs). */
  credential?: LocalCredential;
  tables: TableNames;
  via: string;
  close(): Promise<void>;
}

async function ensureFolder(dataDir: string): Promise<void> {
  const stats = await stat(dataDir).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new AdminError(
      `No data folder at ${displayPath(dataDir)}: run npm start once to create it, or name another with --local=DATA_DIR.`,
    );
  }
}

/** The engine of the `npm start` on `dataDir`, waiting a moment for one that is still starting. */
async function throughServer(dataDir: string, waitMs: number): Promise<Opened | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const server = await readServerEndpoint(dataDir);
    if (server) {
      return {
        endpoint: server.endpoint,
        ...(server.credential ? { credential: server.credential } : {}),
        tables: server.tables,
        via: `through ${server.server ?? 'npm start'} (pid ${server.pid})`,
        close: async () => undefined,
      };
    }
    const holder = await readLock(`${dataDir}/${LOCK_FILE}`).catch(() => undefined);
    // No server at all (or a stale lock): open the folder ourselves.
    if (holder === undefined || !holdsFolder(holder, dataDir) || Date.now() > deadline) {
      return undefined;
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

async function openFolder(dataDir: string, env: Env): Promise<Opened> {
  let lock: Awaited<ReturnType<typeof lockDataDir>>;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof StartupError) {
      throw new AdminError(
        `${error.message.replace(/; stop it.*$/, '')}, which has not published its database endpoint; wait for it to finish starting, or stop it.`,
      );
    }
    throw error;
  }
  try {
    const { createMissingTables, openDatabase } = await import('../local/database');
    const database = await openDatabase({ dataDir });
    const tables = tableNames(env);
    // Table creation reads credentials from the environment, as npm start's does.
    Object.assign(env, dummyAwsEnv(env, database.endpoint));
    try {
      await createMissingTables(database.endpoint, tables, {
        ...(database.credential ? { credential: database.credential } : {}),
      });
    } catch (error) {
      await database.close();
      throw error;
    }
    return {
      endpoint: database.endpoint,
      ...(database.credential ? { credential: database.credential } : {}),
      tables,
      via: 'opened by this command',
      async close() {
        await database.close();
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * Mail as `npm start` sends it: .eml files in `DATA_DIR/outbox/`, links to
 * its demo page (on `PORT`) unless `EMAIL_LINK_BASE_URL` names another. The
 * printed link goes to stderr with the CLI's other notes.
 */
function localMail(env: Env, dataDir: string): Pick<Target['deps'], 'mail' | 'email'> {
  const { port } = settingsFromEnv(LOCAL_SETTINGS, env);
  const config = loadEmailConfig({
    ...env,
    ...localEmailEnv(env, dataDir, `http://${LOCAL_HOST}:${port}`),
  });
  if (config.delivery?.kind !== 'outbox' || !config.linkBaseUrl) return {};
  return {
    mail: createOutboxMailer({
      dir: config.delivery.dir,
      from: config.delivery.from,
      clock: systemClock,
      print: (line) => process.stderr.write(`${line}\n`),
    }),
    email: {
      linkBaseUrl: config.linkBaseUrl,
      verificationTtlSeconds: config.verificationTtlSeconds,
    },
  };
}

/** Opens the local data in `dataDir` (absolute) as a target. */
export async function openLocalTarget(
  dataDir: string,
  env: Env = process.env,
  { startingServerWaitMs = STARTING_SERVER_WAIT_MS }: { startingServerWaitMs?: number } = {},
): Promise<Target> {
  // Every setting checked as npm start checks it; a bad one stops here, naming its variable.
  const settings = readFunctionSettings(env);
  const external = settings.dynamodbEndpoint;
  let opened: Opened;
  if (external) {
    opened = {
      endpoint: external,
      tables: tableNames(env),
      via: `DynamoDB at ${external}`,
      close: async () => undefined,
    };
  } else {
    await ensureFolder(dataDir);
    opened =
      (await throughServer(dataDir, startingServerWaitMs)) ?? (await openFolder(dataDir, env));
  }
  // A loopback engine wants some credentials and ignores them; never override real ones.
  const aws = opened.credential
    ? credentialEnv(env, opened.credential)
    : dummyAwsEnv(env, opened.endpoint);
  const client = createDocumentClient({
    endpoint: opened.endpoint,
    config: {
      ...(aws.AWS_REGION ? { region: aws.AWS_REGION } : {}),
      ...(aws.AWS_ACCESS_KEY_ID
        ? {
            credentials: {
              accessKeyId: aws.AWS_ACCESS_KEY_ID,
              secretAccessKey: aws.AWS_SECRET_ACCESS_KEY ?? '',
            },
          }
        : {}),
    },
  });
  return {
    description: `local data ${displayPath(dataDir)} (${opened.via})`,
    operator: { actor: localActor(), client: cliClient() },
    deps: {
      users: createUserStore(client, opened.tables.users),
      userRoles: createUserRoleStore(client, opened.tables.users),
      mfa: createMfaStore(client, opened.tables.users),
      sessions: createSessionStore(client, opened.tables.sessions),
      revokedTokens: createRevokedTokenStore(client, opened.tables.revokedTokens),
      // An npm start older than the audit table published no name for it: the local one.
      auditLog: createAdminAuditStore(
        client,
        opened.tables.adminAudit ?? TABLES.adminAudit.logicalName,
      ),
      // An npm start older than recovery published no name for its table: the local one.
      recovery: createRecoveryStore(client, {
        recovery: opened.tables.recovery ?? TABLES.recovery.logicalName,
        users: opened.tables.users,
      }),
      ...localMail(env, dataDir),
      lockouts: lockoutReader({
        loginAttempts: createLoginAttemptStore(client, opened.tables.loginAttempts),
        clock: systemClock,
        lockout: lockoutSettings(settings),
      }),
      // As npm start resolves them, when ROLES is the same here.
      roleScopes: settings.roles ?? {},
      // As npm start hashes: PASSWORD_SCRYPT_LOG2_N applies locally.
      passwords: createPasswordHasher(scryptParams(settings.passwordHashCost)),
      clock: systemClock,
    },
    async close() {
      client.destroy();
      await opened.close();
    },
  };
}
