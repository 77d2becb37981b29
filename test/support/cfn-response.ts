/**
 * A stand-in for CloudFormation's presigned response URL, for custom resource
 * tests: a local HTTP server that records every answer a handler sends, and
 * the events that point at it. It listens for the test file's duration and
 * forgets its answers after each test.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PublicKeyResourceEvent } from '../../lambdas/signing/public-key-resource';

/** One answer as the response URL received it. */
export interface CfnAnswer {
  method?: string;
  body: Record<string, unknown>;
}

/** What sets one custom resource's events apart from another's. */
export type CfnResourceDefaults = Pick<
  PublicKeyResourceEvent,
  'LogicalResourceId' | 'ResourceProperties'
>;

export interface CfnResponseUrl {
  /** The answers received in the current test, in order. */
  answers: CfnAnswer[];
  /** A Create event whose ResponseURL is this server, with `overrides`. */
  event: (overrides?: Partial<PublicKeyResourceEvent>) => PublicKeyResourceEvent;
}

/** Registers the server's jest hooks; call it at the top of a test file. */
export function cfnResponseUrl(defaults: CfnResourceDefaults): CfnResponseUrl {
  const answers: CfnAnswer[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      answers.push({ method: request.method, body: JSON.parse(body) });
      response.end();
    });
  });

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => {
    answers.length = 0;
  });

  return {
    answers,
    event: (overrides = {}) => {
      const { port } = server.address() as AddressInfo;
      return {
        RequestType: 'Create',
        ResponseURL: `http://127.0.0.1:${port}/presigned`,
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
        RequestId: 'request-1',
        ...defaults,
        ...overrides,
      };
    },
  };
}
