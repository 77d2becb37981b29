/** Who runs the CLI locally, and what it records as the revocations' client. */
import { hostname, userInfo } from 'node:os';
import type { ClientInfo } from '../lambdas/auth/ports';

/** `user@host`: the operator against local data. */
export function localActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}

/** The revocations' `userAgent`: the CLI and the machine it ran on (no IP: there is no request). */
export function cliClient(): ClientInfo {
  return { userAgent: `serverless-jwt-auth-admin (${hostname()})` };
}
