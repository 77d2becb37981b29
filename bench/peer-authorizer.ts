/**
 * The peer the bench measures ours against: a TOKEN authorizer built the way
 * AWS recommends, awslabs `aws-jwt-verify` with its JWKS cached up front,
 * plus exactly our revocation read (same module, same GetItem), so only the
 * verifier differs. Configured like ours, from the same environment.
 * Bench only: never deployed.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { JwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { ENV, type Env, readTokenSettings } from '../lambdas/config';
import { TABLES } from '../lambdas/contract/tables';
import { createDynamoClient } from '../lambdas/store/dynamo-client';
import { createRevocationLookup } from '../lambdas/store/revocation-lookup';

/**
 * `documentClient`: read through the DocumentClient (`GetCommand`), as most
 * authorizers do, instead of our exact low-level GetItem.
 */
export function createPeerAuthorizer(
  env: Env = process.env,
  dynamo: DynamoDBClient = createDynamoClient(),
  { documentClient = false } = {},
) {
  const settings = readTokenSettings(env);
  const verifier = JwtVerifier.create({
    issuer: settings.issuer,
    audience: settings.audience,
    // Never fetched: the keys are cached below, as ours are handed over at deploy time.
    jwksUri: 'https://keys.invalid/.well-known/jwks.json',
    customJwtCheck: ({ header, payload }) => {
      if (header.typ !== 'at+jwt' || payload.token_use !== 'access' || !payload.jti) {
        throw new Error('not an access token');
      }
    },
  });
  verifier.cacheJwks({ keys: JSON.parse(env[ENV.publicKeys] ?? '[]') });
  const table = env[TABLES.revokedTokens.envVar] ?? '';
  const documents = DynamoDBDocumentClient.from(dynamo);
  const revocations = documentClient
    ? {
        isRevoked: async (jti: string) => {
          const { Item } = await documents.send(
            new GetCommand({
              TableName: table,
              Key: { jti },
              ConsistentRead: true,
              ProjectionExpression: '#key',
              ExpressionAttributeNames: { '#key': 'jti' },
            }),
          );
          return Item !== undefined;
        },
      }
    : createRevocationLookup(dynamo, table);

  return async function authorize(
    event: APIGatewayTokenAuthorizerEvent,
  ): Promise<APIGatewayAuthorizerResult> {
    const token = event.authorizationToken.replace(/^Bearer /, '');
    let payload: Record<string, unknown>;
    try {
      payload = await verifier.verify(token);
    } catch {
      throw new Error('Unauthorized');
    }
    if (await revocations.isRevoked(String(payload.jti))) throw new Error('Unauthorized');
    return {
      principalId: String(payload.sub),
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { sub: String(payload.sub), sid: String(payload.sid), jti: String(payload.jti) },
    };
  };
}

export const handler = createPeerAuthorizer();
