/**
 * Structured logs, one JSON object per line (CloudWatch parses them). Never
 * pass a token, a password or a hash: log ids (`jti`, `sid`, `sub`) instead.
 */

type Level = 'info' | 'warn' | 'error';

function describe(error: unknown): unknown {
  if (!(error instanceof Error)) return String(error);
  return {
    name: error.name,
    message: error.message,
    ...(error.cause !== undefined ? { cause: describe(error.cause) } : {}),
  };
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const { error, ...rest } = fields;
  const line = JSON.stringify({
    level,
    message,
    ...rest,
    ...(error !== undefined ? { error: describe(error) } : {}),
  });
  if (level === 'error') console.error(line);
  else console.log(line);
}
