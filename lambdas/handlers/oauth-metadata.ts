/** Lambda entry: GET /.well-known/oauth-authorization-server (RFC 8414). */
import { createOauthMetadataHandler } from '../http/routes/oauth-metadata';
import { createRuntime } from '../runtime';

export const handler = createOauthMetadataHandler(createRuntime());
