/**
 * E-mail addresses: one normal form, so that an address is unique among
 * verified accounts and found again by forgot-password however it was typed.
 * The domain is lower-cased (DNS names are case-insensitive) and the whole
 * address NFC-normalised; the local part keeps its case, which only the
 * receiving server may interpret (RFC 5321 §2.4). The rules are strict
 * enough that an address can never break a message header: no whitespace,
 * no control characters, no `<>`, quotes or commas.
 */
import { InvalidRequestError } from '../errors';
import { isWellFormed } from './credentials-rules';

/** RFC 5321's limit on a forward path, which is what a deliverable address must fit. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART = 64;

// Printable, no whitespace or controls, none of the characters that would need quoting.
const LOCAL_PART = /^[^\s\p{Cc}\p{Cf}@"(),:;<>[\\\]]+$/u;
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The normal form of an address, or `undefined` when it is not an address this service sends to. */
export function normaliseEmail(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!isWellFormed(trimmed)) return undefined;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return undefined;
  const local = trimmed.slice(0, at).normalize('NFC');
  const domain = trimmed
    .slice(at + 1)
    .normalize('NFC')
    .toLowerCase();
  const email = `${local}@${domain}`;
  if ([...local].length > MAX_LOCAL_PART || email.length > MAX_EMAIL_LENGTH) return undefined;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  return LOCAL_PART.test(local) && DOMAIN.test(domain) ? email : undefined;
}

/**
 * The normal form of an address being set on an account; `InvalidRequestError`
 * (400) naming `field` when it is not one.
 */
export function assertNewEmail(raw: string, field = 'email'): string {
  const email = normaliseEmail(raw);
  if (email === undefined) {
    throw new InvalidRequestError(`Invalid field "${field}": must be an e-mail address`);
  }
  return email;
}
