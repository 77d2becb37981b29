import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import {
  handlePublicKeyResource,
  type PublicKeyResourceEvent,
} from '../../lambdas/signing/public-key-resource';
import { toPublicJwk } from '../../lambdas/signing/signer';
import { mockKmsWithRealKey } from '../support/kms';

const kms = mockClient(KMSClient);
const answers: { method?: string; body: Record<string, unknown> }[] = [];
const server = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    answers.push({ method: request.method, body: JSON.parse(body) });
    response.end();
  });
});

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => {
  kms.reset();
  answers.length = 0;
  jest.restoreAllMocks();
});

function event(overrides: Partial<PublicKeyResourceEvent> = {}): PublicKeyResourceEvent {
  const { port } = server.address() as AddressInfo;
  return {
    RequestType: 'Create',
    ResponseURL: `http://127.0.0.1:${port}/presigned`,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
    RequestId: 'request-1',
    LogicalResourceId: 'SigningPublicKey',
    ResourceProperties: { KeyId: 'key-1' },
    ...overrides,
  };
}

describe('public key custom resource', () => {
  it('answers SUCCESS with the public JWK and its kid, named by the kid', async () => {
    const { publicKey } = mockKmsWithRealKey(kms);
    const expected = await toPublicJwk(publicKey.export({ format: 'jwk' }));

    await handlePublicKeyResource(event(), new KMSClient({}));

    expect(kms).toHaveReceivedCommandWith(GetPublicKeyCommand, { KeyId: 'key-1' });
    expect(answers).toEqual([
      {
        method: 'PUT',
        body: {
          Status: 'SUCCESS',
          PhysicalResourceId: expected.kid,
          Data: { Jwk: JSON.stringify(expected), Kid: expected.kid },
          StackId: event().StackId,
          RequestId: 'request-1',
          LogicalResourceId: 'SigningPublicKey',
        },
      },
    ]);
  });

  it('answers FAILED, not never, when KMS cannot be read', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    kms.on(GetPublicKeyCommand).rejects(new Error('AccessDeniedException'));

    await handlePublicKeyResource(event(), new KMSClient({}));

    expect(answers).toEqual([
      {
        method: 'PUT',
        body: expect.objectContaining({
          Status: 'FAILED',
          Reason: expect.stringContaining('AccessDeniedException'),
        }),
      },
    ]);
  });

  it('deletes nothing and asks nothing of KMS on Delete', async () => {
    await handlePublicKeyResource(
      event({ RequestType: 'Delete', PhysicalResourceId: 'kid-1' }),
      new KMSClient({}),
    );

    expect(kms).not.toHaveReceivedCommand(GetPublicKeyCommand);
    expect(answers).toEqual([
      {
        method: 'PUT',
        body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'kid-1' }),
      },
    ]);
  });
});
