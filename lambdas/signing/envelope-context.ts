/**
 * The KMS encryption context of the envelope-mode signing key pair: bound to
 * its ciphertext when KMS generates the pair, required to decrypt it, and
 * named in the key policy's condition. Its own module, so that the stack
 * (`lib/`) reads it without loading the KMS client.
 */
export const ENVELOPE_ENCRYPTION_CONTEXT = {
  purpose: 'serverless-jwt-auth token signing key',
} as const;
