/**
 * GET /.well-known/jwks.json: the handler over an injected runtime; its Lambda entry is
 * `lambdas/handlers/jwks.ts`.
 */
import type { JwksBody } from '../../contract/bodies';
import { PUBLIC_DOCUMENT_CACHE_CONTROL } from '../../contract/headers';
import type { RuntimeOf } from '../../runtime';
import { httpHandler } from '../handler';
import { json } from '../responses';

/** The runtime parts this route uses (its entry wires just these). */
export type JwksRuntime = RuntimeOf<'keySet'>;

export function createJwksHandler(runtime: JwksRuntime) {
  return httpHandler(runtime.config, async () =>
    json(
      200,
      { keys: [...(await runtime.keySet().publicKeys())] } satisfies JwksBody,
      // A public document: verifiers may cache it briefly.
      { 'Cache-Control': PUBLIC_DOCUMENT_CACHE_CONTROL },
    ),
  );
}
