/**
 * One message as an RFC 5322 file (.eml): what the local outbox writes and
 * any mail client opens. Plain UTF-8 text (RFC 6532 allows UTF-8 in headers),
 * CRLF line ends. The addresses passed the domain's rules, which refuse
 * line breaks and control characters, so no header can be injected; the
 * subject is checked again here all the same.
 */
import type { OutgoingMail } from '../auth/ports';

/** RFC 5322 §3.3 date-time, e.g. `Thu, 03 Dec 2026 10:15:03 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function headerValue(value: string): string {
  if (/[\r\n\p{Cc}]/u.test(value)) throw new Error('a header value holds a control character');
  return value;
}

export function formatEml(
  mail: OutgoingMail,
  { from, date, messageId }: { from: string; date: Date; messageId: string },
): string {
  const headers = [
    `From: ${headerValue(from)}`,
    `To: ${headerValue(mail.to)}`,
    `Subject: ${headerValue(mail.subject)}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${headerValue(messageId)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = mail.text.replace(/\r?\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/** A message as {@link formatEml} wrote it. */
export interface ParsedEml {
  to: string;
  subject: string;
  /** ISO 8601. */
  date: string;
  text: string;
}

/**
 * Reads back a file {@link formatEml} wrote (the local outbox's): its
 * headers up to the first empty line, then the body. `undefined` for
 * anything else.
 */
export function parseEml(eml: string): ParsedEml | undefined {
  const end = eml.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const headers = new Map<string, string>();
  for (const line of eml.slice(0, end).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const [to, subject, date] = ['to', 'subject', 'date'].map((name) => headers.get(name));
  const parsedDate = date === undefined ? Number.NaN : Date.parse(date);
  if (to === undefined || subject === undefined || Number.isNaN(parsedDate)) return undefined;
  const text = eml
    .slice(end + 4)
    .replace(/\r\n/g, '\n')
    .replace(/\n$/, '');
  return { to, subject, date: new Date(parsedDate).toISOString(), text };
}

/** A message's link: the first line of its text that is a URL (the messages put it on a line of its own). */
export function linkIn(text: string): string | undefined {
  return /^https?:\/\/\S+$/m.exec(text)?.[0];
}
