/**
 * Request bodies of the API, with these rules: usernames trimmed, NFKC,
 * lower-cased, 3–64 characters; passwords 8–256 characters, no composition
 * rules. Lengths count Unicode code points, not UTF-16 units.
 */
import { z } from 'zod';

const codePoints = (value: string) => [...value].length;

/** Trim, Unicode NFKC, lower-case: `Alice`, ` alice ` and `ａｌｉｃｅ` are one name. */
export function normaliseUsername(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase();
}

export const username = z
  .string()
  .transform(normaliseUsername)
  .refine((value) => codePoints(value) >= 3 && codePoints(value) <= 64, {
    message: 'must be 3 to 64 characters',
  })
  .refine((value) => !/\p{Cc}/u.test(value), { message: 'must not contain control characters' });

export const password = z
  .string()
  .refine((value) => codePoints(value) >= 8 && codePoints(value) <= 256, {
    message: 'must be 8 to 256 characters',
  });

/** An opaque token string; the verifier decides whether it is one of ours. */
const token = z.string().min(1, 'must not be empty').max(8192, 'is too long');

const body = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, { error: 'expected a JSON object' });

/** register and login. */
export const credentialsBody = body({ username, password });

export const refreshBody = body({ refresh_token: token });

/** logout: the body is optional; so is the refresh token in it. */
export const logoutBody = body({ refresh_token: token.optional() }).optional();

export const changePasswordBody = body({
  current_password: z.string().min(1, 'must not be empty').max(256, 'is too long'),
  new_password: password,
});
