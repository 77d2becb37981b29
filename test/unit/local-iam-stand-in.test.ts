/** Local mode's stand-in for AWS_IAM on the introspection route. */
import { checkIamStandIn } from '../../local/iam-stand-in';

const SECRET = 's3cret with spaces & symbols';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('checkIamStandIn', () => {
  it('lets through HTTP Basic whose password is the secret, whatever the user name', () => {
    expect(checkIamStandIn(basic('any', SECRET), SECRET)).toBeUndefined();
    // RFC 6749 §2.3.1: clients form-encode the secret first.
    expect(checkIamStandIn(basic('rs', encodeURIComponent(SECRET)), SECRET)).toBeUndefined();
  });

  it('answers as API Gateway does to an unsigned request when there are no credentials', () => {
    expect(checkIamStandIn(undefined, SECRET)).toBe('MISSING_AUTHENTICATION_TOKEN');
    expect(checkIamStandIn('  ', SECRET)).toBe('MISSING_AUTHENTICATION_TOKEN');
  });

  it.each([
    ['a wrong secret', basic('rs', 'nope')],
    ['a Bearer token', 'Bearer abc.def.ghi'],
    ['no colon', `Basic ${Buffer.from('only-a-name').toString('base64')}`],
    ['a malformed escape', basic('rs', '%E0%A4%A')],
  ])('denies %s', (_name, header) => {
    expect(checkIamStandIn(header, SECRET)).toBe('ACCESS_DENIED');
  });

  it('denies everybody when no secret is configured', () => {
    expect(checkIamStandIn(basic('rs', ''), undefined)).toBe('ACCESS_DENIED');
    expect(checkIamStandIn(basic('rs', 'x'), undefined)).toBe('ACCESS_DENIED');
  });
});
