/**
 * The one reader of a JWT's payload (the client's `sid`, the demo page's
 * `amr`): base64url without padding, and `null` for anything unreadable.
 */
import { jwtPayload } from '../../../client/jwt-payload';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('jwtPayload', () => {
  it('reads a base64url payload of any length, without padding', () => {
    // 1, 2 and 3 bytes short of a multiple of 3: each padding case, and '-' and '_' in the text.
    for (const sid of ['a', 'ab', 'abc', '>>>???']) {
      const claims = { sid, amr: ['pwd', 'otp', 'mfa'] };
      expect(jwtPayload(`header.${part(claims)}.signature`)).toEqual(claims);
    }
    expect(part({ sid: '>>>???' })).toMatch(/[-_]/);
  });

  it('returns null for a token without a payload, one that is not JSON, or not an object', () => {
    expect(jwtPayload('')).toBeNull();
    expect(jwtPayload('header')).toBeNull();
    expect(jwtPayload('header..signature')).toBeNull();
    expect(jwtPayload(`header.${Buffer.from('{not json').toString('base64url')}.s`)).toBeNull();
    expect(jwtPayload(`header.${part(null)}.s`)).toBeNull();
    expect(jwtPayload(`header.${part(5)}.s`)).toBeNull();
  });
});
