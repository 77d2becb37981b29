/** Lambda entry: the REST API TOKEN authorizer in front of every protected route. */
import { createAuthorizerRuntime } from '../authorizer-runtime';
import { createAuthorizer } from '../http/authorizer';

export const handler = createAuthorizer(createAuthorizerRuntime());
