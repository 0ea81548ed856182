// Enrollment codes: what a typed one-time code looks like, and what the enrollment QR code
// holds (`gridbook:enroll?relay=<URL>&code=<CODE>[&ca=<FINGERPRINT>]`, made by the relay's
// `device add --code` and by the township's 设备 screen; `ca` is the SHA-256 of the township CA's
// certificate, which the device then trusts alone for the relay).

/** The letters of a code: digits and capitals without 0, 1, I, L, O (as the relay draws them). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A typed one-time code in its canonical form `ABCD-EFGH` (case, spaces and dashes do not
 * matter), or null when the text is not a code (a 64-character token, say).
 */
export function normalizeCode(text: string): string | null {
  const s = text.replace(/[\s-]/g, '').toUpperCase();
  if (s.length !== 8 || [...s].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

export interface EnrollQr {
  /** The relay's address, when the QR code carries it. */
  relay: string | null;
  /** The one-time code, `ABCD-EFGH`. */
  code: string;
  /** The township CA's SHA-256 fingerprint (64 lowercase hex digits), when the QR code pins it. */
  ca?: string;
}

/** Reads an enrollment QR code's text; null for anything else. */
export function parseEnrollQr(text: string): EnrollQr | null {
  const prefix = 'gridbook:enroll?';
  const t = text.trim();
  if (!t.startsWith(prefix) || t.length > 2048) return null;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(t.slice(prefix.length));
  } catch {
    return null;
  }
  const code = normalizeCode(params.get('code') ?? '');
  if (!code) return null;
  const relay = params.get('relay');
  const ok = relay && /^https?:\/\/[^\s]+$/i.test(relay);
  const qr: EnrollQr = { relay: ok ? relay : null, code };
  const ca = params.get('ca');
  if (ca !== null) {
    // A pin that does not read is not dropped silently: the QR code is refused whole.
    if (!/^[0-9a-f]{64}$/i.test(ca)) return null;
    qr.ca = ca.toLowerCase();
  }
  return qr;
}
