/**
 * Which process holds a lock, told apart from whatever later gets its pid.
 *
 * A pid alone is not an identity: after a `kill -9` the process may linger as
 * a zombie until its parent (or init) reaps it, and after a reboot or enough
 * forks the same number names an unrelated process. So a holder is recorded
 * with the machine's boot id and the process's start time (field 22 of
 * `/proc/<pid>/stat`, in clock ticks since boot), and it is alive only when a
 * process with that pid, started at that time since this boot, runs and is
 * not a zombie. Where `/proc` does not exist (macOS), the pid alone decides,
 * as `kill -0` answers.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** `/proc/sys/kernel/random/boot_id`; absent where there is none. */
  bootId?: string;
  /** Start time in clock ticks since boot; absent where there is no `/proc`. */
  startTime?: number;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The state letter and start time of `pid` from `/proc/<pid>/stat`. */
function procStat(pid: number): { state: string; startTime: number } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces or ")": read after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (the state); field 22 (starttime) is fields[19].
  const state = fields[0] ?? '';
  const startTime = Number(fields[19]);
  return Number.isSafeInteger(startTime) ? { state, startTime } : undefined;
}

const hasProc = (): boolean => readText('/proc/self/stat') !== undefined;

export function currentBootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** The identity of `pid` now (default this process); `undefined` when it does not run. */
export function identityOf(pid: number = process.pid): ProcessIdentity | undefined {
  if (!hasProc()) return isRunningPid(pid) ? { pid } : undefined;
  const stat = procStat(pid);
  if (!stat) return undefined;
  const bootId = currentBootId();
  return { pid, ...(bootId ? { bootId } : {}), startTime: stat.startTime };
}

/** Whether a process with this pid exists (possibly as another user), per `kill -0`. */
function isRunningPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Whether the process `recorded` describes still runs: the same pid, not a
 * zombie, and (when recorded) the same boot and start time. A record of an
 * older version holds the pid alone; then a live non-zombie pid counts.
 */
export function isAlive(recorded: ProcessIdentity): boolean {
  if (!hasProc()) return isRunningPid(recorded.pid);
  const stat = procStat(recorded.pid);
  // Z: a zombie (dead, not yet reaped); X: dead.
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  if (recorded.bootId !== undefined && recorded.bootId !== currentBootId()) return false;
  if (recorded.startTime !== undefined && recorded.startTime !== stat.startTime) return false;
  return true;
}

/** Reads an identity written by {@link identityOf} (JSON fields), or a bare pid; `undefined` if neither. */
export function parseIdentity(value: unknown): ProcessIdentity | undefined {
  const candidate = value as Partial<ProcessIdentity> | null;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { pid, bootId, startTime } = candidate;
  if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined;
  return {
    pid: pid as number,
    ...(typeof bootId === 'string' ? { bootId } : {}),
    ...(Number.isSafeInteger(startTime) ? { startTime: startTime as number } : {}),
  };
}
