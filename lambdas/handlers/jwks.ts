/** Lambda entry: GET /.well-known/jwks.json. */
import { createJwksHandler } from '../http/routes/jwks';
import { createRuntime } from '../runtime';

export const handler = createJwksHandler(createRuntime());
