// Pure helpers of a checkpoint's shift plan (班次): presets, adding and removing a shift while
// the plan stays whole, and the same checks as the backend's, so a problem shows while typing.
import type { PlanShift, ShiftPlan } from '../types';

const DAY = 24 * 60;
export const MAX_STAFF = 20;

/**
 * A time as typed → "HH:MM", or null when it is not one: "8:00", "08:00:00", "16：30" (a
 * Chinese keyboard's colon), "0800", "800", "8" (an hour), and "24:00" for midnight.
 */
export function hm(text: string): string | null {
  const t = String(text ?? '')
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace('：', ':');
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(t) ?? /^(\d{1,2})(\d{2})$/.exec(t) ?? /^(\d{1,2})()$/.exec(t);
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] === '' ? 0 : Number(m[2]);
  if (h === 24 && min === 0) return '00:00';
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** Minutes after midnight, or null. */
export function minutesOf(text: string): number | null {
  const t = hm(text);
  return t === null ? null : Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
}

function fromMinutes(m: number): string {
  const x = ((m % DAY) + DAY) % DAY;
  return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
}

/** Length in minutes; an end at or before the start is on the next day (a whole day if equal). */
export function shiftMinutes(s: PlanShift): number | null {
  const a = minutesOf(s.start);
  const b = minutesOf(s.end);
  if (a === null || b === null) return null;
  const d = b - a;
  return d <= 0 ? d + DAY : d;
}

/** The shift ends on the next day (as 16:00–00:00 or 22:00–06:00 do). */
export function endsNextDay(s: PlanShift): boolean {
  const a = minutesOf(s.start);
  const b = minutesOf(s.end);
  return a !== null && b !== null && b <= a && b !== 0;
}

/** `n` equal shifts from `start` round the clock. */
export function evenShifts(n: number, start = '00:00'): PlanShift[] {
  const s = minutesOf(start) ?? 0;
  const len = DAY / n;
  return Array.from({ length: n }, (_, i) => ({ start: fromMinutes(s + i * len), end: fromMinutes(s + (i + 1) * len) }));
}

export const PRESETS = {
  /** 三班倒: 00–08, 08–16, 16–24. */
  three: () => evenShifts(3),
  /** 四班倒: 00–06, 06–12, 12–18, 18–24. */
  four: () => evenShifts(4),
} as const;
export type Preset = keyof typeof PRESETS;

/** The backend's default: three 8-hour shifts of two people. */
export const DEFAULT_PLAN: ShiftPlan = { shifts: PRESETS.three(), staff_per_shift: 2 };

/** A plan as the backend sent it, times as "HH:MM" (a missing plan is the default). */
export function normalizePlan(plan: ShiftPlan | null | undefined): ShiftPlan {
  const p = plan && Array.isArray(plan.shifts) && plan.shifts.length ? plan : DEFAULT_PLAN;
  return {
    shifts: p.shifts.map((s) => ({ start: hm(s.start) ?? s.start, end: hm(s.end) ?? s.end })),
    staff_per_shift: p.staff_per_shift || DEFAULT_PLAN.staff_per_shift,
  };
}

/** Which preset the shifts are, if any. */
export function presetOf(shifts: PlanShift[]): Preset | null {
  for (const k of Object.keys(PRESETS) as Preset[]) {
    const p = PRESETS[k]();
    if (p.length === shifts.length && p.every((s, i) => s.start === hm(shifts[i].start) && s.end === hm(shifts[i].end))) return k;
  }
  return null;
}

/** Splits shift `i` in two halves (to the minute): a whole plan stays whole. */
export function splitShift(shifts: PlanShift[], i: number): PlanShift[] {
  const s = shifts[i];
  const len = s ? shiftMinutes(s) : null;
  const a = s ? minutesOf(s.start) : null;
  if (!s || len === null || a === null || len < 2) return shifts.map((x) => ({ ...x }));
  const mid = fromMinutes(a + Math.floor(len / 2));
  return [...shifts.slice(0, i), { start: s.start, end: mid }, { start: mid, end: s.end }, ...shifts.slice(i + 1)].map((x) => ({ ...x }));
}

/** The longest shift (the first of equals): where "add a shift" splits. */
export function longestShift(shifts: PlanShift[]): number {
  let best = 0;
  shifts.forEach((s, i) => {
    if ((shiftMinutes(s) ?? 0) > (shiftMinutes(shifts[best]) ?? 0)) best = i;
  });
  return best;
}

/** Removes shift `i`; the shift before it (round the clock) takes over its hours. */
export function removeShift(shifts: PlanShift[], i: number): PlanShift[] {
  if (shifts.length <= 1 || !shifts[i]) return shifts.map((x) => ({ ...x }));
  const out = shifts.map((x) => ({ ...x }));
  const [gone] = out.splice(i, 1);
  out[i === 0 ? out.length - 1 : i - 1].end = gone.end;
  return out;
}

/** A problem of a plan, as the backend words it (ShiftPlan::validate). */
export type PlanProblem =
  | { code: 'format'; index: number }
  | { code: 'staff' }
  | { code: 'empty' }
  | { code: 'gap'; index: number; end: string; next: string }
  | { code: 'not24h'; hours: number };

/** The problems of a plan in the backend's order: times, staff, empty, gaps, 24 hours. */
export function planProblems(plan: ShiftPlan): PlanProblem[] {
  const bad = plan.shifts.findIndex((s) => hm(s.start) === null || hm(s.end) === null);
  if (bad >= 0) return [{ code: 'format', index: bad + 1 }];
  const out: PlanProblem[] = [];
  const staff = Number(plan.staff_per_shift);
  if (!Number.isInteger(staff) || staff < 1 || staff > MAX_STAFF) out.push({ code: 'staff' });
  const n = plan.shifts.length;
  if (!n) out.push({ code: 'empty' });
  plan.shifts.forEach((s, i) => {
    const next = plan.shifts[(i + 1) % n];
    if (hm(s.end) !== hm(next.start)) out.push({ code: 'gap', index: i + 1, end: hm(s.end)!, next: hm(next.start)! });
  });
  if (n && !out.some((p) => p.code === 'gap')) {
    const total = plan.shifts.reduce((sum, s) => sum + (shiftMinutes(s) ?? 0), 0);
    if (total !== DAY) out.push({ code: 'not24h', hours: Math.round((total / 60) * 10) / 10 });
  }
  return out;
}

/** The plan as set_shift_plan takes it. */
export function planArgs(plan: ShiftPlan): { shifts: PlanShift[]; staffPerShift: number } {
  return {
    shifts: plan.shifts.map((s) => ({ start: hm(s.start) ?? s.start.trim(), end: hm(s.end) ?? s.end.trim() })),
    staffPerShift: Number(plan.staff_per_shift),
  };
}

/** Hours of a shift as shown: 8, 6, 7.5. */
export function shiftHours(s: PlanShift): number | null {
  const m = shiftMinutes(s);
  return m === null ? null : Math.round((m / 60) * 10) / 10;
}
