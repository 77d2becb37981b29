/**
 * The shipped list of common and breached passwords: it is exactly what
 * `npm run passwords:update` derives from the installed
 * `@zxcvbn-ts/language-common`, and the check ignores case.
 */
import { readFileSync } from 'node:fs';
import { commonPasswords, isCommonPassword } from '../../lambdas/auth/common-passwords';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../lambdas/auth/credentials-rules';
import { COMMON_PASSWORDS_PATH, deriveCommonPasswords } from '../../tools/common-passwords';

describe('the common-password list', () => {
  it('is the list the installed package gives (run npm run passwords:update after upgrading it)', () => {
    expect(readFileSync(COMMON_PASSWORDS_PATH, 'utf8')).toBe(deriveCommonPasswords());
  });

  it('holds only passwords that could be chosen: 8-256 characters, lower case, no duplicates', () => {
    const list = [...commonPasswords()];
    const length = (entry: string) => [...entry].length;
    const unfit = list.filter(
      (entry) =>
        length(entry) < PASSWORD_MIN ||
        length(entry) > PASSWORD_MAX ||
        entry !== entry.toLowerCase(),
    );

    expect(list.length).toBeGreaterThan(15_000);
    expect(unfit).toEqual([]);
    const lines = readFileSync(COMMON_PASSWORDS_PATH, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(list.length);
  });

  it.each(['password', '12345678', 'iloveyou', 'PassWord1', 'QWERTY123', 'trustno1'])(
    'refuses %s, whatever its case',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['correct horse battery staple', 'violet-tractor-umbrella', 'Zq8!vN2#pL5@'])(
    'accepts %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
