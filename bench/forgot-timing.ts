/**
 * What `POST /auth/password/forgot`'s response time says about the account,
 * on the embedded engine with the real stores: the domain operation for an
 * account with a verified address and for names and addresses nobody has,
 * without the response-time floor and with the default one. A send is
 * stood in for by a fixed wait (`BENCH_FORGOT_SEND_MS`, default 150 ms, in
 * the range SES answers in), since only the account with an address sends.
 * Without the floor the known account is visibly slower; with it every case
 * takes the floor. `BENCH_FORGOT_RUNS` (default 5) runs per case.
 */
import { performance } from 'node:perf_hooks';
import { type ForgotRequest, forgotPassword } from '../lambdas/auth/password-reset';
import { systemClock, systemSleep } from '../lambdas/clock';
import { EMAIL_SETTINGS } from '../lambdas/contract/email-settings';
import { createDocumentClient } from '../lambdas/store/dynamo';
import { createRecoveryStore } from '../lambdas/store/recovery';
import { createRequestLimitStore } from '../lambdas/store/request-limits';
import { createUserStore } from '../lambdas/store/users';
import { LOCAL_TABLE_NAMES } from '../local/tables';
import { type Figures, figuresOf } from './measure';

const RUNS = Number(process.env.BENCH_FORGOT_RUNS ?? 5);
const SEND_MS = Number(process.env.BENCH_FORGOT_SEND_MS ?? 150);
const FLOOR_MS = EMAIL_SETTINGS.passwordForgotMinResponseMs.default;

export async function benchForgotTiming(endpoint: string): Promise<Figures[]> {
  const documents = createDocumentClient({ endpoint });
  const users = createUserStore(documents, LOCAL_TABLE_NAMES.users);
  const recovery = createRecoveryStore(documents, LOCAL_TABLE_NAMES);
  const email = 'owner@example.com';
  const account = { username: 'bench-owner', userId: 'bench-owner-id' };
  await users.create({
    ...account,
    passwordHash: 'not used',
    createdAt: new Date().toISOString(),
    email,
    emailVerified: true,
  });
  await recovery.claimAddress({ ...account, email, verifiedAt: new Date().toISOString() });

  const cases: [string, ForgotRequest][] = [
    ['known account, by username', { username: account.username }],
    ['unknown username', { username: 'nobody-at-all' }],
    ['known address', { email }],
    ['unknown address', { email: 'nobody@example.com' }],
  ];
  const rows: Figures[] = [];
  for (const floor of [0, FLOOR_MS]) {
    const deps = {
      users,
      recovery,
      mail: { send: () => systemSleep(SEND_MS) },
      clock: systemClock,
      sleep: systemSleep,
      reset: {
        linkBaseUrl: 'https://app.example.com/',
        resetTtlSeconds: EMAIL_SETTINGS.passwordResetTtlSeconds.default,
        forgotMinResponseMs: floor,
      },
      requestLimits: createRequestLimitStore(documents, LOCAL_TABLE_NAMES.recovery),
      recoveryLimits: { perAddressPerHour: 1e6, perAccountPerHour: 1e6, perClientPerHour: 1e6 },
    };
    for (const [name, request] of cases) {
      const runs: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        await forgotPassword(deps, request, { ip: '127.0.0.1' });
        runs.push(performance.now() - started);
      }
      rows.push(figuresOf(`forgot, floor ${floor} ms: ${name}`, runs));
    }
  }
  documents.destroy();
  return rows;
}
