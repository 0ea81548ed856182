// A fake camera for the browser tests: a YUV4MPEG2 file (I420 frames) showing a QR code, which
// Chromium plays as its capture device with the flags of `fakeCameraArgs`.
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

/**
 * Writes `frames` frames of `width`×`height` showing the QR code of `text` in the middle:
 * dark modules on white with a four-module quiet zone, on a grey background; chroma neutral.
 */
export function writeQrY4m(path, text, { width = 640, height = 480, frames = 4, module = 8 } = {}) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const side = (n + 2 * quiet) * module;
  if (side > Math.min(width, height)) throw new Error('QR code does not fit the frame');
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 90);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const mr = Math.floor(r / module) - quiet;
      const mc = Math.floor(c / module) - quiet;
      const dark = mr >= 0 && mc >= 0 && mr < n && mc < n && qr.modules.get(mr, mc);
      luma[(y0 + r) * width + x0 + c] = dark ? 16 : 235;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), luma, chroma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}

/** Chromium flags: a fake camera playing `file`, and camera permission granted without asking. */
export function fakeCameraArgs(file) {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
}
