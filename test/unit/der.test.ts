import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { derToJose } from '../../lambdas/signing/der';

/** DER `SEQUENCE { INTEGER r, INTEGER s }` from the integers' content bytes. */
function der(r: number[], s: number[]): Uint8Array {
  const body = [0x02, r.length, ...r, 0x02, s.length, ...s];
  return Uint8Array.from([0x30, body.length, ...body]);
}

const filled = (length: number, value: number) => new Array<number>(length).fill(value);

describe('derToJose', () => {
  it('concatenates 32-byte r and s', () => {
    const raw = derToJose(der(filled(32, 0x11), filled(32, 0x22)));

    expect(Buffer.from(raw)).toEqual(Buffer.from([...filled(32, 0x11), ...filled(32, 0x22)]));
  });

  it('drops the 0x00 sign byte of a 33-byte integer', () => {
    const raw = derToJose(der([0x00, ...filled(32, 0x81)], filled(32, 0x7f)));

    expect(Buffer.from(raw)).toEqual(Buffer.from([...filled(32, 0x81), ...filled(32, 0x7f)]));
  });

  it('left-pads an r or s shorter than 32 bytes with zero bytes', () => {
    const raw = derToJose(der(filled(30, 0x05), [0x01]));

    expect(raw).toHaveLength(64);
    expect(Buffer.from(raw)).toEqual(
      Buffer.from([0, 0, ...filled(30, 0x05), ...filled(31, 0), 0x01]),
    );
  });

  it.each([
    ['an empty input', new Uint8Array()],
    ['a wrong outer tag', Uint8Array.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['a wrong integer tag', Uint8Array.from([0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['a truncated input', Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02])],
    ['trailing bytes', Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00])],
    ['a negative integer', der([0x80], [0x01])],
    ['an integer longer than 32 bytes', der([0x01, ...filled(32, 0x01)], [0x01])],
  ])('rejects %s', (_, input) => {
    expect(() => derToJose(input)).toThrow(/Malformed DER ECDSA signature/);
  });

  it('turns real DER signatures, short integers included, into verifiable JOSE signatures', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let shortIntegers = 0;
    // About 1 in 128 signatures has an r or s below 2^248; 2000 make one all but certain.
    for (let i = 0; i < 2000 && shortIntegers < 3; i++) {
      const message = Buffer.from(`message ${i}`);
      const raw = derToJose(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
      if (raw[0] === 0 || raw[32] === 0) shortIntegers++;

      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(
        true,
      );
    }
    expect(shortIntegers).toBeGreaterThan(0);
  });
});
