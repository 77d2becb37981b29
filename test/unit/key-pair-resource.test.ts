/**
 * The envelope-mode key pair custom resource: KMS generates the pair once,
 * with the encryption context; an update answers the very same pair without
 * asking KMS again; only the ciphertext and the public key leave it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { GenerateDataKeyPairWithoutPlaintextCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ENVELOPE_ENCRYPTION_CONTEXT } from '../../lambdas/signing/envelope-context';
import { handleKeyPairResource } from '../../lambdas/signing/key-pair-resource';
import { toPublicJwk } from '../../lambdas/signing/signer';
import { cfnResponseUrl } from '../support/cfn-response';

const kms = mockClient(KMSClient);
const { answers, event } = cfnResponseUrl({
  LogicalResourceId: 'EnvelopeSigningKeyPairk1',
  ResourceProperties: { KeyId: 'envelope-key' },
});

afterEach(() => {
  kms.reset();
});

describe('envelope key pair custom resource', () => {
  it('has KMS generate the pair once, then answers the same pair to an update', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ciphertext = Buffer.from('ciphertext of the private key, opaque to everyone but KMS');
    kms.on(GenerateDataKeyPairWithoutPlaintextCommand).resolves({
      PrivateKeyCiphertextBlob: ciphertext,
      PublicKey: publicKey.export({ format: 'der', type: 'spki' }),
      KeyPairSpec: 'ECC_NIST_P256',
    });
    const jwk = await toPublicJwk(publicKey.export({ format: 'jwk' }));

    await handleKeyPairResource(event(), new KMSClient({}));
    const created = answers[0]?.body as {
      Status: string;
      PhysicalResourceId: string;
      Data: unknown;
    };
    expect(created).toMatchObject({
      Status: 'SUCCESS',
      Data: { Ciphertext: ciphertext.toString('base64'), Jwk: JSON.stringify(jwk), Kid: jwk.kid },
    });
    expect(kms).toHaveReceivedCommandWith(GenerateDataKeyPairWithoutPlaintextCommand, {
      KeyId: 'envelope-key',
      KeyPairSpec: 'ECC_NIST_P256',
      EncryptionContext: { ...ENVELOPE_ENCRYPTION_CONTEXT },
    });
    expect(created.PhysicalResourceId.length).toBeLessThanOrEqual(1024);

    kms.reset();
    await handleKeyPairResource(
      event({ RequestType: 'Update', PhysicalResourceId: created.PhysicalResourceId }),
      new KMSClient({}),
    );
    expect(kms).not.toHaveReceivedCommand(GenerateDataKeyPairWithoutPlaintextCommand);
    expect(answers[1]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: created.PhysicalResourceId,
      Data: created.Data,
    });
  });

  it('deletes nothing, and answers FAILED (not never) when KMS refuses', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    kms.on(GenerateDataKeyPairWithoutPlaintextCommand).rejects(new Error('AccessDenied'));

    await handleKeyPairResource(event(), new KMSClient({}));
    await handleKeyPairResource(
      event({ RequestType: 'Delete', PhysicalResourceId: 'pair.x.y' }),
      new KMSClient({}),
    );

    expect(answers[0]?.body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('AccessDenied'),
    });
    expect(answers[1]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pair.x.y' });
    jest.restoreAllMocks();
  });
});
