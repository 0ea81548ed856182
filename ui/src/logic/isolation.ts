// Pure helpers of the follow-up (随访) screens: the due list grouped by window, the quick
// temperatures, a case's day-by-day timeline. No Vue, no backend: unit-tested on their own.
import type { CaseDetail, CaseEntry, CaseStatus, DueRow, Referral, Visit, CaseTest } from '../types';

/** The quick temperature buttons of a check (°C): a normal check is one tap on one of them. */
export const QUICK_TEMPS = ['36.0', '36.2', '36.4', '36.5', '36.6', '36.8', '37.0', '37.2'];

/** Symptom codes asked about at every check, in the order of the form. */
export const SYMPTOMS = [
  'fever',
  'dry-cough',
  'fatigue',
  'chest-tightness',
  'sore-throat',
  'diarrhea',
  'loss-of-smell-taste',
] as const;

export const METHODS = ['phone', 'video', 'visit'] as const;

/** `HH:MM` of a local `YYYY-MM-DDTHH:MM`. */
export function hhmm(at: string): string {
  return at.slice(11, 16);
}

/** A window as shown: `08:00–10:00`, or `全天` (whole day) when it spans the day. */
export function windowLabel(row: Pick<DueRow, 'window_start' | 'window_end'>, wholeDay: string): string {
  const a = hhmm(row.window_start);
  const b = hhmm(row.window_end);
  if (a === '00:00' && (b === '00:00' || row.window_end.slice(0, 10) !== row.window_start.slice(0, 10))) {
    return wholeDay;
  }
  return `${a}–${b}`;
}

export interface DueGroup {
  key: string;
  label: string;
  rows: DueRow[];
  /** Rows still to do (due or overdue). */
  open: number;
  overdue: number;
}

/** Groups the due list by window, in the order the backend sent it (by window start). */
export function groupDue(rows: DueRow[], wholeDay: string): DueGroup[] {
  const groups: DueGroup[] = [];
  const byKey = new Map<string, DueGroup>();
  for (const r of rows) {
    const key = `${r.window_start}|${r.window_end}`;
    let g = byKey.get(key);
    if (!g) {
      g = { key, label: windowLabel(r, wholeDay), rows: [], open: 0, overdue: 0 };
      byKey.set(key, g);
      groups.push(g);
    }
    g.rows.push(r);
    if (r.status === 'due' || r.status === 'overdue') g.open++;
    if (r.status === 'overdue') g.overdue++;
  }
  return groups;
}

/** Counts of a due list: still to do, overdue, done. */
export function dueCounts(rows: DueRow[]): { open: number; overdue: number; done: number } {
  let open = 0;
  let overdue = 0;
  let done = 0;
  for (const r of rows) {
    if (r.status === 'done') done++;
    else if (r.status === 'overdue') {
      overdue++;
      open++;
    } else if (r.status === 'due') open++;
  }
  return { open, overdue, done };
}

/** Vant tag type of a case status. */
export function statusType(status: CaseStatus | string): 'primary' | 'danger' | 'warning' | 'success' | 'default' {
  switch (status) {
    case 'active':
      return 'primary';
    case 'escalated':
      return 'danger';
    case 'referred':
      return 'warning';
    case 'released':
      return 'success';
    default:
      return 'default';
  }
}

/** Whether a case is still followed (not released, transferred or cancelled). */
export function isOpen(status: string): boolean {
  return status === 'active' || status === 'escalated' || status === 'referred';
}

/** A temperature as typed is plausible for a check: 34.0–43.0 °C with at most one decimal. */
export function tempOk(raw: string): boolean {
  const v = raw.trim();
  if (!/^\d{2}(\.\d)?$/.test(v)) return false;
  const n = Number(v);
  return n >= 34 && n <= 43;
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

/** Days between two `YYYY-MM-DD` dates (b − a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = a.split('-').map(Number);
  const [y2, m2, d2] = b.split('-').map(Number);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86400000);
}

/** Day N of a case on `date` (day 1 is the start), or null outside the period. */
export function dayOf(c: Pick<CaseDetail, 'start' | 'end'>, date: string): number | null {
  const n = daysBetween(c.start, date) + 1;
  const total = daysBetween(c.start, c.end) + 1;
  return n >= 1 && n <= total ? n : null;
}

export interface TimelineDay {
  date: string;
  day: number;
  phase: string;
  visits: Visit[];
  tests: CaseTest[];
  referrals: Referral[];
  /** The person's checkpoint entries that day. */
  entries: CaseEntry[];
  /** Whether this day has no check although the phase asks for them (and the day is past). */
  missing: boolean;
}

/**
 * The case day by day, newest first: from day 1 to today (or to the end of the period, or to
 * the release), each day with its phase, checks, tests and referrals. Checks recorded after the
 * last day (a late check after a release) still appear on their own day.
 */
export function timeline(c: CaseDetail, today: string): TimelineDay[] {
  const lastPeriod = c.end;
  let last = today < lastPeriod ? today : lastPeriod;
  if (c.released_on && c.released_on < last) last = c.released_on;
  const extra = [...c.visits.map((v) => v.at.slice(0, 10)), ...c.tests.map((t) => t.date)];
  for (const d of extra) if (d > last) last = d;
  const days: TimelineDay[] = [];
  const total = daysBetween(c.start, last) + 1;
  for (let i = 0; i < total; i++) {
    const date = addDays(c.start, i);
    const phase = c.phases.find((p) => p.start !== null && p.end !== null && p.start <= date && date <= p.end);
    const visits = c.visits.filter((v) => v.at.slice(0, 10) === date);
    days.push({
      date,
      day: i + 1,
      phase: phase?.kind ?? '',
      visits,
      tests: c.tests.filter((t) => t.date === date),
      referrals: c.referrals.filter((r) => r.at.slice(0, 10) === date),
      entries: (c.checkpoint_entries ?? []).filter((e) => e.at.slice(0, 10) === date),
      missing: !!phase?.checks && visits.length === 0 && date < today,
    });
  }
  return days.reverse();
}

/** The open referral of a case (the latest pending one), if any. */
export function openReferral(c: Pick<CaseDetail, 'referrals'>): Referral | null {
  const pending = c.referrals.filter((r) => r.outcome === 'pending');
  return pending.length ? pending[pending.length - 1] : null;
}

/** `1,7,14` (also with 、，or spaces) as day numbers, sorted and unique; null if any is not a positive integer. */
export function parseDayList(raw: string): number[] | null {
  const parts = raw
    .split(/[,，、\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || Number(p) < 1) return null;
    out.push(Number(p));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
