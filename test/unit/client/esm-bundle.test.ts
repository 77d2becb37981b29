/**
 * The client as its users get it: one ES module with no dependency (esbuild,
 * as `npm run build:client` and the demo page build it), imported by plain
 * Node (no TypeScript, no Jest) and used against a fake fetch.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auth-client-esm-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('is one ES module built from client/ alone, usable from plain Node', async () => {
  const result = await build({
    entryPoints: [join(ROOT, 'client/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) =>
    relative(ROOT, resolve(ROOT, input)),
  );
  expect(inputs.every((input) => input.startsWith('client/'))).toBe(true);
  const file = join(dir, 'auth-client.mjs');
  await writeFile(file, result.outputFiles[0]?.contents ?? '');

  const script = `
    import { createAuthClient, ApiError } from ${JSON.stringify(pathToFileURL(file).href)};
    const payload = Buffer.from(JSON.stringify({ sid: 's-1' })).toString('base64url');
    const tokens = { access_token: 'h.' + payload + '.s', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, refresh_expires_in: 9000 };
    const fetch = async (request) => request.url.endsWith('/auth/login')
      ? new Response(JSON.stringify(tokens), { status: 200 })
      : new Response(JSON.stringify({ error: 'not_found', message: 'x' }), { status: 404 });
    const client = createAuthClient({ baseUrl: 'http://127.0.0.1:9', fetch });
    const { sessionId } = await client.login({ username: 'alice', password: 'pw' });
    const error = await client.me().catch((e) => e);
    console.log(JSON.stringify({ sessionId, loggedIn: await client.isLoggedIn(), api: error instanceof ApiError, code: error.code }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    script,
  ]);

  expect(JSON.parse(stdout)).toEqual({
    sessionId: 's-1',
    loggedIn: true,
    api: true,
    code: 'not_found',
  });
});
