import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAN,
  PRESETS,
  endsNextDay,
  evenShifts,
  hm,
  longestShift,
  normalizePlan,
  planArgs,
  planProblems,
  presetOf,
  removeShift,
  shiftHours,
  splitShift,
} from '../../src/logic/shiftPlan';

describe('shift times', () => {
  it('reads HH:MM the way the backend does', () => {
    expect(hm('8:00')).toBe('08:00');
    expect(hm('08:00:00')).toBe('08:00');
    expect(hm('24:00')).toBe('00:00');
    expect(hm('16：30')).toBe('16:30');
    expect(hm('0800')).toBe('08:00');
    expect(hm('830')).toBe('08:30');
    expect(hm('8')).toBe('08:00');
    expect(hm('１６：００')).toBe('16:00');
    expect(hm('24')).toBe('00:00');
    expect(hm('25:00')).toBeNull();
    expect(hm('12:60')).toBeNull();
    expect(hm('8 点')).toBeNull();
    expect(hm('')).toBeNull();
  });
  it('measures shifts that cross midnight', () => {
    expect(shiftHours({ start: '16:00', end: '00:00' })).toBe(8);
    expect(shiftHours({ start: '22:00', end: '06:00' })).toBe(8);
    expect(shiftHours({ start: '08:00', end: '08:00' })).toBe(24);
    expect(shiftHours({ start: '08:00', end: '11:30' })).toBe(3.5);
    expect(endsNextDay({ start: '22:00', end: '06:00' })).toBe(true);
    expect(endsNextDay({ start: '16:00', end: '00:00' })).toBe(false);
  });
});

describe('presets', () => {
  it('are three 8-hour and four 6-hour shifts from midnight', () => {
    expect(PRESETS.three()).toEqual([
      { start: '00:00', end: '08:00' },
      { start: '08:00', end: '16:00' },
      { start: '16:00', end: '00:00' },
    ]);
    expect(PRESETS.four()).toEqual([
      { start: '00:00', end: '06:00' },
      { start: '06:00', end: '12:00' },
      { start: '12:00', end: '18:00' },
      { start: '18:00', end: '00:00' },
    ]);
    expect(evenShifts(2, '07:00')).toEqual([
      { start: '07:00', end: '19:00' },
      { start: '19:00', end: '07:00' },
    ]);
    expect(presetOf(PRESETS.four())).toBe('four');
    expect(presetOf([{ start: '0:00', end: '8:00' }, { start: '08:00', end: '16:00' }, { start: '16:00', end: '24:00' }])).toBe('three');
    expect(presetOf(evenShifts(2))).toBeNull();
    expect(planProblems({ shifts: PRESETS.three(), staff_per_shift: 2 })).toEqual([]);
    expect(planProblems({ shifts: PRESETS.four(), staff_per_shift: 3 })).toEqual([]);
  });
  it('fill in a missing plan with the backend default', () => {
    expect(normalizePlan(undefined)).toEqual(DEFAULT_PLAN);
    expect(normalizePlan({ shifts: [{ start: '00:00:00', end: '12:00:00' }, { start: '12:00', end: '24:00' }], staff_per_shift: 3 })).toEqual({
      shifts: [
        { start: '00:00', end: '12:00' },
        { start: '12:00', end: '00:00' },
      ],
      staff_per_shift: 3,
    });
  });
});

describe('adding and removing shifts', () => {
  it('splits the longest shift, so the plan stays whole', () => {
    const plan = [{ start: '00:00', end: '06:00' }, { start: '06:00', end: '18:00' }, { start: '18:00', end: '00:00' }];
    expect(longestShift(plan)).toBe(1);
    const next = splitShift(plan, longestShift(plan));
    expect(next).toEqual([
      { start: '00:00', end: '06:00' },
      { start: '06:00', end: '12:00' },
      { start: '12:00', end: '18:00' },
      { start: '18:00', end: '00:00' },
    ]);
    expect(planProblems({ shifts: next, staff_per_shift: 2 })).toEqual([]);
    expect(splitShift([{ start: '22:00', end: '06:00' }], 0)).toEqual([
      { start: '22:00', end: '02:00' },
      { start: '02:00', end: '06:00' },
    ]);
  });
  it('gives a removed shift to the one before it', () => {
    const four = PRESETS.four();
    expect(removeShift(four, 2)).toEqual([
      { start: '00:00', end: '06:00' },
      { start: '06:00', end: '18:00' },
      { start: '18:00', end: '00:00' },
    ]);
    const first = removeShift(four, 0);
    expect(first).toEqual([
      { start: '06:00', end: '12:00' },
      { start: '12:00', end: '18:00' },
      { start: '18:00', end: '06:00' },
    ]);
    expect(planProblems({ shifts: first, staff_per_shift: 2 })).toEqual([]);
    expect(removeShift([{ start: '00:00', end: '00:00' }], 0)).toEqual([{ start: '00:00', end: '00:00' }]);
    // The input is never changed.
    expect(four).toEqual(PRESETS.four());
  });
});

describe('checks before saving', () => {
  it('finds a gap or overlap with the backend wording', () => {
    const shifts = PRESETS.three();
    shifts[0].end = '09:00';
    expect(planProblems({ shifts, staff_per_shift: 2 })).toEqual([{ code: 'gap', index: 1, end: '09:00', next: '08:00' }]);
  });
  it('finds contiguous shifts that go round twice', () => {
    const shifts = [{ start: '00:00', end: '16:00' }, { start: '16:00', end: '08:00' }, { start: '08:00', end: '00:00' }];
    expect(planProblems({ shifts, staff_per_shift: 2 })).toEqual([{ code: 'not24h', hours: 48 }]);
  });
  it('checks the times, the staff and an empty plan', () => {
    expect(planProblems({ shifts: [{ start: '', end: '08:00' }], staff_per_shift: 2 })).toEqual([{ code: 'format', index: 1 }]);
    expect(planProblems({ shifts: PRESETS.three(), staff_per_shift: 0 })).toEqual([{ code: 'staff' }]);
    expect(planProblems({ shifts: PRESETS.three(), staff_per_shift: 21 })).toEqual([{ code: 'staff' }]);
    expect(planProblems({ shifts: [], staff_per_shift: 2 })).toEqual([{ code: 'empty' }]);
  });
  it('sends the plan as set_shift_plan takes it', () => {
    expect(planArgs({ shifts: [{ start: '0:00', end: '24:00' }], staff_per_shift: 4 })).toEqual({
      shifts: [{ start: '00:00', end: '00:00' }],
      staffPerShift: 4,
    });
  });
});
