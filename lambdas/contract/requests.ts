/**
 * The request bodies of the API as schemas (`zod/mini`, which tree-shakes to
 * the few checks used here): handlers validate with them, their types are
 * the handlers' input types, and an API description can be generated from
 * them. They only parse: the rules of a username or password being chosen
 * are the domain's policy (`auth/credential-policy.ts`), which every path
 * that sets one calls. Login only normalises.
 */
import * as z from 'zod/mini';
import {
  legacyNormaliseUsername,
  normaliseUsername,
  passwordProblem,
  toWellFormed,
  USERNAME_LENGTH_PROBLEM,
  usernameLengthAllowed,
} from '../auth/credentials-rules';
import { MAX_TOKEN_FIELD_LENGTH } from './bearer';

/** The type names of what JSON can hold, as the messages name them. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A string; anything else is `Invalid input: expected string, received <type>`. */
const text = () =>
  z.string({
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `Invalid input: expected string, received ${jsonType(issue.input)}`
        : undefined,
  });

/** A check that fails with `problem(value)` when that says something is wrong. */
const rule = (problem: (value: string) => string | undefined) =>
  z.superRefine<string>((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue(message);
  });

/**
 * A username given at login: both normalisations of it, current and legacy,
 * each kept only where its length could be a stored name. Nothing else is
 * refused: a name that no rule would accept today is simply not found.
 */
export const loginUsername = z
  .pipe(
    text(),
    z.transform((raw: string) => {
      const input = toWellFormed(raw);
      const current = normaliseUsername(input);
      const legacy = legacyNormaliseUsername(input);
      return {
        username: usernameLengthAllowed(current) ? current : legacy,
        legacyUsername: usernameLengthAllowed(legacy) && legacy !== current ? legacy : undefined,
      };
    }),
  )
  .check(
    z.refine((names) => usernameLengthAllowed(names.username), {
      message: USERNAME_LENGTH_PROBLEM,
    }),
  );

/**
 * A password given at login: the length every account's password has, and no
 * refusal for its content (a password chosen before the well-formedness rule
 * still logs in; scrypt hashes its UTF-8 form, as it did then).
 */
const loginPassword = text().check(rule(passwordProblem));

/** The current password at a password change: checked against the hash, nothing more. */
const currentPassword = text().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(256, 'is too long'),
);

/** An opaque token string; the verifier decides whether it is one of ours. */
const token = text().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(MAX_TOKEN_FIELD_LENGTH, 'is too long'),
);

const body = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.object(shape, { error: 'expected a JSON object' });

/** An e-mail address as typed; the domain normalises and checks it (`auth/email-address.ts`). */
const email = text().check(z.maxLength(320, 'is too long'));

/** A recovery token from a message's link; one that is not ours is `invalid_grant`, not a 400. */
const recoveryToken = text().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(256, 'is too long'),
);

/** register: two strings and an optional address; the domain's policy checks them (`auth/credential-policy.ts`). */
export const registrationBody = body({
  username: text(),
  password: text(),
  email: z.optional(email),
});

/** login: normalisation only, so that every existing account still logs in. */
export const loginBody = body({ username: loginUsername, password: loginPassword });

export const refreshBody = body({ refresh_token: token });

/** logout: the body is optional; so is the refresh token in it. */
export const logoutBody = z.optional(body({ refresh_token: z.optional(token) }));

export const changePasswordBody = body({
  current_password: currentPassword,
  new_password: text(),
});

/** `POST /auth/email`: the new address, and the current password again. */
export const emailChangeBody = body({ email, current_password: currentPassword });

/** `POST /auth/email/verify`: the token of the message's link. */
export const emailVerifyBody = body({ token: recoveryToken });

/**
 * `POST /auth/password/forgot`: the account by its username or by its
 * address, exactly one of the two. The username is normalised as at login;
 * the address by the domain (`auth/email-address.ts`).
 */
export const passwordForgotBody = body({
  username: z.optional(loginUsername),
  email: z.optional(email),
}).check(
  z.refine((request) => (request.username === undefined) !== (request.email === undefined), {
    message: 'give exactly one of "username" and "email"',
  }),
);

/** `POST /auth/password/reset`: the token of the message's link and the new password. */
export const passwordResetBody = body({ token: recoveryToken, new_password: text() });
/** A TOTP code (6 digits) or a recovery code (`ABCD-EFGH-IJKL-MNOP`): the domain tells which. */
const mfaCode = text().check(z.minLength(1, 'must not be empty'), z.maxLength(64, 'is too long'));

/** `POST /auth/mfa/totp`: the current password again, so a stolen access token cannot enrol. */
export const totpEnrolmentBody = body({ current_password: currentPassword });

/** `POST /auth/mfa/totp/confirm`: a first code of the new secret. */
export const totpConfirmBody = body({ code: mfaCode });

/** `DELETE /auth/mfa/totp`: the current password and a code (TOTP or recovery). */
export const totpRemovalBody = body({ current_password: currentPassword, code: mfaCode });

/** `POST /auth/mfa/step-up` (Bearer): a code (TOTP or recovery) for the session's stronger `amr`. */
export const stepUpBody = body({ code: mfaCode });

/** `POST /auth/mfa/verify`: the `mfa_token` login answered, and a code. */
export const mfaVerifyBody = body({ mfa_token: token, code: mfaCode });

/**
 * `POST /oauth/revoke` (RFC 7009), form-encoded: the token and an optional
 * hint; any hint value is accepted (an unknown one is ignored, §2.1).
 */
export const revokeForm = z.object({
  token,
  token_type_hint: z.optional(text().check(z.maxLength(64, 'is too long'))),
});

/** `POST /oauth/introspect` (RFC 7662), form-encoded. */
export const introspectForm = z.object({ token });
