/** Lambda entry: the REST API TOKEN authorizer in front of every protected route. */
import { createAuthorizer } from '../http/authorizer';
import { createRuntime } from '../runtime';

const runtime = createRuntime();

export const handler = createAuthorizer({
  verifier: runtime.verifier(),
  revokedTokens: runtime.revokedTokens(),
});
