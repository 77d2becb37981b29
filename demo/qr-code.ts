/**
 * Draws a QR code onto a canvas, in the page: the demo's Content-Security-
 * Policy allows no `data:` image (`img-src 'self'`), and the secret inside an
 * otpauth URI must not leave the page for a QR service either. The `qrcode`
 * package (a dependency of this page only; no Lambda imports it) encodes the
 * text; this draws its modules, `scale` pixels each, inside the quiet zone of
 * four modules the standard asks for, dark on white.
 */
import { create } from 'qrcode';

/** Modules of white around the symbol (ISO/IEC 18004's quiet zone). */
export const QUIET_ZONE = 4;

/** Draws `text` as a QR code (error correction M) on `canvas`; returns its size in modules. */
export function drawQrCode(canvas: HTMLCanvasElement, text: string, scale = 5): number {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const side = (modules.size + 2 * QUIET_ZONE) * scale;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('demo page: no 2D canvas');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, side, side);
  context.fillStyle = '#000';
  for (let row = 0; row < modules.size; row += 1) {
    for (let column = 0; column < modules.size; column += 1) {
      if (modules.get(row, column)) {
        context.fillRect((QUIET_ZONE + column) * scale, (QUIET_ZONE + row) * scale, scale, scale);
      }
    }
  }
  return modules.size;
}
