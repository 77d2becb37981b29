/** Time and ids are dependencies too: tests freeze the one and fix the other. */
import { randomBytes } from 'node:crypto';

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** JWT NumericDate: whole seconds since the epoch. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * A random id of 128 bits, base64url (22 characters): token `jti`, session and
 * user ids. Never one that starts with `-` (1 in 64 would): an operator pastes
 * session ids into the admin CLI, which would read one as an option. Drawing
 * again costs under 0.03 bits of the 128. Ids issued before may start with
 * `-`; the CLI takes them after `--`.
 */
export function newId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Waits `ms` milliseconds: a dependency too, so that a test with a manual clock never waits. */
export type Sleep = (ms: number) => Promise<void>;

export const systemSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
