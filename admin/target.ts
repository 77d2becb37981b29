/**
 * What the admin CLI acts on: the stores of the local data (`--local`) or of
 * a deployed stack (`--stack`), with the operator it acts as. Commands see
 * only this interface, so tests hand them a target on the in-memory fakes.
 */
import type { AdminDeps, Operator } from '../lambdas/auth/admin';

/** Which target the command line names. */
export type TargetSpec =
  | { kind: 'local'; dataDir: string }
  | { kind: 'stack'; stackName: string; region?: string; profile?: string };

export interface Target {
  /** Where the commands act, said in one line (e.g. `stack Prod (eu-west-1)`). */
  description: string;
  /** Who acts: written on every revocation and audit line. */
  operator: Operator;
  deps: Omit<AdminDeps, 'onProgress'>;
  /** Closes the clients, and the embedded engine and its lock if this process opened them. */
  close(): Promise<void>;
}

export type OpenTarget = (spec: TargetSpec) => Promise<Target>;

/** A failure the operator can act on: printed as is, exit code 1. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}

/** The command line is wrong: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
