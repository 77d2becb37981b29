/** Lambda entry: GET /.well-known/jwks.json. */
import type { JwksBody } from '../contract/bodies';
import { PUBLIC_DOCUMENT_CACHE_CONTROL } from '../contract/headers';
import { httpHandler } from '../http/handler';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = httpHandler(runtime.config, async () =>
  json(
    200,
    { keys: [...(await runtime.keySet().publicKeys())] } satisfies JwksBody,
    // A public document: verifiers may cache it briefly.
    { 'Cache-Control': PUBLIC_DOCUMENT_CACHE_CONTROL },
  ),
);
