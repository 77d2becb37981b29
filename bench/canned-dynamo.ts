/**
 * A real `DynamoDBClient` whose HTTP layer answers from memory: every
 * request runs the SDK's whole local pipeline (endpoint resolution, SigV4
 * signing, serialisation, retries, deserialisation) and gets a canned
 * GetItem reply, so the bench measures the authorizer's own CPU, not the
 * network.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** `{}`: GetItem found nothing (the token is not revoked). */
const NOT_FOUND = Buffer.from('{}');

export function createCannedDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 3,
    requestHandler: {
      handle: async () => ({
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': String(NOT_FOUND.length),
          },
          body: Readable.from([NOT_FOUND]),
        },
      }),
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  });
}
