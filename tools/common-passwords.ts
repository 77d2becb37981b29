/**
 * Builds `lambdas/auth/common-passwords.txt`, the list of common and breached
 * passwords that register and password change refuse (NIST SP 800-63B
 * §3.1.1.2), from the `passwords-common` dictionary of
 * `@zxcvbn-ts/language-common` (a dev dependency: the functions ship the
 * derived file, never the package). Only entries a password could be are
 * kept: lower-cased (the check ignores case), between the shortest and the
 * longest password allowed, one per line, sorted, no duplicates.
 *
 * Run `npm run passwords:update` after upgrading the package; a unit test
 * fails while the shipped file and the package disagree.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX, PASSWORD_MIN } from '../lambdas/auth/credentials-rules';

export const COMMON_PASSWORDS_PATH = join(__dirname, '../lambdas/auth/common-passwords.txt');

/** The file's content as the installed package gives it. */
export function deriveCommonPasswords(): string {
  const entries = new Set<string>();
  for (const entry of dictionary['passwords-common']) {
    const password = entry.toLowerCase();
    const length = [...password].length;
    if (length >= PASSWORD_MIN && length <= PASSWORD_MAX && !/[\r\n]/.test(password)) {
      entries.add(password);
    }
  }
  return `${[...entries].sort().join('\n')}\n`;
}

if (require.main === module) {
  const content = deriveCommonPasswords();
  writeFileSync(COMMON_PASSWORDS_PATH, content);
  console.log(
    `${COMMON_PASSWORDS_PATH}: ${content.split('\n').length - 1} passwords, ${content.length} bytes`,
  );
}
