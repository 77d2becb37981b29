/** Time and ids are dependencies too: tests freeze the one and fix the other. */
import { randomBytes } from 'node:crypto';

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** JWT NumericDate: whole seconds since the epoch. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A random id of 128 bits, base64url (22 characters): token `jti`, session and user ids. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
