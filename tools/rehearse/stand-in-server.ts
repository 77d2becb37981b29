/**
 * What the rehearsal's AWS stand-ins (KMS, SES) share: their error, an AWS
 * error type with its HTTP status; their request loop, a JSON answer or a
 * refusal in the service's own error format; and their server on a free
 * loopback port, serving only requests signed with the rehearsal's per-start
 * credential when one is given (local/request-signature.ts).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
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

/** How a service's protocol words its answers. */
export interface StandInProtocol {
  contentType: string;
  /** The error type of a failure that is no {@link StandInError} (the service's 500). */
  internalType: string;
  /** The headers and body of a refusal of `type`. */
  refusal(type: string, message: string): { headers?: Record<string, string>; body: unknown };
}

/** The request's body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A server answering each request with what `handle` resolves to (200, JSON)
 * or, when it throws, with the refusal `protocol` words: a
 * {@link StandInError}'s type and status, anything else as the service's 500.
 */
export function standInServer(
  protocol: StandInProtocol,
  handle: (request: IncomingMessage) => Promise<unknown>,
): Server {
  return createServer((request, response) => {
    handle(request).then(
      (body) => {
        response.writeHead(200, { 'Content-Type': protocol.contentType });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        const known = error instanceof StandInError;
        const { headers, body } = protocol.refusal(
          known ? error.type : protocol.internalType,
          error instanceof Error ? error.message : String(error),
        );
        response.writeHead(known ? error.status : 500, {
          'Content-Type': protocol.contentType,
          ...headers,
        });
        response.end(JSON.stringify(body));
      },
    );
  });
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
