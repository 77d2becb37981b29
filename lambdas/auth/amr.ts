/**
 * What a session's tokens say about how the user signed in (RFC 8176
 * Authentication Method Reference values), stored with the session so every
 * refresh, and a grace-window replay, carries the same.
 */

/** A password alone. */
export const PASSWORD_AMR = ['pwd'];
/** A password and a TOTP code: two factors. */
export const TOTP_AMR = ['pwd', 'otp', 'mfa'];
/**
 * A password and a recovery code in place of the TOTP code. RFC 8176 has no
 * value for a one-time recovery code: two factors (`mfa`), but no `otp`, so
 * a resource server that cares can tell.
 */
export const RECOVERY_CODE_AMR = ['pwd', 'mfa'];
