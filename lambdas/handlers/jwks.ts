/** Lambda entry: GET /.well-known/jwks.json. */
import { httpHandler } from '../http/handler';
import { json } from '../http/responses';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

/** Verifiers may cache the key set this long; the signing key does not change under them. */
const JWKS_MAX_AGE_SECONDS = 300;

export const handler = httpHandler(async () =>
  json(
    200,
    { keys: await runtime.keySet().publicKeys() },
    { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` },
  ),
);
