/**
 * KMS returns ECDSA signatures DER-encoded (`SEQUENCE { INTEGER r, INTEGER s }`);
 * JWS ES256 wants the raw concatenation `r‖s`, each left-padded to 32 bytes
 * (RFC 7518 §3.4). DER integers are minimal and signed, so either may be shorter
 * than 32 bytes (leading zero bytes dropped) or 33 (a 0x00 sign byte added).
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** Converts a DER ECDSA signature to JOSE `r‖s` with `size`-byte halves (32 for P-256). */
export function derToJose(der: Uint8Array, size = 32): Uint8Array {
  let offset = 0;
  const fail = (why: string): never => {
    throw new Error(`Malformed DER ECDSA signature: ${why}.`);
  };
  const byteAt = (index: number): number => der[index] ?? fail('truncated');

  const readLength = (): number => {
    const first = byteAt(offset++);
    if (first < 0x80) return first;
    // A P-256 signature is at most 72 bytes, but accept the one-byte long form.
    if (first !== 0x81) fail('unsupported length form');
    const length = byteAt(offset++);
    if (length < 0x80) fail('non-minimal length');
    return length;
  };

  const readInteger = (): Uint8Array => {
    if (byteAt(offset++) !== INTEGER) fail('expected INTEGER');
    const length = readLength();
    if (length === 0 || offset + length > der.length) fail('bad INTEGER length');
    let value = der.subarray(offset, offset + length);
    offset += length;
    if ((value[0] ?? 0) & 0x80) fail('negative INTEGER');
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) fail('INTEGER too large');
    return value;
  };

  if (byteAt(offset++) !== SEQUENCE) fail('expected SEQUENCE');
  const sequenceLength = readLength();
  if (offset + sequenceLength !== der.length) fail('bad SEQUENCE length');
  const r = readInteger();
  const s = readInteger();
  if (offset !== der.length) fail('trailing bytes');

  const raw = new Uint8Array(size * 2);
  raw.set(r, size - r.length);
  raw.set(s, size * 2 - s.length);
  return raw;
}
