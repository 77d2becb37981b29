/**
 * Lambda for the deployment rehearsal: each function of the template runs in
 * a child process of its own (lambda-runtime.mjs), started on its first
 * invocation (the cold start) and kept warm after it, with exactly the
 * environment the function gets in AWS (the template's variables, resolved,
 * plus Lambda's reserved ones) and the process's working directory in the
 * function's asset, like `/var/task`. An invocation that outlives the
 * function's timeout fails and its process is replaced, as Lambda replaces a
 * timed-out sandbox; so is a process that crashed or failed to load.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';

const RUNTIME = resolve(__dirname, 'lambda-runtime.mjs');

export interface HostedFunction {
  logicalId: string;
  /** Physical name: `AWS_LAMBDA_FUNCTION_NAME`. */
  name: string;
  arn: string;
  /** Folder of the bundle (the asset), the sandbox's working directory. */
  codeDir: string;
  /** `file.export`, as in the template. */
  handler: string;
  /** e.g. `nodejs24.x`. */
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Every variable the function sees: nothing of this process leaks in. */
  environment: Record<string, string>;
}

/** An error the function reported (or its sandbox), as Lambda reports it. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The sandbox it was sent to: only its own exit fails it. */
  child: ChildProcess;
}

interface RuntimeMessage {
  type: 'result';
  id: string;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  fatal?: boolean;
}

/** One function's warm sandbox, created on demand. */
export class FunctionHost {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<string, Pending>();
  /** How many sandboxes were started (cold starts), for the start-up report and tests. */
  coldStarts = 0;

  constructor(readonly fn: HostedFunction) {}

  private sandbox(): ChildProcess {
    if (this.child) return this.child;
    this.coldStarts += 1;
    const child = fork(RUNTIME, [], {
      cwd: this.fn.codeDir,
      env: this.fn.environment,
      // Not this process's flags (tsx, jest): NODE_OPTIONS from the template applies instead.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    child.on('message', (message: RuntimeMessage) => this.settle(message));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.failAll(
        child,
        new FunctionError(
          'Runtime.ExitError',
          `${this.fn.logicalId}: sandbox exited (${signal ?? `code ${code}`})`,
        ),
      );
    });
    // A failed IPC write (the child just died) surfaces through 'exit'.
    child.on('error', () => undefined);
    this.child = child;
    return child;
  }

  private settle(message: RuntimeMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) {
      pending.reject(new FunctionError(message.error.errorType, message.error.errorMessage));
      // A failed cold start: the next invocation starts a fresh sandbox.
      if (message.fatal) this.recycle();
    } else {
      pending.resolve(message.result);
    }
  }

  private failAll(child: ChildProcess, error: Error): void {
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  private recycle(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  /** Invokes the function with `event`; resolves with its result, rejects with a {@link FunctionError}. */
  invoke(event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    const child = this.sandbox();
    const id = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new FunctionError(
            'Sandbox.Timedout',
            `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          ),
        );
        this.recycle();
      }, timeoutMs);
      this.pending.set(id, { resolve: resolvePromise, reject, timer, child });
      child.send({
        type: 'invoke',
        id,
        event,
        requestId,
        functionArn: this.fn.arn,
        deadline: Date.now() + timeoutMs,
      });
    });
  }

  /** Stops the sandbox, if one runs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    await exited;
  }
}
