/**
 * No test may open a connection outside loopback (as aws-jwt-verify's suite
 * refuses real network traffic): every TCP or TLS connection of the test
 * process goes through `net.Socket.prototype.connect` (`net.connect`, the
 * `http`/`https` agents, `tls.connect`, and the `fetch` of Node's bundled
 * undici), so the guard wraps it. A connection to any other host is refused
 * before a name is looked up or a packet is sent: the socket fails with
 * {@link NetworkGuardError}, and the test that opened it fails (afterEach),
 * even if it caught the error. Local IPC paths (Unix sockets) are allowed.
 *
 * Child processes (the `npm start` server of the end-to-end suite, Chromium)
 * are not covered: they have their own `net`.
 */
import net from 'node:net';

/** The reason a refused socket fails with. */
export class NetworkGuardError extends Error {
  override readonly name = 'NetworkGuardError';
  readonly code = 'ENETUNREACH';
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

/** Loopback only: `localhost`, 127.0.0.0/8 and ::1 (also as IPv4-mapped IPv6). */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.replace(/^::ffff:/, '');
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** Where `connect(...args)` goes: a host, or `undefined` for a local IPC path. */
function destination(args: unknown[]): string | undefined {
  let [first, second] = args;
  // net.connect(options, listener) reaches here as [[options, listener]] on some paths.
  if (Array.isArray(first)) [first, second] = first;
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown };
    if (typeof options.path === 'string') return undefined;
    return typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // an IPC path
  return typeof second === 'string' && second !== '' ? second : 'localhost';
}

/** Refused connections since the last {@link takeViolations}, with the test that made them. */
const violations: string[] = [];

/** Wraps a `connect` so that it refuses every destination outside loopback. */
export function guardConnect(original: Connect): Connect {
  return function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = destination(args);
    if (host === undefined || isLoopback(host)) return original.apply(this, args);
    const test = (globalThis as { expect?: jest.Expect }).expect?.getState().currentTestName;
    const message = `network guard: a test may connect to loopback only, not to ${host}`;
    violations.push(`${message}${test ? ` (in "${test}")` : ''}`);
    process.nextTick(() => this.destroy(new NetworkGuardError(message)));
    return this;
  };
}

/** The refusals so far, forgotten once read. */
export function takeViolations(): string[] {
  return violations.splice(0);
}

const INSTALLED = Symbol.for('serverless-jwt-auth.network-guard');

/** Installs the guard once per process (Jest runs many files in one worker). */
export function installNetworkGuard(): void {
  const proto = net.Socket.prototype as unknown as Record<symbol, unknown> & {
    connect: Connect;
  };
  if (proto[INSTALLED]) return;
  proto.connect = guardConnect(proto.connect);
  proto[INSTALLED] = true;
}

/**
 * Throws the refusals since the last call (after each test and each file, in
 * test/setup.ts), so the test that made them fails even if it caught the error.
 */
export function failOnViolations(): void {
  const refused = takeViolations();
  if (refused.length > 0) throw new Error(refused.join('\n'));
}
