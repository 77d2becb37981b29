/**
 * Fault injection for the key service: the runtime's KMS client, pointed at a
 * TCP proxy that refuses, resets or hangs (AWS_ENDPOINT_URL_KMS), fails a
 * signature with 503 `unavailable` in bounded time instead of waiting forever.
 */
import { ENV } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';
import { UnavailableError } from '../../lambdas/errors';
import { createRuntime } from '../../lambdas/runtime';
import { type FaultMode, startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/** A login signs two tokens; each signature stays far below the 10 s Lambda timeout. */
const SIGN_BOUND_MS = 3000;

let proxy: TcpProxy;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_KMS;

beforeAll(async () => {
  // Nothing behind it is ever reached: every mode tested here is a fault.
  proxy = await startTcpProxy({ port: 9 });
  process.env.AWS_ENDPOINT_URL_KMS = proxy.endpoint;
});

afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_KMS;
  else process.env.AWS_ENDPOINT_URL_KMS = previousEndpoint;
  await proxy?.close();
});

describe('the KMS signer behind a fault', () => {
  it.each<FaultMode>(['refuse', 'reset', 'hang'])(
    'fails with unavailable within the bound when KMS is set to %s',
    async (mode) => {
      await proxy.setMode(mode);
      const runtime = createRuntime({
        ...tableEnvironment(),
        [ENV.kmsKeyId]: 'alias/test-signing-key',
      });
      const started = performance.now();

      const outcome = await runtime
        .signer()
        .sign(Buffer.from('header.payload'))
        .then(
          () => 'signed',
          (error: unknown) => error,
        );

      expect(outcome).toBeInstanceOf(UnavailableError);
      expect(performance.now() - started).toBeLessThan(SIGN_BOUND_MS);
    },
  );
});
