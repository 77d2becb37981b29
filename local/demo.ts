/**
 * The demo page of `npm start`: `GET /` serves demo/index.html, `/demo.css`
 * its style and `/demo.js` its script, the project's own client bundled by
 * esbuild on the first request (nothing built is committed, and a server
 * that nobody asks for the page never runs esbuild). Local mode only: the
 * deployed API has no page. Same origin as the API, so it needs no CORS.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { log } from '../lambdas/log';

const DEMO_DIR = resolve(__dirname, '..', 'demo');

/** Same-origin everything; no inline script or style, so an injected one does not run. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

type Asset = () => Promise<{ type: string; body: string | Uint8Array }>;

let bundle: Promise<Uint8Array> | undefined;

/** demo/main.ts and the client as one ES module; built once per process, retried after a failure. */
function demoScript(): Promise<Uint8Array> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [resolve(DEMO_DIR, 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    if (!output) throw new Error('esbuild produced no output');
    return output.contents;
  })();
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}

const ASSETS: Record<string, Asset> = {
  '/': async () => ({
    type: 'text/html; charset=utf-8',
    body: await readFile(resolve(DEMO_DIR, 'index.html'), 'utf8'),
  }),
  '/demo.css': async () => ({
    type: 'text/css; charset=utf-8',
    body: await readFile(resolve(DEMO_DIR, 'demo.css'), 'utf8'),
  }),
  '/demo.js': async () => ({ type: 'text/javascript; charset=utf-8', body: await demoScript() }),
};

function serve(asset: Asset, request: IncomingMessage, response: ServerResponse): void {
  asset().then(
    ({ type, body }) => {
      response.writeHead(200, { 'Content-Type': type, ...SECURITY_HEADERS });
      response.end(request.method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      log('error', 'demo page: asset failed', { path: request.url, error });
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      response.end('The demo page could not be built; see the server log.');
    },
  );
}

/** Serves the demo page's GETs itself and hands every other request to `api`. */
export function withDemoPage(api: RequestListener): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const asset = ASSETS[path];
    if (asset && (request.method === 'GET' || request.method === 'HEAD')) {
      serve(asset, request, response);
      return;
    }
    api(request, response);
  };
}
