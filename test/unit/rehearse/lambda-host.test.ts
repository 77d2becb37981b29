/**
 * The rehearsal's Lambda: a function runs from its code folder in a sandbox
 * process of its own, with exactly the environment given, warm across
 * invocations; its errors come back as Lambda reports them; a timeout or a
 * failed cold start replaces the sandbox.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FunctionError,
  FunctionHost,
  type HostedFunction,
} from '../../../tools/rehearse/lambda-host';

const HANDLER = `
let invocations = 0;
export const handler = async (event, context) => {
  invocations += 1;
  if (event.fail) throw new Error('Unauthorized');
  if (event.hang) await new Promise(() => setInterval(() => {}, 1000));
  return {
    invocations,
    pid: process.pid,
    cwd: process.cwd(),
    table: process.env.TABLE,
    leaked: process.env.JEST_WORKER_ID ?? null,
    functionName: context.functionName,
    requestId: context.awsRequestId,
    remaining: context.getRemainingTimeInMillis(),
  };
};`;

let dir: string;
const hosts: FunctionHost[] = [];

async function host(code: string, overrides: Partial<HostedFunction> = {}): Promise<FunctionHost> {
  const codeDir = await mkdtemp(join(dir, 'asset-'));
  await writeFile(join(codeDir, 'index.mjs'), code);
  const created = new FunctionHost({
    logicalId: 'Fn',
    name: 'Stack-Fn',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:Stack-Fn',
    codeDir,
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    timeoutSeconds: 5,
    memoryMb: 256,
    environment: {
      PATH: process.env.PATH ?? '',
      TABLE: 'Stack-Items',
      AWS_LAMBDA_FUNCTION_NAME: 'Stack-Fn',
    },
    ...overrides,
  });
  hosts.push(created);
  return created;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lambda-host-'));
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('a hosted function', () => {
  it('runs in its own warm sandbox with only its environment, in its code folder', async () => {
    const fn = await host(HANDLER);

    const first = (await fn.invoke({}, 'req-1')) as Record<string, unknown>;
    const second = (await fn.invoke({}, 'req-2')) as Record<string, unknown>;

    expect(first).toMatchObject({
      invocations: 1,
      table: 'Stack-Items',
      leaked: null,
      functionName: 'Stack-Fn',
      requestId: 'req-1',
      cwd: fn.fn.codeDir,
    });
    expect(first.pid).not.toBe(process.pid);
    expect(first.remaining).toBeGreaterThan(0);
    expect(second).toMatchObject({ invocations: 2, pid: first.pid });
    expect(fn.coldStarts).toBe(1);
  });

  it('reports a thrown error as Lambda does, and stays warm', async () => {
    const fn = await host(HANDLER);

    await expect(fn.invoke({ fail: true })).rejects.toEqual(
      new FunctionError('Error', 'Unauthorized'),
    );
    await expect(fn.invoke({})).resolves.toMatchObject({ invocations: 2 });
  });

  it('fails an invocation that outlives the timeout and starts a fresh sandbox after it', async () => {
    const fn = await host(HANDLER, { timeoutSeconds: 1 });

    await expect(fn.invoke({ hang: true })).rejects.toMatchObject({
      errorType: 'Sandbox.Timedout',
    });
    await expect(fn.invoke({})).resolves.toMatchObject({ invocations: 1 });
    expect(fn.coldStarts).toBe(2);
  });

  it('fails every invocation of a module that does not load, retrying the cold start each time', async () => {
    const fn = await host('export const handler = ;');

    await expect(fn.invoke({})).rejects.toBeInstanceOf(FunctionError);
    await expect(fn.invoke({})).rejects.toBeInstanceOf(FunctionError);
    expect(fn.coldStarts).toBe(2);
  });
});
