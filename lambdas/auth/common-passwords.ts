/**
 * The list of common and breached passwords that may not be chosen (NIST SP
 * 800-63B §3.1.1.2): 17,950 entries of the `passwords-common` dictionary of
 * `@zxcvbn-ts/language-common` (MIT; frequency lists from breach corpora),
 * those 8 to 256 characters long, lower-cased. `tools/common-passwords.ts`
 * derives the file from the package.
 *
 * The list is a file next to this module, not code: at 168 KB it would blow
 * every function's bundle budget, so only the functions that check it
 * (register, password change) get the file, copied beside their bundle
 * (`assets` in `contract/routes.ts`), and it is read once per instance, at
 * the first check. Offline: no request ever leaves the function.
 */
import { readFileSync } from 'node:fs';

let loaded: ReadonlySet<string> | undefined;

/** The list, read on first use and kept for the life of the instance. */
export function commonPasswords(): ReadonlySet<string> {
  // `require.resolve` finds the file beside this module in the sources and beside the bundle in Lambda.
  loaded ??= new Set(
    readFileSync(require.resolve('./common-passwords.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0),
  );
  return loaded;
}

/** Whether `password` is on the list, ignoring case (`Password1` is as guessable as `password1`). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase());
}
