/**
 * The request schemas: username and password rules where they are chosen,
 * normalisation only at login, and the answers of a failed validation.
 */
import { normaliseUsername } from '../../../lambdas/auth/credentials-rules';
import {
  changePasswordBody,
  loginBody,
  registrationBody,
} from '../../../lambdas/contract/requests';
import { InvalidRequestError } from '../../../lambdas/errors';
import { parseInput } from '../../../lambdas/http/validation';

const register = (username: unknown, password: unknown = 'long enough') =>
  parseInput(registrationBody, { username, password });

describe('usernames being chosen', () => {
  it.each([
    ['  Alice ', 'alice'],
    ['ＡＬＩＣＥ', 'alice'],
    ['ℌello', 'hello'],
    // NFKC turns U+00A8 into a space and a combining mark: trimming after it keeps the name stable.
    ['\u00a8bob', '\u0308bob'],
    ['ﬁle', 'file'],
  ])('normalises %p to %p, which normalises to itself', (raw, expected) => {
    expect(register(raw).username.username).toBe(expected);
    expect(normaliseUsername(expected)).toBe(expected);
  });

  it('carries the first releases’ normalisation of the same input where it differs', () => {
    expect(register('\u00a8bob').username).toEqual({
      username: '\u0308bob',
      legacyUsername: ' \u0308bob',
    });
    expect(register(' Alice ').username).toEqual({ username: 'alice', legacyUsername: undefined });
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
    expect(register('😀'.repeat(64)).username.username).toBe('😀'.repeat(64));
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
    expect(() =>
      parseInput(changePasswordBody, { current_password: 'old password', new_password: password }),
    ).toThrow(`Invalid field "new_password": ${message}`);
  });

  it('accepts 8 code points of any well-formed text, emoji and all', () => {
    expect(register('alice', '🔑🔑🔑🔑🔑🔑🔑🔑').password).toBe('🔑🔑🔑🔑🔑🔑🔑🔑');
  });
});

describe('login', () => {
  const login = (username: string, password = 'long enough') =>
    parseInput(loginBody, { username, password });

  it('gives the legacy normalisation (trim, then NFKC) only where it differs', () => {
    expect(login('\u00a8bob').username).toEqual({
      username: '\u0308bob',
      legacyUsername: ' \u0308bob',
    });
    expect(login(' Alice ').username).toEqual({ username: 'alice', legacyUsername: undefined });
  });

  it('does not apply the rules of new names: a name with a format character is simply looked up', () => {
    expect(login('ali\u200bce').username.username).toBe('ali\u200bce');
  });

  it('accepts a password with an unpaired surrogate: accounts made before the rule still log in', () => {
    expect(login('alice', 'password \ud800').password).toBe('password \ud800');
  });

  it('refuses a name no account can have, so no over-long key reaches the store', () => {
    expect(() => login('a'.repeat(65))).toThrow(
      'Invalid field "username": must be 3 to 64 characters',
    );
    expect(() => login('  ')).toThrow(InvalidRequestError);
  });
});
