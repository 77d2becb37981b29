/**
 * The network guard of test/setup.ts: loopback passes, anything else is
 * refused before a packet leaves, through every client the tests use (net,
 * http, https, fetch), and the test that tried fails. Here the guard wraps a
 * stand-in for the real connect that only records where it was asked to go,
 * so nothing leaves even if the guard let it through.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  failOnViolations,
  guardConnect,
  isLoopback,
  NetworkGuardError,
  takeViolations,
} from '../support/network-guard';

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
const proto = net.Socket.prototype as unknown as { connect: Connect };
let installed: Connect;
/** Where the stand-in was asked to connect: what the guard let through. */
let passed: string[];

beforeEach(() => {
  installed = proto.connect;
  passed = [];
  proto.connect = guardConnect(function standIn(this: net.Socket, ...args: unknown[]) {
    const [first, second] = Array.isArray(args[0]) ? args[0] : args;
    const host =
      typeof first === 'object' && first !== null
        ? String((first as { host?: unknown }).host ?? 'localhost')
        : String(second ?? 'localhost');
    passed.push(host);
    process.nextTick(() =>
      this.destroy(Object.assign(new Error('refused by the stand-in'), { code: 'ECONNREFUSED' })),
    );
    return this;
  });
});

afterEach(() => {
  proto.connect = installed;
  takeViolations();
});

/** The error a socket ends with. */
function failureOf(socket: net.Socket): Promise<Error> {
  return new Promise((resolve) => socket.once('error', resolve));
}

function requestError(request: http.ClientRequest): Promise<Error> {
  return new Promise((resolve) => request.once('error', resolve));
}

const OUTSIDE = '192.0.2.1'; // TEST-NET-1: documentation only

describe('isLoopback', () => {
  it.each([
    'localhost',
    '127.0.0.1',
    '127.0.0.2',
    '127.255.255.254',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
  ])('accepts %s', (host) => expect(isLoopback(host)).toBe(true));

  it.each([
    OUTSIDE,
    '10.0.0.1',
    '0.0.0.0',
    '169.254.169.254',
    'example.com',
    '::ffff:10.0.0.1',
    '128.0.0.1',
    'localhost.example.com',
  ])('refuses %s', (host) => expect(isLoopback(host)).toBe(false));
});

describe('the network guard', () => {
  it('lets net.connect reach loopback', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: 9 });
    const error = await failureOf(socket);

    expect(error.message).toBe('refused by the stand-in');
    expect(passed).toEqual(['127.0.0.1']);
    expect(takeViolations()).toEqual([]);
  });

  it('refuses net.connect to another host before it is looked up or dialled', async () => {
    const socket = net.connect(80, 'example.com');
    const error = await failureOf(socket);

    expect(error).toBeInstanceOf(NetworkGuardError);
    expect(passed).toEqual([]);
    expect(takeViolations()).toEqual([
      expect.stringContaining('a test may connect to loopback only, not to example.com'),
    ]);
  });

  it('refuses the http and https agents', async () => {
    const plain = await requestError(http.get(`http://${OUTSIDE}/`));
    const secure = await requestError(https.get(`https://${OUTSIDE}/`));

    expect(plain).toBeInstanceOf(NetworkGuardError);
    expect(secure).toBeInstanceOf(NetworkGuardError);
    expect(passed).toEqual([]);
    expect(takeViolations()).toHaveLength(2);
  });

  it('refuses fetch (undici), and lets it reach loopback', async () => {
    const outside = await fetch(`http://${OUTSIDE}:8080/`).catch((error: Error) => error);
    await fetch('http://127.0.0.1:8080/').catch(() => undefined);

    // undici wraps the socket's error in its own, keeping the message.
    expect(String((outside as Error).cause)).toContain(
      `network guard: a test may connect to loopback only, not to ${OUTSIDE}`,
    );
    expect(passed).toEqual(['127.0.0.1']);
    expect(takeViolations()).toHaveLength(1);
  });

  it('allows a local IPC path', async () => {
    const socket = net.connect({ path: '/nonexistent/guard-test.sock' });
    await failureOf(socket);

    expect(passed).toEqual(['localhost']);
    expect(takeViolations()).toEqual([]);
  });

  it('fails the test that was refused, even when the test caught the error', async () => {
    await failureOf(net.connect(443, OUTSIDE));

    expect(() => failOnViolations()).toThrow(`not to ${OUTSIDE}`);
    // Read once: the next test starts clean.
    expect(() => failOnViolations()).not.toThrow();
  });
});
