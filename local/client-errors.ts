/**
 * The answers to requests that never reach the gateway because Node's HTTP
 * parser refuses them (a malformed request line, headers over Node's 16 KB
 * limit, a header timeout). Node would answer those itself with a bare status
 * line; these carry the JSON error body and the headers every answer of the
 * API carries (`nosniff`, `no-store`), as far as a raw socket allows.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_MESSAGES } from '../lambdas/contract/errors';
import { SECURITY_HEADERS } from '../lambdas/contract/headers';

/** Node's parser error codes with a status of their own; everything else is 400. */
const STATUS_OF_CODE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** The raw HTTP answer to a request Node could not parse, closing the connection. */
export function clientErrorAnswer(code: string | undefined): string {
  const [status, reason] = STATUS_OF_CODE[code ?? ''] ?? [400, 'Bad Request'];
  const body = JSON.stringify({ error: 'invalid_request', message: ERROR_MESSAGES.invalidRequest });
  const headers = {
    'Content-Type': 'application/json',
    ...SECURITY_HEADERS,
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Makes `server` answer unparsable requests with {@link clientErrorAnswer} instead of Node's bare one. */
export function answerClientErrors(server: Server): Server {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    // A reset connection, or one already answered: nobody to tell.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(error.code));
  });
  return server;
}
