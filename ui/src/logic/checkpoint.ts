// Pure helpers of the checkpoint (卡口) screens: the entry form, the decision's look, the
// counts, and which checkpoint this device works at. The township's decision rules are not
// here: the backend judges every form, complete or not (preview_entry), and says which
// choices need a note and which temperatures are fevers.
import type {
  CheckpointDay,
  Checkpoint,
  Decision,
  EntryForm,
  EntryRow,
  HealthCode,
  SearchHit,
} from '../types';

/** Readings a volunteer taps most: normal temperatures. */
export const QUICK_TEMPS = ['36.0', '36.2', '36.4', '36.5', '36.6', '36.8', '37.0', '37.2'] as const;

export const HEALTH_CODES: HealthCode[] = ['green', 'yellow', 'red'];
export const DECISIONS: Decision[] = ['allow', 'turn-back', 'observe'];

/** Where the device remembers its checkpoint. */
export const CHECKPOINT_KEY = 'gridbook.checkpoint';

/** An empty form for the next person; the direction carries over (a gate sees runs of one way). */
export function emptyEntry(checkpoint: string, direction: 'in' | 'out' = 'in'): EntryForm {
  return {
    checkpoint,
    direction,
    name: '',
    id_number: '',
    phone: '',
    plate: '',
    temp: '',
    code: '',
    travel: '',
    hukou: '',
    residence: '',
    purpose: '',
    areas: [],
    decision: null,
    note: null,
    pass: null,
    person_id: null,
  };
}

/**
 * Fills the identity of a ledger resident into the form, as the match gave it (masked for a
 * volunteer), with the person's id: the store takes the full ID number from the ledger. Other
 * fields stay as they are.
 */
export function fillFromHit(form: EntryForm, hit: SearchHit): EntryForm {
  return {
    ...form,
    name: hit.name,
    id_number: hit.id_number ?? '',
    phone: hit.phone ?? '',
    plate: hit.plate ?? '',
    person_id: hit.person_id || null,
  };
}

/** The fields that change the suggestion, as one key: preview again only when it changes. */
export function previewKey(form: EntryForm): string {
  return JSON.stringify([
    form.direction,
    form.name.trim(),
    form.id_number.trim(),
    form.person_id ?? null,
    form.phone.trim(),
    form.plate.trim(),
    form.temp.trim(),
    form.code,
    form.travel.trim(),
    form.purpose.trim(),
    [...form.areas].sort(),
  ]);
}

/** Vant tag type of a decision: allow green, turn back red, observe orange. */
export function decisionTone(d: Decision): 'success' | 'danger' | 'warning' {
  return d === 'allow' ? 'success' : d === 'turn-back' ? 'danger' : 'warning';
}

/** The form as sent: the decision only when the volunteer chose one other than suggested. */
export function entryPayload(form: EntryForm, suggested: Decision | null, chosen: Decision | null): EntryForm {
  const decision = chosen && chosen !== suggested ? chosen : null;
  const note = form.note?.trim() ? form.note.trim() : null;
  const pass = form.pass?.trim() ? form.pass.trim() : null;
  return { ...form, areas: [...form.areas], decision, note, pass, person_id: form.person_id || null };
}

/** The backend's field names → the form's keys. */
const FIELD_OF: Record<string, string> = {
  temperature: 'temp',
  health_code: 'code',
  hukou_place: 'hukou',
  declared_areas: 'areas',
  pass_number: 'pass',
  id: 'id_number',
  idNumber: 'id_number',
  // The resident picked is not (or no longer) in the checkpoint's village: said at the ID.
  person_id: 'id_number',
};

export const ENTRY_FIELDS = [
  'direction',
  'name',
  'id_number',
  'phone',
  'plate',
  'temp',
  'code',
  'travel',
  'hukou',
  'residence',
  'purpose',
  'areas',
  'pass',
  'decision',
  'note',
] as const;

/** Optional fields live in a collapsed section: an error there opens it. */
export const OPTIONAL_FIELDS = ['travel', 'hukou', 'residence', 'purpose', 'areas', 'pass'];

/** The form key an error belongs to, or null when it belongs to no field. */
export function entryFieldOf(field: string | undefined | null): string | null {
  if (!field) return null;
  const f = FIELD_OF[field] ?? field;
  return (ENTRY_FIELDS as readonly string[]).includes(f) ? f : null;
}

/** "2022-11-20T08:05:00.000000000" → "08:05". */
export function entryTime(at: string): string {
  const m = /T(\d{2}:\d{2})/.exec(at);
  return m ? m[1] : at;
}

/** "08:00–16:00". */
export function shiftLabel(shift: { start: string; end: string }): string {
  return `${shift.start}–${shift.end === '00:00' ? '24:00' : shift.end}`;
}

/** Names as typed for a sign-in: split at spaces, commas and 、, blanks dropped. */
export function splitStaff(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "王五,赵六" (as stored) → "王五、赵六". */
export function staffText(staff: string): string {
  return splitStaff(staff).join('、');
}

export type Counts = CheckpointDay['counts'];

/** Counts of a list of entries, as the backend counts a day: turned back and observed apart. */
export function countEntries(rows: EntryRow[]): Counts {
  const c: Counts = { in: 0, out: 0, turned_back: 0, observed: 0, total: 0 };
  for (const r of rows) {
    c.total++;
    if (r.decision === 'turn-back') c.turned_back++;
    else if (r.decision === 'observe') c.observed++;
    else if (r.direction === 'in') c.in++;
    else c.out++;
  }
  return c;
}

/** The four tiles above the form, in order. */
export function countTiles(c: Counts): { key: 'in' | 'out' | 'turned_back' | 'observed'; n: number; alert: boolean }[] {
  return [
    { key: 'in', n: c.in, alert: false },
    { key: 'out', n: c.out, alert: false },
    { key: 'turned_back', n: c.turned_back, alert: c.turned_back > 0 },
    { key: 'observed', n: c.observed, alert: c.observed > 0 },
  ];
}

/** Temperature as typed → tenths, or null when it is not a number (the backend says why). */
export function tempTenths(raw: string): number | null {
  const s = raw
    .trim()
    .replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[℃度]|°C$/i, '')
    .replace(/[，,]/, '.')
    .trim();
  if (!/^\d{2}(\.\d+)?$/.test(s)) return null;
  return Math.round(Number(s) * 10);
}

/** The checkpoint to open: the one remembered on this device if it still exists, else the first. */
export function chooseCheckpoint(list: Checkpoint[], remembered: string | null): Checkpoint | null {
  return list.find((c) => c.id === remembered) ?? list[0] ?? null;
}

/** Local calendar day "YYYY-MM-DD", moved by `days`. */
export function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(y, m - 1, d + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** Locale key of a code: "turn-back" → "turn_back" (i18n paths stay simple, as in codes.ts). */
export function codeKey(code: string): string {
  return code.replace(/-/g, '_');
}

/**
 * What a search that matched nobody probably was, so the volunteer can keep it as the unknown
 * visitor's name, ID, phone or plate instead of typing it again.
 */
export function guessField(q: string): 'name' | 'id_number' | 'phone' | 'plate' | null {
  const s = q.replace(/\s+/g, '');
  if (/^\d{17}[\dxX]$/.test(s) || /^[A-Za-z]{1,2}\d{7,10}$/.test(s)) return 'id_number';
  if (/^1[3-9]\d{9}$/.test(s) || /^0\d{2,3}-?\d{7,8}$/.test(s)) return 'phone';
  if (/^[\u4e00-\u9fff][A-Za-z][A-Za-z0-9]{5,6}$/.test(s)) return 'plate';
  if (/^[\u4e00-\u9fff·]{2,10}$/.test(s)) return 'name';
  return null;
}

/** The app's own colours of the decisions (style.css --gb-ok, --gb-danger, --gb-warn). */
export function decisionColor(d: Decision): string {
  return d === 'allow' ? '#1f8a4c' : d === 'turn-back' ? '#d93026' : '#c27c0e';
}

/** A suggestion as shown: the decision and its reasons as text in the screen's language, the
 * decisions that need a note instead, and whether the temperature is a fever. */
export interface Suggestion {
  decision: Decision;
  reasons: { code: string; text: string }[];
  needsNote: Decision[];
  fever: boolean;
}

/** Choosing `chosen` needs a note: the backend listed it with the suggestion. */
export function requiresNote(s: Suggestion | null | undefined, chosen: Decision | null | undefined): boolean {
  return !!s && !!chosen && s.needsNote.includes(chosen);
}
