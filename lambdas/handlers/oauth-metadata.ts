/** Lambda entry: GET /.well-known/oauth-authorization-server (RFC 8414). */
import { createOauthMetadataHandler } from '../http/routes/oauth-metadata';
import { wire } from '../runtime';

export const handler = createOauthMetadataHandler(wire({}));
