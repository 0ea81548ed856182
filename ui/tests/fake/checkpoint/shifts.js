// Shifts (班次) of the checkpoint fake: each checkpoint's plan (three 8-hour shifts of two
// by default), sign-in and handover. The plan's checks, the shift on at a time and the checks
// of a sign-in or a handover are the store's own (`gridbook shift judge`,
// ../backend/gridbook.js).
import { ask, unavailable } from '../backend/gridbook.js';
import { checkpointOf, fake, Invalid, localAt, now, state, touched, uuid } from './state.js';

/**
 * The store's answer for `plan` (shifts as typed, staff per shift) at `at` (a Date, or none
 * for the plan alone) with the sign-in of `staff` or the handover `note`: { plan, on_duty:
 * { date, index }, sign_in: { date, index, staff }, handover: { date, index, note } }, or the
 * store's refusal of the first problem.
 */
async function judgeShift(plan, at, extra = {}) {
  const r = await ask('shift judge', { shifts: plan.shifts, staff_per_shift: plan.staff_per_shift, ...(at ? { at: localAt(at) } : {}), ...extra });
  if (!r) throw unavailable('检查班次');
  return r;
}

/** The shift on at `d` by the checkpoint's plan: the day it started and its index. */
export async function shiftOn(plan, d) {
  return (await judgeShift(plan, d)).on_duty;
}

export function signedIn(cp, date, index) {
  return state.shifts
    .filter((s) => s.checkpoint_id === cp && s.date === date && s.index === index && !s.signed_out_at)
    .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0] || null;
}
export function onDuty(cp) {
  return state.shifts
    .filter((s) => s.checkpoint_id === cp && !s.signed_out_at)
    .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0] || null;
}

export const publicShift = (s) => (s ? { ...s } : null);
export const publicCheckpoint = ({ deleted, shift_plan, ...c }) => (void deleted, { ...c, shift_plan: { shifts: shift_plan.shifts.map((s) => ({ ...s })), staff_per_shift: shift_plan.staff_per_shift } });

Object.assign(fake.commands, {
  shift_start: async ({ checkpoint, staff }) => {
    const cp = checkpointOf(checkpoint);
    const at = now();
    const { sign_in: s } = await judgeShift(cp.shift_plan, at, { staff: (staff || []).map((n) => String(n ?? '')) });
    const row = { id: uuid('shift'), checkpoint_id: cp.id, date: s.date, index: s.index, staff: s.staff.join(','), signed_in_at: localAt(at), signed_out_at: null, handover_note: null };
    state.shifts.push(row);
    touched();
    return publicShift(row);
  },
  shift_handover: async ({ checkpoint, note }) => {
    const cp = checkpointOf(checkpoint);
    const at = now();
    const { handover: h, on_duty: current } = await judgeShift(cp.shift_plan, at, { note: String(note ?? '') });
    // As the store finds it: the shift the note hands over, else the one on duty now; never a
    // sign-in already handed over.
    const row = [h, current].filter(Boolean).map((s) => signedIn(cp.id, s.date, s.index)).find(Boolean);
    if (!row) throw new Invalid('shift', '本班次尚未签到或已交班，无法交班');
    row.signed_out_at = localAt(at);
    row.handover_note = h.note;
    touched();
    return publicShift(row);
  },
  set_shift_plan: async ({ checkpoint, shifts, staffPerShift }) => {
    const cp = checkpointOf(checkpoint);
    const typed = (Array.isArray(shifts) ? shifts : []).map((x) => ({ start: String(x?.start ?? ''), end: String(x?.end ?? '') }));
    cp.shift_plan = (await judgeShift({ shifts: typed, staff_per_shift: staffPerShift }, null)).plan;
    touched();
    return publicCheckpoint(cp);
  },
});
