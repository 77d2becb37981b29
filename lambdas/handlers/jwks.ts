/** Lambda entry: GET /.well-known/jwks.json. */
import { createJwksHandler } from '../http/routes/jwks';
import { keySet, wire } from '../runtime';

export const handler = createJwksHandler(wire({ keySet }));
