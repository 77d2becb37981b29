import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { handlePublicKeyResource } from '../../lambdas/signing/public-key-resource';
import { toPublicJwk } from '../../lambdas/signing/signer';
import { cfnResponseUrl } from '../support/cfn-response';
import { mockKmsWithRealKey } from '../support/kms';

const kms = mockClient(KMSClient);
const { answers, event } = cfnResponseUrl({
  LogicalResourceId: 'SigningPublicKey',
  ResourceProperties: { KeyId: 'key-1' },
});

afterEach(() => {
  kms.reset();
  jest.restoreAllMocks();
});

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
