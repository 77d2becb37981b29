/**
 * What the rehearsal's AWS stand-ins (KMS, SES) share: their error, an AWS
 * error type with its HTTP status, and their server on a free loopback
 * port, serving only requests signed with the rehearsal's per-start
 * credential when one is given (local/request-signature.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalCredential, requireSignature } from '../../local/request-signature';

/** A refusal as the AWS service answers it: its error type and status. */
export class StandInError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Listens on 127.0.0.1 (a free port); resolves with the endpoint and its closer. */
export async function listenOnLoopback(
  server: Server,
  credential?: LocalCredential,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  if (credential) requireSignature(server, credential);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
