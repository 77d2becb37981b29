/**
 * The request schemas: they parse (the rules of new credentials are the
 * domain's, test/unit/auth/credential-policy.test.ts), login normalises, and
 * a failed validation names the field.
 */
import {
  changePasswordBody,
  loginBody,
  registrationBody,
} from '../../../lambdas/contract/requests';
import { InvalidRequestError } from '../../../lambdas/errors';
import { parseInput } from '../../../lambdas/http/validation';

describe('register and password change bodies', () => {
  it('only parse: two strings, whatever their content (the domain applies the policy)', () => {
    expect(parseInput(registrationBody, { username: ' Al ', password: 'short' })).toEqual({
      username: ' Al ',
      password: 'short',
    });
    expect(
      parseInput(changePasswordBody, { current_password: 'old password', new_password: 'x' }),
    ).toEqual({ current_password: 'old password', new_password: 'x' });
  });

  it('names a field that is no string', () => {
    expect(() => parseInput(registrationBody, { username: 'alice', password: 7 })).toThrow(
      'Invalid field "password": Invalid input: expected string, received number',
    );
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
