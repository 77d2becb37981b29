/**
 * KMS calls per login and per refresh, counted at the KMS stand-in through the
 * real SDK client: the scale ceiling and the cost of the service
 * (docs/deploy.md, "KMS request quotas"). One `Sign` per issued pair with
 * opaque refresh tokens (two with JWT ones), and one `GenerateMac` per
 * instance, not per token. An MFA login's mfa_token is opaque: no `Sign` until the code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { Secret } from 'otpauth';
import { envelopeSigner } from '../../bench/token-issue';
import { login } from '../../lambdas/auth/login';
import { logout } from '../../lambdas/auth/logout';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../lambdas/auth/mfa/enrolment';
import { timeStep, totpCode } from '../../lambdas/auth/mfa/totp';
import { verifyMfa } from '../../lambdas/auth/mfa/verify';
import { refresh } from '../../lambdas/auth/refresh';
import { register } from '../../lambdas/auth/register';
import type { RefreshTokenFormat } from '../../lambdas/config';
import { MfaRequiredError } from '../../lambdas/errors';
import { createKmsSigner } from '../../lambdas/signing/kms-signer';
import { kmsRefreshTokenKey } from '../../lambdas/signing/refresh-token-key';
import { createTokenIssuer } from '../../lambdas/tokens/issue';
import { opaqueRefreshReader } from '../../lambdas/tokens/opaque-refresh';
import { createTokenVerifier } from '../../lambdas/tokens/verify';
import { type KmsStandIn, standInKeyId, startKmsStandIn } from '../../tools/rehearse/kms-stand-in';
import { domainWorld } from '../support/fakes';
import { TEST_SETTINGS } from '../support/keys';

const SIGNING = standInKeyId('kms-calls/signing');
const MAC = standInKeyId('kms-calls/refresh-token');
const ENVELOPE = standInKeyId('kms-calls/envelope');
const arn = (id: string) => `arn:aws:kms:us-east-1:000000000000:key/${id}`;
const CLIENT = { ip: '203.0.113.7', userAgent: 'jest' };
const CREDENTIALS = { username: 'alice', password: 'correct horse battery' };

let dir: string;
let kms: KmsStandIn;
let client: KMSClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-calls-'));
  kms = await startKmsStandIn({
    keyDir: dir,
    keys: [
      { keyId: SIGNING, arn: arn(SIGNING), aliases: [] },
      { keyId: MAC, arn: arn(MAC), aliases: [], spec: 'HMAC_256' },
      { keyId: ENVELOPE, arn: arn(ENVELOPE), aliases: [], spec: 'SYMMETRIC_DEFAULT' },
    ],
  });
  client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh function instance of the given format, on in-memory stores, signing through KMS. */
async function instance(refreshFormat: RefreshTokenFormat, mode: 'kms' | 'envelope' = 'kms') {
  const world = await domainWorld();
  const signer =
    mode === 'kms'
      ? createKmsSigner({ client, keyId: SIGNING })
      : await envelopeSigner(client, ENVELOPE);
  const refreshKey = kmsRefreshTokenKey(client, MAC);
  const settings = TEST_SETTINGS;
  const clock = world.clock;
  const wired = {
    ...world,
    issuer: createTokenIssuer({ signer, settings, clock, refreshFormat, refreshKey }),
    verifier: createTokenVerifier({
      keys: signer,
      settings,
      clock,
      opaqueRefresh: opaqueRefreshReader(refreshKey),
    }),
  };
  await register(wired, CREDENTIALS);
  return wired;
}

/** The KMS calls `action` makes, by operation. */
async function callsOf(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = kms.calls();
  await action();
  const after = kms.calls();
  return Object.fromEntries(
    Object.entries(after)
      .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

describe('KMS calls per token pair', () => {
  it('opaque refresh tokens: one Sign per login and per refresh, one GenerateMac per instance', async () => {
    const world = await instance('opaque');

    // GetPublicKey: the signer's kid, once per instance (the stack hands it over instead).
    expect(await callsOf(() => login(world, CREDENTIALS, CLIENT))).toEqual({
      GetPublicKey: 1,
      Sign: 1,
      GenerateMac: 1,
    });
    const pair = await login(world, CREDENTIALS, CLIENT);
    expect(await callsOf(() => login(world, CREDENTIALS, CLIENT))).toEqual({ Sign: 1 });

    let next = pair;
    expect(
      await callsOf(async () => {
        next = await refresh(world, pair.refresh.token, CLIENT);
      }),
    ).toEqual({ Sign: 1 });
    // A replay in the grace window signs the access token again, nothing more.
    expect(await callsOf(() => refresh(world, pair.refresh.token, CLIENT))).toEqual({ Sign: 1 });
    expect(
      await callsOf(() => logout(world, { refreshToken: next.refresh.token }, CLIENT)),
    ).toEqual({});
  });

  it('envelope mode: one Decrypt per instance, then no KMS call per login or refresh', async () => {
    const world = await instance('opaque', 'envelope');

    expect(await callsOf(() => login(world, CREDENTIALS, CLIENT))).toEqual({
      Decrypt: 1,
      GenerateMac: 1,
    });
    const pair = await login(world, CREDENTIALS, CLIENT);
    expect(await callsOf(() => login(world, CREDENTIALS, CLIENT))).toEqual({});
    const next = await refresh(world, pair.refresh.token, CLIENT);
    expect(await callsOf(() => refresh(world, next.refresh.token, CLIENT))).toEqual({});
    // The tokens it signs verify with the public key the stack hands over.
    await expect(world.verifier.verify(next.access.token, 'access')).resolves.toMatchObject({
      username: 'alice',
    });
  });

  it('JWT refresh tokens: two Signs per login and per refresh', async () => {
    const world = await instance('jwt');
    await login(world, CREDENTIALS, CLIENT);

    const pair = await login(world, CREDENTIALS, CLIENT);
    expect(await callsOf(() => login(world, CREDENTIALS, CLIENT))).toEqual({ Sign: 2 });
    expect(await callsOf(() => refresh(world, pair.refresh.token, CLIENT))).toEqual({ Sign: 2 });
  });

  it('a login with TOTP: the mfa_token costs no Sign, the pair after the code one', async () => {
    const world = await instance('opaque');
    const first = await login(world, CREDENTIALS, CLIENT);
    const caller = {
      userId: first.access.claims.sub,
      username: 'alice',
      sessionId: first.access.claims.sid,
    };
    const { secret } = await beginTotpEnrolment(world, caller, CREDENTIALS.password, CLIENT);
    const bytes = Secret.fromBase32(secret).bytes;
    await confirmTotpEnrolment(world, caller, totpCode(bytes, timeStep(world.clock())), CLIENT);
    world.clock.advance(30);

    let mfaToken = '';
    expect(
      await callsOf(async () => {
        const error = await login(world, CREDENTIALS, CLIENT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MfaRequiredError);
        mfaToken = (error as MfaRequiredError).mfaToken;
      }),
    ).toEqual({});
    const code = totpCode(bytes, timeStep(world.clock()));
    expect(await callsOf(() => verifyMfa(world, { mfaToken, code }, CLIENT))).toEqual({ Sign: 1 });
  });
});
