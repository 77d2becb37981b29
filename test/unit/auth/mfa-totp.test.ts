/** The TOTP rules: RFC 6238's own test vectors, the drift window and replay, on a manual clock. */
import { TOTP, URI } from 'otpauth';
import {
  base32Secret,
  matchingStep,
  newTotpSecret,
  otpauthUri,
  TOTP_SECRET_BYTES,
  type TotpParameters,
  timeStep,
  totpCode,
} from '../../../lambdas/auth/mfa/totp';
import { manualClock } from '../../support/fakes';

// RFC 6238 Appendix B: the seed of each algorithm is "1234567890" repeated to its key length.
const seed = (length: number) => Buffer.from('1234567890'.repeat(7).slice(0, length), 'ascii');
const SEEDS = { SHA1: seed(20), SHA256: seed(32), SHA512: seed(64) } as const;

const APPENDIX_B: [seconds: number, algorithm: keyof typeof SEEDS, code: string][] = [
  [59, 'SHA1', '94287082'],
  [59, 'SHA256', '46119246'],
  [59, 'SHA512', '90693936'],
  [1111111109, 'SHA1', '07081804'],
  [1111111109, 'SHA256', '68084774'],
  [1111111109, 'SHA512', '25091201'],
  [1111111111, 'SHA1', '14050471'],
  [1111111111, 'SHA256', '67062674'],
  [1111111111, 'SHA512', '99943326'],
  [1234567890, 'SHA1', '89005924'],
  [1234567890, 'SHA256', '91819424'],
  [1234567890, 'SHA512', '93441116'],
  [2000000000, 'SHA1', '69279037'],
  [2000000000, 'SHA256', '90698825'],
  [2000000000, 'SHA512', '38618901'],
  [20000000000, 'SHA1', '65353130'],
  [20000000000, 'SHA256', '77737706'],
  [20000000000, 'SHA512', '47863826'],
];

describe('totpCode', () => {
  it.each(APPENDIX_B)(
    'gives RFC 6238 Appendix B at %i s with %s: %s',
    (seconds, algorithm, code) => {
      const parameters: TotpParameters = { algorithm, digits: 8 };
      const step = timeStep(new Date(seconds * 1000));

      expect(totpCode(SEEDS[algorithm], step, parameters)).toBe(code);
    },
  );
});

describe('matchingStep', () => {
  const secret = SEEDS.SHA1;
  const clock = manualClock(new Date('2026-01-01T00:00:10Z'));
  const now = timeStep(clock());

  it('accepts the current step, and one step of drift either way', () => {
    for (const offset of [-1, 0, 1]) {
      expect(matchingStep(secret, totpCode(secret, now + offset), clock())).toBe(now + offset);
    }
  });

  it('refuses a code two steps away', () => {
    expect(matchingStep(secret, totpCode(secret, now - 2), clock())).toBeUndefined();
    expect(matchingStep(secret, totpCode(secret, now + 2), clock())).toBeUndefined();
  });

  it('refuses the step already accepted and any before it', () => {
    const code = totpCode(secret, now);

    expect(matchingStep(secret, code, clock(), now)).toBeUndefined();
    expect(matchingStep(secret, totpCode(secret, now - 1), clock(), now)).toBeUndefined();
    expect(matchingStep(secret, totpCode(secret, now + 1), clock(), now)).toBe(now + 1);
  });

  it('follows the clock: the code of a step stops working two steps later', () => {
    const at = manualClock(clock());
    const code = totpCode(secret, timeStep(at()));
    at.advance(30);
    expect(matchingStep(secret, code, at())).toBeDefined();
    at.advance(30);
    expect(matchingStep(secret, code, at())).toBeUndefined();
  });

  it('refuses a wrong code, and one of another length', () => {
    const code = totpCode(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    expect(matchingStep(secret, wrong, clock())).toBeUndefined();
    expect(matchingStep(secret, `${code}0`, clock())).toBeUndefined();
    expect(matchingStep(secret, '', clock())).toBeUndefined();
  });
});

describe('new secrets', () => {
  it('are 160 random bits, base32 for manual entry, and in an otpauth URI an app can read', () => {
    const secret = newTotpSecret();
    expect(secret).toHaveLength(TOTP_SECRET_BYTES);
    expect(newTotpSecret()).not.toEqual(secret);

    const base32 = base32Secret(secret);
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);

    const uri = new URL(otpauthUri(secret, 'serverless-jwt-auth', 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/serverless-jwt-auth:alice');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'serverless-jwt-auth',
      secret: base32,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('are in a URI that otpauth itself reads back: spaces as %20, any issuer and account as given', () => {
    const secret = newTotpSecret();

    const uri = otpauthUri(secret, 'My App & Co', 'alice+1@example.com');

    expect(uri).toContain('issuer=My%20App%20%26%20Co&');
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed).toMatchObject({
      issuer: 'My App & Co',
      label: 'alice+1@example.com',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parsed.secret.base32).toBe(base32Secret(secret));
  });
});
