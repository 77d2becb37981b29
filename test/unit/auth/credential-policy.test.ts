/**
 * The policy of credentials being chosen: the username rules and
 * normalisation, the password rules, and every path that sets a credential
 * applies them (register, password change, an operator's reset).
 */
import { assertNewPassword, assertNewUsername } from '../../../lambdas/auth/credential-policy';
import {
  COMMON_PASSWORD_PROBLEM,
  normaliseUsername,
} from '../../../lambdas/auth/credentials-rules';
import { InvalidRequestError } from '../../../lambdas/errors';

/** What register checks: the normalised name, and the password as given. */
const register = (username: string, password = 'long enough') => {
  const name = assertNewUsername(username);
  assertNewPassword(password);
  return { username: name, password };
};

describe('usernames being chosen', () => {
  it.each([
    ['  Alice ', 'alice'],
    ['ＡＬＩＣＥ', 'alice'],
    ['ℌello', 'hello'],
    // NFKC turns U+00A8 into a space and a combining mark: trimming after it keeps the name stable.
    ['\u00a8bob', '\u0308bob'],
    ['ﬁle', 'file'],
  ])('normalises %p to %p, which normalises to itself', (raw, expected) => {
    expect(register(raw).username).toBe(expected);
    expect(normaliseUsername(expected)).toBe(expected);
  });

  it.each([
    ['2 characters', ' Al ', 'must be 3 to 64 characters'],
    ['65 characters', 'a'.repeat(65), 'must be 3 to 64 characters'],
    ['a control character', 'al\u0001ice', 'must not contain control characters'],
    ['a zero-width space', 'ali\u200bce', 'must not contain invisible format characters'],
    ['a soft hyphen', 'ali\u00adce', 'must not contain invisible format characters'],
    ['a bidi override', '\u202eecila', 'must not contain invisible format characters'],
    ['an unpaired surrogate', 'alice\ud800', 'must be well-formed Unicode text'],
  ])('refuses a name with %s', (_, username, message) => {
    expect(() => register(username)).toThrow(InvalidRequestError);
    expect(() => register(username)).toThrow(`Invalid field "username": ${message}`);
  });

  it('counts code points, not UTF-16 units: 64 emoji are a valid name', () => {
    expect(register('😀'.repeat(64)).username).toBe('😀'.repeat(64));
  });
});

describe('passwords being chosen', () => {
  it.each([
    ['7 characters', '1234567', 'must be 8 to 256 characters'],
    ['257 characters', 'p'.repeat(257), 'must be 8 to 256 characters'],
    ['an unpaired high surrogate', 'password \ud800', 'must be well-formed Unicode text'],
    ['an unpaired low surrogate', 'password \udc00', 'must be well-formed Unicode text'],
  ])('refuses a password of %s, at register and as the new password', (_, password, message) => {
    expect(() => register('alice', password)).toThrow(`Invalid field "password": ${message}`);
    expect(() => assertNewPassword(password, 'new_password')).toThrow(
      `Invalid field "new_password": ${message}`,
    );
  });

  it('accepts 8 code points of any well-formed text, emoji and all', () => {
    expect(register('alice', '🔑🔑🔑🔑🔑🔑🔑🔑').password).toBe('🔑🔑🔑🔑🔑🔑🔑🔑');
  });
});

describe('common passwords', () => {
  it('refuses one, as the admin reset once did not', () => {
    expect(() => assertNewPassword('password123')).toThrow(
      `Invalid field "password": ${COMMON_PASSWORD_PROBLEM}`,
    );
  });
});
