/**
 * Fixed answers that are not errors, defined once: the handlers send them
 * and the response schemas (`bodies.ts`) pin them. Plain constants, so a
 * handler imports one without any schema code.
 */

/** The one answer of `POST /auth/password/forgot`, whatever the account: it tells nothing. */
export const FORGOT_ACCEPTED_MESSAGE =
  'If the account has a verified e-mail address, a link to reset its password was sent to it.';
