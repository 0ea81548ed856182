// Pure helpers of temporary passes (临时通行证): the QR payload a scanner types, a pass's
// status on the app's clock, the default window of a new pass, and how windows are shown.
import type { PassRow } from '../types';

/** What a pass's QR code holds before the number (the backend drops it, in any case). */
export const PASS_PREFIX = 'GRIDBOOK-PASS:';

/** The scanned or typed text is a pass QR payload (prefix in any case). */
export function isPassPayload(text: string): boolean {
  return text.trim().slice(0, PASS_PREFIX.length).toUpperCase() === PASS_PREFIX;
}

/** Where the last payload prefix starts in `text` (any case), or -1. */
function prefixAt(text: string): number {
  return text.toUpperCase().lastIndexOf(PASS_PREFIX);
}

/** The text holds a pass QR payload somewhere (a scan into a field that already had text). */
export function hasPassPayload(text: string): boolean {
  return prefixAt(text) >= 0;
}

/**
 * The pass number in a scanned or typed text: what follows the last QR payload prefix (spaces
 * dropped, upper-cased, as a scanner may type in any case), so a second scan into a filled field
 * replaces the first; anything else stays as typed, for the backend to judge.
 */
export function passFromText(text: string): string {
  const at = prefixAt(text);
  if (at < 0) return text;
  return text.slice(at + PASS_PREFIX.length).replace(/\s+/g, '').toUpperCase();
}

/** A payload typed in full (prefix and 8 characters), e.g. into the search: its number, else null. */
export function completePayload(text: string): string | null {
  if (!hasPassPayload(text)) return null;
  const n = passFromText(text);
  return /^[2-9A-HJ-NP-Z]{8}$/.test(n) ? n : null;
}

/** A decoded QR code that can be a pass: a payload, or a bare 8-character number. */
export function scannedPass(text: string): string | null {
  const t = text.trim();
  if (isPassPayload(t)) return passFromText(t) || null;
  return /^[2-9A-HJ-NP-Z]{8}$/i.test(t) ? t.toUpperCase() : null;
}

export type PassStatus = 'pending' | 'valid' | 'expired';

/** Minutes are what the window is issued in: "…T10:00:00" and "…T10:00" are the same instant. */
const minute = (at: string) => at.slice(0, 16);

/** Not yet valid, valid, or over (the end is exclusive), at `now` ('YYYY-MM-DDTHH:MM', local). */
export function passStatus(pass: Pick<PassRow, 'valid_from' | 'valid_to'>, now: string): PassStatus {
  const n = minute(now);
  if (n < minute(pass.valid_from)) return 'pending';
  if (n >= minute(pass.valid_to)) return 'expired';
  return 'valid';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A local Date as 'YYYY-MM-DDTHH:MM'. */
export function localMinute(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 'YYYY-MM-DDTHH:MM' → a local Date, or null when it is not one. */
export function parseLocal(at: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const t = new Date(y, mo - 1, d, h, mi);
  if (t.getMonth() !== mo - 1 || t.getDate() !== d || h > 23 || mi > 59) return null;
  return t;
}

/** `at` moved by whole minutes (local calendar, so 23:30 + 60 min is the next day). */
export function addMinutes(at: string, minutes: number): string {
  const d = parseLocal(at);
  if (!d) return at;
  d.setMinutes(d.getMinutes() + minutes);
  return localMinute(d);
}


/** A new pass: from now, for a day. */
export function defaultWindow(now: string): { from: string; to: string } {
  return { from: now.slice(0, 16), to: addMinutes(now.slice(0, 16), 24 * 60) };
}

/** Writes a local time short, as the language does ("5月1日 10:00"): `useText().short`. */
type Short = (at: string) => string;

/** A window as shown: "5月1日 10:00–18:00" within a day, else "5月1日 10:00 – 5月2日 10:00". */
export function windowLabel(short: Short, from: string, to: string): string {
  if (from.slice(0, 10) === to.slice(0, 10)) return `${short(from)}–${to.slice(11, 16)}`;
  return `${short(from)} – ${short(to)}`;
}

/** A use of a pass as shown: "出 5月1日 10:32". */
export function useLabel(short: Short, use: PassRow['uses'][number], dirLabel: (d: 'in' | 'out') => string): string {
  return `${dirLabel(use.direction)} ${short(use.at)}`;
}

/** Passes newest first by the start of their window (the backend's order, kept if it is not). */
export function sortPasses(rows: PassRow[]): PassRow[] {
  return [...rows].sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0));
}

/** An SVG document as an image URL: shown in an <img>, where nothing in it can run. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The form's field an issue_pass error belongs to. */
export function passFieldOf(field: string | undefined | null): 'from' | 'to' | null {
  if (field === 'valid_from' || field === 'from') return 'from';
  if (field === 'valid_to' || field === 'to') return 'to';
  return null;
}

export type CameraProblem = 'noCamera' | 'denied' | 'busy' | 'failed';

/** What went wrong opening the camera, from getUserMedia's error (or its absence: null). */
export function cameraProblem(e: unknown): CameraProblem {
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '';
  if (!e || ['NotFoundError', 'DevicesNotFoundError', 'OverconstrainedError', 'ConstraintNotSatisfiedError'].includes(name)) {
    return 'noCamera';
  }
  if (['NotAllowedError', 'PermissionDeniedError', 'SecurityError'].includes(name)) return 'denied';
  if (['NotReadableError', 'TrackStartError', 'AbortError'].includes(name)) return 'busy';
  return 'failed';
}

/** The size a video frame is decoded at: at most `max` pixels wide, the aspect kept. */
export function decodeSize(width: number, height: number, max = 640): { width: number; height: number } {
  const scale = width > max ? max / width : 1;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
