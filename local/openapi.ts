/**
 * The OpenAPI document as a file and as a page of `npm start`: rendered from
 * the contract (`lambdas/contract/openapi.ts`), written to docs/openapi.json
 * by `npm run openapi`, served at `GET /openapi.json` in local mode only (the
 * deployed API has no such route; publish the committed file instead).
 */
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { PUBLIC_DOCUMENT_CACHE_CONTROL } from '../lambdas/contract/headers';
import { openApiDocument } from '../lambdas/contract/openapi';
import { version } from '../package.json';

/** Where the committed document lives. */
export const OPENAPI_FILE = resolve(__dirname, '..', 'docs', 'openapi.json');

/** Where `npm start` serves it. */
export const OPENAPI_PATH = '/openapi.json';

/** The document's exact bytes: two-space JSON and a final newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}

/** Serves the document at {@link OPENAPI_PATH}; every other request goes to `next`. */
export function withOpenApi(next: RequestListener): RequestListener {
  let rendered: string | undefined;
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== OPENAPI_PATH) {
      next(request, response);
      return;
    }
    rendered ??= renderOpenApi();
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': PUBLIC_DOCUMENT_CACHE_CONTROL,
    });
    response.end(rendered);
  };
}
