/**
 * End to end: `npm start` that cannot start says why and stops. A second
 * start on the same data folder, a data folder that cannot be written, a busy
 * port and an external DynamoDB that does not answer each end within 5 s,
 * with exit code 1 and one sentence on stderr naming the cause and the fix
 * (no stack trace), while a first instance keeps serving with its data. The
 * first instance also shows what the data folder looks like: private to its
 * owner, and no AWS SDK Node-version notice in the output.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type FailedStart,
  freshDataDir,
  runFailingStart,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process';
import { apiClient } from './client';

const FAIL_BOUND_MS = 5000;

let first: ServerProcess;
let user: { username: string; password: string; userId: string };

beforeAll(async () => {
  // Unset in the child, as in a user's shell: npm start itself must keep the SDK's notice out.
  first = await startServerProcess({
    // A folder npm start must create itself.
    dataDir: join(await freshDataDir(), 'data'),
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '', PASSWORD_SCRYPT_LOG2_N: '10' },
  });
  user = await apiClient(first.url).register();
});

afterAll(async () => {
  await first?.stop();
});

/** Exit 1 within the bound, and exactly `sentence` (a string or a pattern) on stderr. */
function expectRefusedStart(result: FailedStart, sentence: string | RegExp): void {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect({ code: result.code, lines }).toEqual({
    code: 1,
    lines: [typeof sentence === 'string' ? sentence : expect.stringMatching(sentence)],
  });
  expect(result.ms).toBeLessThan(FAIL_BOUND_MS);
}

/** The first instance still serves, with the user registered before. */
async function expectFirstInstanceServing(): Promise<void> {
  const tokens = await apiClient(first.url).login(user);
  expect((await apiClient(first.url).me(tokens.access_token)).status).toBe(200);
}

describe('npm start refuses to start, and says why', () => {
  it('when another npm start uses the same data folder', async () => {
    const result = await runFailingStart({ dataDir: first.dataDir });

    expectRefusedStart(
      result,
      new RegExp(
        `^The data folder ${first.dataDir} is in use by another npm start \\(pid \\d+\\); stop it, or set DATA_DIR to another folder\\.$`,
      ),
    );
    await expectFirstInstanceServing();
  });

  it('when the port is in use', async () => {
    const port = new URL(first.url).port;

    const result = await runFailingStart({ env: { PORT: port } });

    expectRefusedStart(result, `Port ${port} is in use; set PORT to another port.`);
    await expectFirstInstanceServing();
  });

  it('when the data folder cannot be created', async () => {
    const result = await runFailingStart({ dataDir: '/proc/nope' });

    expectRefusedStart(
      result,
      /^Cannot write the data folder \/proc\/nope \(.+\); set DATA_DIR to a folder you can write\.$/,
    );
  });

  // Every setting is checked before serving, not only those the server reads itself:
  // a bad hashing cost once answered 500 on every password route instead.
  it.each([
    [
      'PASSWORD_SCRYPT_LOG2_N',
      'cheap',
      'Environment variable PASSWORD_SCRYPT_LOG2_N must be an integer from 1 to 20, got "cheap".',
    ],
    [
      'LOGIN_LOCKOUT_MAX_SECONDS',
      '7200',
      'Environment variable LOGIN_LOCKOUT_MAX_SECONDS must be from 1 to 3600, got "7200".',
    ],
    [
      'CORS_ALLOWED_ORIGINS',
      'http://app.example.com',
      'Environment variable CORS_ALLOWED_ORIGINS holds "http://app.example.com", not a bare https origin like "https://app.example.com" (http only for localhost).',
    ],
  ])('when %s is %p', async (variable, value, sentence) => {
    const result = await runFailingStart({ env: { [variable]: value } });

    expectRefusedStart(result, sentence);
  });

  it('when DYNAMODB_ENDPOINT does not answer', async () => {
    const result = await runFailingStart({ env: { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' } });

    expectRefusedStart(
      result,
      'DynamoDB at http://127.0.0.1:1 does not answer; start it, or unset DYNAMODB_ENDPOINT to use the embedded database.',
    );
  });
});

describe('npm start data folder', () => {
  it('keeps every folder 0700 and every file unreadable by other users', async () => {
    const modes: Record<string, string> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        modes[path.slice(first.dataDir.length)] = ((await stat(path)).mode & 0o777).toString(8);
        if (entry.isDirectory()) await walk(path);
      }
    };
    modes['/'] = ((await stat(first.dataDir)).mode & 0o777).toString(8);
    await walk(first.dataDir);

    expect(Object.keys(modes)).toEqual(
      expect.arrayContaining(['/', '/dynamodb', '/signing-key.pem', '/npm-start.lock']),
    );
    for (const [path, mode] of Object.entries(modes)) {
      expect({ path, groupAndOther: mode.slice(1) }).toEqual({ path, groupAndOther: '00' });
    }
  });

  it('opens without the AWS SDK Node-version notice', () => {
    expect(first.output()).not.toContain('NodeVersionSupportWarning');
  });
});
