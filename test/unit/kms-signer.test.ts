import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import { UnavailableError } from '../../lambdas/errors';
import { createKmsSigner } from '../../lambdas/signing/kms-signer';
import { createTokenIssuer } from '../../lambdas/tokens/issue';
import { createTokenVerifier } from '../../lambdas/tokens/verify';
import { decodeJwt, FROZEN_NOW, frozenClock, TEST_SETTINGS } from '../support/keys';
import { mockKmsWithRealKey } from '../support/kms';

const kms = mockClient(KMSClient);
const KEY_ID = 'alias/test-signing-key';

afterEach(() => kms.reset());

function signerAndIssuer() {
  const signer = createKmsSigner({ client: new KMSClient({}), keyId: KEY_ID });
  const issuer = createTokenIssuer({ signer, settings: TEST_SETTINGS, clock: frozenClock });
  return { signer, issuer };
}

const subject = {
  sub: 'user-1',
  sid: 'session-1',
  username: 'alice',
  sessionExpiresAt: FROZEN_NOW.getTime() / 1000 + 3600,
};

describe('KMS signer', () => {
  it('signs tokens that verify with the KMS public key alone', async () => {
    const { publicKey } = mockKmsWithRealKey(kms);
    const { issuer } = signerAndIssuer();

    const { access, refresh } = await issuer.issuePair(subject);

    const key = await importJWK(publicKey.export({ format: 'jwk' }), 'ES256');
    for (const token of [access.token, refresh.token]) {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['ES256'],
        currentDate: FROZEN_NOW,
      });
      expect(payload.sub).toBe('user-1');
    }
  });

  it('asks KMS for ECDSA_SHA_256 over the exact JWS signing input', async () => {
    mockKmsWithRealKey(kms);
    const { issuer } = signerAndIssuer();

    const { access } = await issuer.issuePair(subject);

    const signingInput = access.token.split('.').slice(0, 2).join('.');
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: KEY_ID,
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'RAW',
      Message: Buffer.from(signingInput, 'ascii'),
    });
  });

  it('produces valid tokens when r or s has leading zero bytes', async () => {
    mockKmsWithRealKey(kms);
    const { signer, issuer } = signerAndIssuer();
    const verifier = createTokenVerifier({
      keys: signer,
      settings: TEST_SETTINGS,
      clock: frozenClock,
    });

    // About 1 signature in 128 has a short r or s; search for one (bounded).
    let found: string | undefined;
    for (let i = 0; i < 3000 && !found; i++) {
      const { access } = await issuer.issuePair(subject);
      const { signature } = decodeJwt(access.token);
      if (signature[0] === 0 || signature[32] === 0) found = access.token;
    }

    expect(found).toBeDefined();
    await expect(verifier.verify(found ?? '', 'access')).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('publishes the public key with its RFC 7638 thumbprint as kid, fetched once', async () => {
    const { publicKey } = mockKmsWithRealKey(kms);
    const { signer, issuer } = signerAndIssuer();

    const jwk = await signer.publicKey();
    await issuer.issuePair(subject);
    await issuer.issuePair(subject);

    const expected = publicKey.export({ format: 'jwk' });
    expect(jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expected.x,
      y: expected.y,
      kid: await calculateJwkThumbprint(expected as never),
      alg: 'ES256',
      use: 'sig',
    });
    expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 1);
    expect(decodeJwt((await issuer.issuePair(subject)).access.token).header.kid).toBe(jwk.kid);
  });

  it('fails with UnavailableError when KMS cannot sign', async () => {
    mockKmsWithRealKey(kms);
    kms.on(SignCommand).rejects(new Error('throttled'));
    const { signer } = signerAndIssuer();

    await expect(signer.sign(Buffer.from('input'))).rejects.toBeInstanceOf(UnavailableError);
  });

  it('fails with UnavailableError when the public key cannot be read, and retries later', async () => {
    const { publicKey } = mockKmsWithRealKey(kms);
    kms
      .on(GetPublicKeyCommand)
      .rejectsOnce(new Error('unreachable'))
      .resolves({ PublicKey: publicKey.export({ format: 'der', type: 'spki' }) });
    const { signer } = signerAndIssuer();

    await expect(signer.publicKey()).rejects.toBeInstanceOf(UnavailableError);
    await expect(signer.publicKey()).resolves.toMatchObject({ kty: 'EC', crv: 'P-256' });
  });
});

describe('KMS signer with the public key handed over at deploy time', () => {
  it('signs without ever calling kms:GetPublicKey', async () => {
    const { publicKey } = mockKmsWithRealKey(kms);
    const { toPublicJwk } = await import('../../lambdas/signing/signer');
    const known = await toPublicJwk(publicKey.export({ format: 'jwk' }));
    const signer = createKmsSigner({ client: new KMSClient({}), keyId: KEY_ID, publicKey: known });
    const issuer = createTokenIssuer({ signer, settings: TEST_SETTINGS, clock: frozenClock });

    const { access } = await issuer.issuePair(subject);

    expect(decodeJwt(access.token).header).toMatchObject({ kid: known.kid });
    expect(kms).not.toHaveReceivedCommand(GetPublicKeyCommand);
    const verifier = createTokenVerifier({
      keys: signer,
      settings: TEST_SETTINGS,
      clock: frozenClock,
    });
    await expect(verifier.verify(access.token, 'access')).resolves.toMatchObject({ sub: 'user-1' });
  });
});
