/**
 * The client address the lockout counts by: API Gateway's
 * `requestContext.identity.sourceIp` in AWS, the connection's address
 * locally. An IPv6 address counts by its /64, since one host gets a whole
 * /64 for free and would otherwise have 2^64 fresh addresses to guess from.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The counter key of an address with none known (no source IP in the event). */
export const UNKNOWN_ADDRESS = 'unknown';

/** The eight 16-bit groups of an IPv6 address, or `undefined` when it is not one. */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.split('%')[0] ?? '';
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) as two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part ? part.split(':').map((group) => Number.parseInt(group, 16)) : [];
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/**
 * `ip` as the lockout counts it: an IPv4 address as it is (an IPv4-mapped
 * IPv6 address as its IPv4 address), an IPv6 address as its /64
 * (`2001:db8:1:2::/64`), anything else as {@link UNKNOWN_ADDRESS}.
 */
export function addressKey(ip: string | undefined): string {
  const value = ip?.trim() ?? '';
  if (isIPv4(value)) return value;
  if (!isIPv6(value)) return UNKNOWN_ADDRESS;
  const groups = ipv6Groups(value);
  if (!groups) return UNKNOWN_ADDRESS;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}
