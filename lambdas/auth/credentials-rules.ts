/**
 * What a username and a password may be, and how a username is normalised.
 * The rules apply where a name or a password is chosen (register, password
 * change); login only normalises, so that every account keeps logging in with
 * the name it registered under, including accounts made under the first
 * normalisation (trim before NFKC), which {@link withLegacyUsername} still finds.
 *
 * Lengths count Unicode code points, not UTF-16 units.
 */
import type { UserStore } from './ports';

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 64;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const codePoints = (value: string) => [...value].length;

export const USERNAME_LENGTH_PROBLEM = `must be ${USERNAME_MIN} to ${USERNAME_MAX} characters`;

/** A UTF-16 surrogate without its partner: not text, and UTF-8 turns every one into U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;
/** Zero-width characters, soft hyphen, bidi overrides: invisible, so two names would look alike. */
const FORMAT = /\p{Cf}/u;

/** Whether `value` is well-formed UTF-16 (`String.prototype.isWellFormed`). */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Each lone surrogate replaced by U+FFFD (`String.prototype.toWellFormed`), as UTF-8 stores it. */
export function toWellFormed(value: string): string {
  return value.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}

/** Whether a normalised name has a length a username may have. */
export function usernameLengthAllowed(name: string): boolean {
  const length = codePoints(name);
  return length >= USERNAME_MIN && length <= USERNAME_MAX;
}

/**
 * NFKC first, then trim, then lower-case: `Alice`, ` alice ` and `ａｌｉｃｅ`
 * are one name, and the result normalises to itself (`¨bob` is `̈bob` both
 * times), so the name register answers with logs in.
 */
export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/**
 * The normalisation of the first releases: trim, then NFKC, then lower-case.
 * Not stable (NFKC can produce a leading space: `¨bob` became ` ̈bob`), so it
 * is no longer used for new names; accounts stored under it are still found.
 */
export function legacyNormaliseUsername(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase();
}

/** Why `name` (already normalised) cannot be chosen as a username; `undefined` when it can. */
export function usernameProblem(name: string): string | undefined {
  if (!usernameLengthAllowed(name)) return USERNAME_LENGTH_PROBLEM;
  if (CONTROL.test(name)) return 'must not contain control characters';
  if (FORMAT.test(name)) return 'must not contain invisible format characters';
  return undefined;
}

/** Why a password is refused when it is on the list of common and breached passwords. */
export const COMMON_PASSWORD_PROBLEM =
  'is on a list of common or breached passwords; choose another one (a few unrelated words make a good one)';

/** Why `password` cannot be chosen; `undefined` when it can. No composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string): string | undefined {
  const length = codePoints(password);
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    return `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  }
  return undefined;
}

/**
 * The user store as login sees it: a name not found under the current
 * normalisation is looked up once more under the legacy one, when that
 * differs. `legacyUsername` is the legacy normalisation of the same input.
 */
export function withLegacyUsername<U extends Pick<UserStore, 'find'>>(
  users: U,
  legacyUsername: string | undefined,
): U {
  return {
    ...users,
    async find(username: string) {
      const found = await users.find(username);
      if (found || legacyUsername === undefined || legacyUsername === username) return found;
      return users.find(legacyUsername);
    },
  };
}
