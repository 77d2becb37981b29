/**
 * The Lambda runtime of the deployment rehearsal, one child process per
 * function (tools/rehearse/lambda-host.ts forks it): it loads the bundled
 * handler named by `_HANDLER` from `LAMBDA_TASK_ROOT` once, as a Lambda
 * sandbox does at its cold start, then serves invocations sent over IPC with
 * `handler(event, context)`. Errors go back as Lambda reports them:
 * `{errorType, errorMessage}`. Plain JavaScript, so it runs without tsx,
 * exactly like the bundle it hosts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const spec = process.env._HANDLER ?? 'index.handler';
const dot = spec.lastIndexOf('.');
const moduleName = spec.slice(0, dot);
const exportName = spec.slice(dot + 1);

/** Lambda tries these extensions for the handler's module, in this order. */
function modulePath() {
  for (const extension of ['.js', '.mjs', '.cjs']) {
    const candidate = join(root, `${moduleName}${extension}`);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function report(error, fallbackType) {
  return {
    errorType: error?.name ?? fallbackType,
    errorMessage: error instanceof Error ? error.message : String(error),
  };
}

async function loadHandler() {
  const file = modulePath();
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}' in ${root}`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const loaded = await import(pathToFileURL(file).href);
  const handler = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

function contextOf(request) {
  const deadline = request.deadline;
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: request.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: request.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${name}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'rehearsal',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls the handler, whether it returns a promise or answers through the callback. */
function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (typeof returned?.then === 'function') returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}

const handlerLoaded = loadHandler();
// A failed cold start is reported on the first invocation; the host then replaces this process.
handlerLoaded.catch(() => undefined);

// The host is gone (stopped, or killed): a sandbox never outlives it.
process.on('disconnect', () => process.exit(0));

process.on('message', async (request) => {
  if (request?.type !== 'invoke') return;
  let handler;
  try {
    handler = await handlerLoaded;
  } catch (error) {
    process.send({
      type: 'result',
      id: request.id,
      error: report(error, 'Runtime.ImportModuleError'),
      fatal: true,
    });
    return;
  }
  try {
    const result = await invoke(handler, request.event, contextOf(request));
    process.send({ type: 'result', id: request.id, result: result ?? null });
  } catch (error) {
    process.send({ type: 'result', id: request.id, error: report(error, 'Error') });
  }
});
