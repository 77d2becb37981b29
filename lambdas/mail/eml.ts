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
