/**
 * The authorizer's validation expression (`lambdas/contract/bearer.ts`): it
 * must let through every token the service issues, in every form the bearer
 * parser accepts, and turn away what cannot be one — a false refusal would
 * log users out, so the issued tokens are the ground truth here.
 */
import { login } from '../../../lambdas/auth/login';
import { register } from '../../../lambdas/auth/register';
import { BEARER_HEADER_PATTERN, couldBeBearerJwt } from '../../../lambdas/contract/bearer';
import { parseBearer } from '../../../lambdas/http/bearer';
import { domainWorld } from '../../support/fakes';

describe('bearer header validation expression', () => {
  it('accepts the access and JWT refresh tokens the service issues, as the parser does', async () => {
    // An opaque refresh token is no bearer token at all: only JWT ones are checked here.
    const world = await domainWorld({ refreshFormat: 'jwt' });
    await register(world, { username: 'alice', password: 'correct horse battery' });
    const pair = await login(
      world,
      { username: 'alice', password: 'correct horse battery' },
      { ip: '203.0.113.7', userAgent: 'jest' },
    );
    for (const token of [pair.access.token, pair.refresh.token]) {
      for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER  ${token} `]) {
        expect(couldBeBearerJwt(header)).toBe(true);
        expect(parseBearer(header)).toBe(token);
      }
    }
  });

  it.each([
    ['an empty header', ''],
    ['the scheme alone', 'Bearer '],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a token without the scheme', 'eyJh.eyJz.c2ln'],
    ['two segments', 'Bearer eyJh.eyJz'],
    ['four segments (a JWE has five)', 'Bearer a.b.c.d'],
    ['an empty signature', 'Bearer eyJh.eyJz.'],
    ['standard base64 characters', 'Bearer eyJh.eyJz.c2ln+/=='],
    ['a second value', 'Bearer a.b.c, Bearer d.e.f'],
    ['a line break', 'Bearer a.b.c\nX-Injected: 1'],
    ['a tab before the token', 'Bearer\ta.b.c'],
  ])('refuses %s', (_case, header) => {
    expect(couldBeBearerJwt(header)).toBe(false);
  });

  it('is anchored and flag-free, so API Gateway (Java) and JavaScript read it alike', () => {
    expect(BEARER_HEADER_PATTERN.startsWith('^')).toBe(true);
    expect(BEARER_HEADER_PATTERN.endsWith('$')).toBe(true);
    // No lookaround, named groups or Unicode classes: the syntax both engines share.
    expect(BEARER_HEADER_PATTERN).not.toMatch(/\(\?|\\p\{|\\k</);
  });
});
