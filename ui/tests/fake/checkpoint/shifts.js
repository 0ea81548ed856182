// Shifts (班次) of the checkpoint fake: each checkpoint's plan (three 8-hour shifts of two
// by default), sign-in and handover.
import { minutesOf, shiftMinutes } from '../../../src/logic/shiftPlan';
import { ymd } from '../../../src/logic/time';
import { checked, checkpointOf, clock, fake, freeText, Invalid, localAt, MINUTE, now, state, touched, uuid } from './state.js';

/** The shift on at `d`: the day it started (a shift past midnight belongs to that day) and its index. */
export function shiftAt(plan, d) {
  for (const back of [0, 1]) {
    const day = new Date(d.getFullYear(), d.getMonth(), d.getDate() - back);
    for (let i = 0; i < plan.shifts.length; i++) {
      const s = plan.shifts[i];
      const start = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minutesOf(s.start));
      if (start <= d && d < new Date(start.getTime() + shiftMinutes(s) * MINUTE)) return { date: ymd(day), index: i };
    }
  }
  return { date: ymd(d), index: 0 };
}
/** set_shift_plan's checks, in the store's order and with its messages. */
function validPlan(shifts, staffPerShift) {
  const list = Array.isArray(shifts) ? shifts : [];
  const hm = (raw) => {
    const t = String(raw ?? '').trim().replace('：', ':');
    if (t === '24:00') return '00:00';
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
    return m && +m[1] < 24 && +m[2] < 60 ? `${m[1].padStart(2, '0')}:${m[2]}` : null;
  };
  const parsed = list.map((s, i) => {
    const start = hm(s && s.start), end = hm(s && s.end);
    if (!start || !end) throw new Invalid('shifts', `第${i + 1}班时间“${s && s.start}–${s && s.end}”应为 HH:MM`);
    return { start, end };
  });
  const staff = Number(staffPerShift);
  if (!Number.isInteger(staff) || staff < 1 || staff > 20) throw new Invalid('staff_per_shift', '每班人数应为1–20人');
  if (!parsed.length) throw new Invalid('shifts', '至少需要一个班次');
  parsed.forEach((s, i) => {
    const next = parsed[(i + 1) % parsed.length];
    if (s.end !== next.start) throw new Invalid('shifts', `第${i + 1}班${s.end}结束，下一班${next.start}开始，班次须连续、无空档无重叠`);
  });
  if (parsed.reduce((sum, s) => sum + shiftMinutes(s), 0) !== 24 * 60) throw new Invalid('shifts', '班次合计应为24小时');
  return { shifts: parsed, staff_per_shift: staff };
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
    const names = [];
    for (const raw of staff || []) {
      const name = await checked('name', raw, 'staff');
      if (names.includes(name)) throw new Invalid('staff', `值班人员“${name}”重复`);
      names.push(name);
    }
    if (!names.length) throw new Invalid('staff', '请填写值班人员');
    const at = now();
    const { date, index } = shiftAt(cp.shift_plan, at);
    const row = { id: uuid('shift'), checkpoint_id: cp.id, date, index, staff: names.join(','), signed_in_at: localAt(at), signed_out_at: null, handover_note: null };
    state.shifts.push(row);
    touched();
    return publicShift(row);
  },
  shift_handover: ({ checkpoint, note }) => {
    const cp = checkpointOf(checkpoint);
    const text = freeText(note, 'note', '交接班记录', 500);
    if (!text) throw new Invalid('note', '请填写交接班记录，无事可写“无异常”');
    // Written in the first 30 minutes of a shift, it belongs to the one that just ended.
    const { date, index } = shiftAt(cp.shift_plan, new Date(clock() - 30 * MINUTE));
    const row = state.shifts
      .filter((s) => s.checkpoint_id === cp.id && s.date === date && s.index === index)
      .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0];
    if (!row) throw new Invalid('shift', '本班次尚未签到，无法交班');
    row.signed_out_at = localAt(now());
    row.handover_note = text;
    touched();
    return publicShift(row);
  },
  set_shift_plan: ({ checkpoint, shifts, staffPerShift }) => {
    const cp = checkpointOf(checkpoint);
    cp.shift_plan = validPlan(shifts, staffPerShift);
    touched();
    return publicCheckpoint(cp);
  },
});
