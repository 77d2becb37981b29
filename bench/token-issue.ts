/**
 * Token pair issue per signing mode, against the KMS stand-in of the
 * rehearsal (the real SDK client over loopback HTTP, so a KMS call costs a
 * round trip here as it does in AWS, if a shorter one): the KMS calls each
 * login and each refresh makes, counted at the stand-in, the wall time of
 * one pair, and the ceiling of logins plus refreshes per second that KMS's
 * ECC quota leaves (docs/deploy.md, "KMS request quotas").
 */
import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GenerateDataKeyPairWithoutPlaintextCommand, KMSClient } from '@aws-sdk/client-kms';
import { DEFAULTS, LEGACY_DEFAULT_ISSUER, type RefreshTokenFormat } from '../lambdas/config';
import { ENVELOPE_ENCRYPTION_CONTEXT } from '../lambdas/signing/envelope-context';
import { createEnvelopeSigner } from '../lambdas/signing/envelope-signer';
import { createKmsSigner } from '../lambdas/signing/kms-signer';
import { kmsRefreshTokenKey } from '../lambdas/signing/refresh-token-key';
import { type TokenSigner, toPublicJwk } from '../lambdas/signing/signer';
import { createTokenIssuer } from '../lambdas/tokens/issue';
import { type KmsStandIn, standInKeyId, startKmsStandIn } from '../tools/rehearse/kms-stand-in';

/** The ECC request quota's defaults: older tables (300) and the current one (1,000). */
export const ECC_QUOTAS = [300, 1000] as const;

export interface IssueMode {
  name: string;
  refreshFormat: RefreshTokenFormat;
  /** The signer of this mode, given the stand-in's client and keys. */
  signer(client: KMSClient, keys: BenchKeys): TokenSigner | Promise<TokenSigner>;
}

export interface BenchKeys {
  signing: string;
  mac: string;
  symmetric: string;
}

export interface IssueFigures {
  mode: string;
  /** KMS calls per login and per refresh, once the instance is warm. */
  kmsPerLogin: number;
  kmsPerRefresh: number;
  /** Of which `Sign` (the ECC quota). */
  signsPerPair: number;
  /** Wall time of one pair, ms (median). */
  pairMs: number;
}

export const KMS_MODES: IssueMode[] = [
  {
    name: 'KMS signs both tokens (refreshTokenFormat=jwt)',
    refreshFormat: 'jwt',
    signer: (client, keys) => createKmsSigner({ client, keyId: keys.signing }),
  },
  {
    name: 'KMS signs the access token, opaque refresh token (default)',
    refreshFormat: 'opaque',
    signer: (client, keys) => createKmsSigner({ client, keyId: keys.signing }),
  },
  {
    name: 'envelope mode (signingMode=envelope), opaque refresh token',
    refreshFormat: 'opaque',
    signer: (client, keys) => envelopeSigner(client, keys.symmetric),
  },
];

/** What the stack's key-pair resource does at deploy time, then the envelope signer over it. */
export async function envelopeSigner(client: KMSClient, keyId: string): Promise<TokenSigner> {
  const pair = await client.send(
    new GenerateDataKeyPairWithoutPlaintextCommand({
      KeyId: keyId,
      KeyPairSpec: 'ECC_NIST_P256',
      EncryptionContext: { ...ENVELOPE_ENCRYPTION_CONTEXT },
    }),
  );
  const publicKey = await toPublicJwk(
    createPublicKey({
      key: Buffer.from(pair.PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    }).export({ format: 'jwk' }),
  );
  return createEnvelopeSigner({
    client,
    keyId,
    ciphertext: Buffer.from(pair.PrivateKeyCiphertextBlob as Uint8Array).toString('base64'),
    publicKey,
  });
}

const total = (calls: Record<string, number>) =>
  Object.values(calls).reduce((sum, count) => sum + count, 0);

function delta(after: Record<string, number>, before: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]),
  );
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function measureMode(
  kms: KmsStandIn,
  client: KMSClient,
  keys: BenchKeys,
  mode: IssueMode,
  pairs: number,
): Promise<IssueFigures> {
  const issuer = createTokenIssuer({
    signer: await mode.signer(client, keys),
    settings: { ...DEFAULTS, issuer: LEGACY_DEFAULT_ISSUER, clientId: DEFAULTS.audience },
    refreshFormat: mode.refreshFormat,
    refreshKey: kmsRefreshTokenKey(client, keys.mac),
  });
  const subject = { sub: 'user', sid: 'session', username: 'alice' };
  const login = () => issuer.issuePair({ ...subject, sessionExpiresAt: issuer.sessionExpiresAt() });
  const refresh = async (presented: string) =>
    issuer.signPair(
      await issuer.newPairClaims(
        { ...subject, sessionExpiresAt: issuer.sessionExpiresAt() },
        presented,
      ),
    );

  // Warm: the instance's one-time calls (key derivation, decryption) are not per pair.
  let current = (await login()).refresh.token;
  current = (await refresh(current)).refresh.token;

  const beforeLogins = kms.calls();
  const times: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const started = performance.now();
    await login();
    times.push(performance.now() - started);
  }
  const loginCalls = delta(kms.calls(), beforeLogins);
  const beforeRefreshes = kms.calls();
  for (let i = 0; i < pairs; i++) {
    const started = performance.now();
    current = (await refresh(current)).refresh.token;
    times.push(performance.now() - started);
  }
  const refreshCalls = delta(kms.calls(), beforeRefreshes);
  return {
    mode: mode.name,
    kmsPerLogin: total(loginCalls) / pairs,
    kmsPerRefresh: total(refreshCalls) / pairs,
    signsPerPair: ((loginCalls.Sign ?? 0) + (refreshCalls.Sign ?? 0)) / (2 * pairs),
    pairMs: median(times),
  };
}

/** Runs every mode against one stand-in and prints the table. */
export async function benchTokenIssue(
  modes: readonly IssueMode[] = KMS_MODES,
  pairs = Number(process.env.BENCH_PAIRS ?? 200),
): Promise<IssueFigures[]> {
  const keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-bench-kms-'));
  const arn = (id: string) => `arn:aws:kms:us-east-1:000000000000:key/${id}`;
  const keys: BenchKeys = {
    signing: standInKeyId('bench/signing'),
    mac: standInKeyId('bench/refresh-token'),
    symmetric: standInKeyId('bench/envelope'),
  };
  const kms = await startKmsStandIn({
    keyDir,
    keys: [
      { keyId: keys.signing, arn: arn(keys.signing), aliases: [] },
      { keyId: keys.mac, arn: arn(keys.mac), aliases: [], spec: 'HMAC_256' },
      { keyId: keys.symmetric, arn: arn(keys.symmetric), aliases: [], spec: 'SYMMETRIC_DEFAULT' },
    ],
  });
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    const figures: IssueFigures[] = [];
    for (const mode of modes) figures.push(await measureMode(kms, client, keys, mode, pairs));
    printIssueTable(figures, pairs);
    return figures;
  } finally {
    client.destroy();
    await kms.close();
    await rm(keyDir, { recursive: true, force: true });
  }
}

/** Logins plus refreshes per second that `quota` ECC requests per second allow; none without Sign. */
export const ceiling = (signsPerPair: number, quota: number): string =>
  signsPerPair === 0 ? 'no KMS ceiling' : String(Math.floor(quota / signsPerPair));

function printIssueTable(figures: IssueFigures[], pairs: number): void {
  console.log(
    `\nToken pair issue per signing mode (KMS stand-in over loopback, ${pairs} logins and ${pairs} refreshes each):\n`,
  );
  const header = [
    'mode',
    'KMS calls / login',
    'KMS calls / refresh',
    'pair issue (wall, median)',
    ...ECC_QUOTAS.map((quota) => `ceiling at ${quota} ECC/s`),
  ];
  const rows = figures.map((f) => [
    f.mode,
    f.kmsPerLogin.toFixed(2),
    f.kmsPerRefresh.toFixed(2),
    `${f.pairMs.toFixed(1)} ms`,
    ...ECC_QUOTAS.map((quota) => ceiling(f.signsPerPair, quota)),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

if (require.main === module) {
  benchTokenIssue().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
