/**
 * `npm run bench`: what the hot paths cost on this machine, ours beside a
 * peer authorizer built the way AWS recommends (awslabs `aws-jwt-verify` with
 * exactly our revocation GetItem), in one process, in alternating rounds.
 * The DynamoDB client is real down to its HTTP layer, which answers from
 * memory (`canned-dynamo.ts`): the figures are the authorizer's own CPU.
 * Every request carries a distinct token (no cache could help either side).
 * Ours runs on each event shape it serves (REST TOKEN and REQUEST, HTTP API
 * payload 1.0 and 2.0), the peer on the TOKEN event of the same token.
 *
 * Then forgot-password's response time with and without its floor
 * (`forgot-timing.ts`), and token pair issue per signing mode against the KMS stand-in
 * (`token-issue.ts`): KMS calls per login and refresh, issue time, and the
 * ceiling KMS's ECC quota leaves.
 *
 * BENCH_ITERATIONS (default 20000) requests per round, BENCH_ROUNDS (3),
 * BENCH_COLD_STARTS (20) fresh processes per bundle, BENCH_PAIRS (200) pairs per mode.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { build, type Metafile } from 'esbuild';
import { createPasswordHasher } from '../lambdas/auth/passwords';
import { DEFAULTS, ENV, LEGACY_DEFAULT_ISSUER } from '../lambdas/config';
import { TABLES, tableEnvironment } from '../lambdas/contract/tables';
import { createAuthorizer } from '../lambdas/http/authorizer';
import type { AuthorizerEvent, EventShape } from '../lambdas/http/authorizer-events';
import { createLocalSigner } from '../lambdas/signing/local-signer';
import { staticKeySet } from '../lambdas/signing/signer';
import { createDynamoClient } from '../lambdas/store/dynamo-client';
import { createRevocationLookup } from '../lambdas/store/revocation-lookup';
import { createTokenIssuer } from '../lambdas/tokens/issue';
import { createTokenVerifier } from '../lambdas/tokens/verify';
import { startEmbeddedDynamo } from '../local/embedded-dynamo';
import { ensureTables } from '../local/tables';
import { authorizerEvent, SHAPES } from '../test/support/authorizer-events';
import { esbuildOptions } from '../tools/esbuild-options';
import { createCannedDynamoClient } from './canned-dynamo';
import { type Comparison, coldStarts, compare, perOperation } from './compare';
import { benchForgotTiming } from './forgot-timing';
import { printTable as printFigures } from './measure';
import { benchSessions } from './sessions';
import { benchTokenIssue } from './token-issue';

const N = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 20);
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/auth/me';

const OURS_ENTRY = 'lambdas/handlers/authorizer.ts';
const PEER_ENTRY = 'bench/peer-authorizer.ts';
const SDK = /node_modules\/@(aws-sdk|smithy)\//;

async function bundle(entry: string, outfile: string, sdkExternal = false) {
  const options = esbuildOptions(entry, outfile);
  const result = await build({
    ...options,
    ...(sdkExternal ? { external: ['@aws-sdk/*'] } : {}),
  });
  const [output] = Object.values((result.metafile as Metafile).outputs);
  const inputs = Object.entries(output?.inputs ?? {});
  const ownBytes = inputs
    .filter(([file]) => !SDK.test(file))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
  return { file: outfile, totalBytes: output?.bytes ?? 0, ownBytes };
}

type Row = [string, string, string, string];
const us = (value: number) => `${value.toFixed(1)} µs`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`;
const ratio = (value: number) => value.toFixed(2);

function comparisonRows(name: string, c: Comparison): Row[] {
  return [
    [`${name}: CPU per request`, us(c.ours.cpuMicros), us(c.peer.cpuMicros), ratio(c.cpuRatio)],
    [`${name}: wall per request`, us(c.ours.wallMicros), us(c.peer.wallMicros), ratio(c.wallRatio)],
  ];
}

function printTable(rows: Row[]): void {
  const widths = [0, 1, 2, 3].map((column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: Row) =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const [header, ...body] = rows;
  if (!header) return;
  console.log(line(header));
  console.log(
    `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
  );
  for (const row of body) console.log(line(row));
}

async function main(): Promise<void> {
  const settings = { ...DEFAULTS, issuer: LEGACY_DEFAULT_ISSUER, clientId: DEFAULTS.audience };
  const keyDir = await mkdtemp(join(tmpdir(), 'jwt-auth-bench-'));
  const signer = createLocalSigner(keyDir);
  const publicKey = await signer.publicKey();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...tableEnvironment(),
    [ENV.kmsKeyId]: 'alias/bench',
    [ENV.publicKeys]: JSON.stringify([publicKey]),
    [ENV.currentKid]: publicKey.kid,
  };
  Object.assign(process.env, env);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { createPeerAuthorizer } = await import('./peer-authorizer');

  const issuer = createTokenIssuer({ signer, settings });
  const subject = { sub: 'user', sid: 'session', username: 'alice' };
  const issue = () => issuer.issuePair({ ...subject, sessionExpiresAt: issuer.sessionExpiresAt() });

  // Token pair issue time (local ES256 signing, two tokens); each pair gives a distinct access token.
  const issued: string[] = [];
  const issueTime = await perOperation(N * ROUNDS + 10, async () => {
    issued.push((await issue()).access.token);
  });
  const tokens = issued;
  const events = tokens.map(
    (token): APIGatewayTokenAuthorizerEvent => ({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn: METHOD_ARN,
    }),
  );

  const verifier = createTokenVerifier({ keys: staticKeySet([publicKey]), settings });
  const lookup = createRevocationLookup(
    createCannedDynamoClient(),
    TABLES.revokedTokens.logicalName,
  );
  const ours = createAuthorizer({ verifier, revokedTokens: lookup });
  const peer = createPeerAuthorizer(process.env, createCannedDynamoClient());
  const peerWithDocuments = createPeerAuthorizer(process.env, createCannedDynamoClient(), {
    documentClient: true,
  });
  const { JwtVerifier } = await import('aws-jwt-verify');
  const peerVerifier = JwtVerifier.create({
    issuer: settings.issuer,
    audience: settings.audience,
    jwksUri: 'https://keys.invalid/.well-known/jwks.json',
  });
  peerVerifier.cacheJwks(JSON.parse(JSON.stringify({ keys: [publicKey] })));

  // Warm up both sides (JIT, key import, SDK endpoint resolution).
  for (let i = 0; i < 200; i++) {
    const event = events[i % events.length] as APIGatewayTokenAuthorizerEvent;
    await ours(event);
    await peer(event);
    await peerWithDocuments(event);
  }

  const at = (i: number) => events[i] as APIGatewayTokenAuthorizerEvent;
  const tokenAt = (i: number) => tokens[i] as string;
  // Ours in each event shape, the peer on the TOKEN event of the same token: the dispatch's cost shows.
  const byShape: [EventShape, Comparison][] = [];
  for (const shape of SHAPES) {
    const shaped = tokens.map(
      (token) => authorizerEvent(shape, `Bearer ${token}`) as AuthorizerEvent,
    );
    for (let i = 0; i < 200; i++) await ours(shaped[i % shaped.length] as AuthorizerEvent);
    byShape.push([
      shape,
      await compare(
        ROUNDS,
        N,
        (i) => ours(shaped[i] as AuthorizerEvent),
        (i) => peer(at(i)),
      ),
    ]);
  }
  const authorizerVsDocuments = await compare(
    ROUNDS,
    N,
    (i) => ours(at(i)),
    (i) => peerWithDocuments(at(i)),
  );
  const verifyOnly = await compare(
    ROUNDS,
    N,
    (i) => verifier.verify(tokenAt(i), 'access'),
    (i) => peerVerifier.verify(tokenAt(i)),
  );
  const getItem = await compare(
    ROUNDS,
    N,
    (i) => lookup.isRevoked(`jti-${i}`),
    (i) => lookup.isRevoked(`jti-${i}`),
  );

  // Cold start: fresh processes importing each bundle, built as deployed.
  // Inside the (git-ignored) cdk.out, so a bundle that leaves the SDK out finds it in node_modules.
  await mkdir('cdk.out', { recursive: true });
  const outdir = resolve(await mkdtemp(join('cdk.out', 'bench-bundles-')));
  const oursBundle = await bundle(OURS_ENTRY, join(outdir, 'ours.mjs'));
  const peerBundle = await bundle(PEER_ENTRY, join(outdir, 'peer.mjs'));
  const oursExternal = await bundle(OURS_ENTRY, join(outdir, 'ours-ext.mjs'), true);
  const peerExternal = await bundle(PEER_ENTRY, join(outdir, 'peer-ext.mjs'), true);
  const loads = coldStarts(
    {
      ours: oursBundle.file,
      peer: peerBundle.file,
      oursExternal: oursExternal.file,
      peerExternal: peerExternal.file,
    },
    COLD_STARTS,
    env,
  );
  const load = (name: string) => loads[name] ?? Number.NaN;

  const hasher = createPasswordHasher();
  const scrypt = await perOperation(3, () => hasher.hash('correct horse battery staple'));

  const rows: Row[] = [
    ['figure', 'ours', 'peer', 'ours/peer'],
    ...byShape.flatMap(([shape, comparison]) =>
      comparisonRows(`authorizer, ${shape} event, peer with our exact GetItem`, comparison),
    ),
    ...comparisonRows('authorizer, peer reading with the DocumentClient', authorizerVsDocuments),
    ...comparisonRows('verify only', verifyOnly),
    [
      'GetItem only (same call both sides): CPU',
      us(getItem.ours.cpuMicros),
      us(getItem.peer.cpuMicros),
      ratio(getItem.cpuRatio),
    ],
    [
      `cold start: ours SDK bundled, peer stock (SDK from the runtime), median of ${COLD_STARTS}`,
      ms(load('ours')),
      ms(load('peerExternal')),
      ratio(load('ours') / load('peerExternal')),
    ],
    [
      'cold start: both with the SDK bundled',
      ms(load('ours')),
      ms(load('peer')),
      ratio(load('ours') / load('peer')),
    ],
    [
      'cold start: both with the SDK from the runtime',
      ms(load('oursExternal')),
      ms(load('peerExternal')),
      ratio(load('oursExternal') / load('peerExternal')),
    ],
    [
      'authorizer bundle without the SDK',
      kb(oursBundle.ownBytes),
      kb(peerBundle.ownBytes),
      ratio(oursBundle.ownBytes / peerBundle.ownBytes),
    ],
    [
      'authorizer bundle with the SDK',
      kb(oursBundle.totalBytes),
      kb(peerBundle.totalBytes),
      ratio(oursBundle.totalBytes / peerBundle.totalBytes),
    ],
    ['token pair issue (local ES256, wall)', us(issueTime.wallMicros), '', ''],
    ['scrypt hash N=2^17 r=8 p=1 (wall)', ms(scrypt.wallMicros / 1000), '', ''],
  ];
  const [cpu] = cpus();
  console.log(
    `\n${N} requests x ${ROUNDS} rounds, distinct token per request; ${cpus().length} x ${cpu?.model ?? 'CPU'}, Node ${process.version}\n`,
  );
  printTable(rows);
  await rm(outdir, { recursive: true, force: true });
  await rm(keyDir, { recursive: true, force: true });
  await benchRevokingSessions();
  await benchTokenIssue();
}

/**
 * Logout-all and password change of a user at the session cap, against the
 * real stores on the embedded engine (BENCH_SESSION_COUNTS, default the cap).
 */
async function benchRevokingSessions(): Promise<void> {
  const engine = await startEmbeddedDynamo();
  try {
    await ensureTables(createDynamoClient({ endpoint: engine.endpoint }));
    console.log('\nRevoking every session of one user (embedded engine):\n');
    printFigures(await benchSessions(engine.endpoint));
    console.log(
      '\nForgot password: the response time with and without the floor (embedded engine):\n',
    );
    printFigures(await benchForgotTiming(engine.endpoint));
  } finally {
    await engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
