/**
 * Why `npm start` cannot start, in one plain sentence naming the cause and
 * the fix. `server.ts` prints the message alone (no stack trace) and exits 1;
 * the troubleshooting list of docs/local-mode.md quotes every one of them.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'a part of the path cannot be created',
  EEXIST: 'a file of that name is in the way',
};

/** The reason of a file-system error in words, e.g. "permission denied". */
export function fileSystemReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return REASONS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
