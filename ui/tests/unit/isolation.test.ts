import { describe, expect, it } from 'vitest';
import {
  QUICK_TEMPS,
  dayOf,
  dueCounts,
  groupDue,
  openReferral,
  parseDayList,
  tempOk,
  timeline,
  windowLabel,
} from '../../src/logic/isolation';
import type { CaseDetail, DueRow } from '../../src/types';

function row(start: string, end: string, status: DueRow['status'], kind: DueRow['kind'] = 'check'): DueRow {
  return {
    case_id: `c-${start}-${status}`,
    person_id: 'p',
    name: '张三',
    village_id: 'v',
    village: '红星村',
    kind,
    day: 3,
    window_start: start,
    window_end: end,
    status,
  };
}

describe('due list', () => {
  it('labels a window by its times, a whole day as such', () => {
    expect(windowLabel(row('2026-11-23T08:00', '2026-11-23T10:00', 'due'), '全天')).toBe('08:00–10:00');
    expect(windowLabel(row('2026-11-23T00:00', '2026-11-24T00:00', 'due', 'test'), '全天')).toBe('全天');
  });

  it('groups rows by window in the order given and counts what is open and overdue', () => {
    const rows = [
      row('2026-11-23T00:00', '2026-11-24T00:00', 'due', 'test'),
      row('2026-11-23T08:00', '2026-11-23T10:00', 'overdue'),
      row('2026-11-23T08:00', '2026-11-23T10:00', 'done'),
      row('2026-11-23T16:00', '2026-11-23T18:00', 'due'),
    ];
    const g = groupDue(rows, '全天');
    expect(g.map((x) => x.label)).toEqual(['全天', '08:00–10:00', '16:00–18:00']);
    expect(g[1]).toMatchObject({ open: 1, overdue: 1 });
    expect(g[1].rows).toHaveLength(2);
    expect(dueCounts(rows)).toEqual({ open: 3, overdue: 1, done: 1 });
  });
});

describe('check form', () => {
  it('offers quick temperatures from 36.0 to 37.2, all plausible', () => {
    expect(QUICK_TEMPS[0]).toBe('36.0');
    expect(QUICK_TEMPS[QUICK_TEMPS.length - 1]).toBe('37.2');
    expect(QUICK_TEMPS.every(tempOk)).toBe(true);
  });

  it('accepts 34.0–43.0 with at most one decimal', () => {
    for (const ok of ['36', '36.5', '34.0', '43.0', ' 37.3 ']) expect(tempOk(ok), ok).toBe(true);
    for (const bad of ['', '3.75', '365', '36.55', '33.9', '43.1', 'abc', '36,5']) expect(tempOk(bad), bad).toBe(false);
  });
});

describe('policy days', () => {
  it('parses day lists with Chinese separators, sorted and unique', () => {
    expect(parseDayList('1，7、14 7')).toEqual([1, 7, 14]);
    expect(parseDayList('')).toEqual([]);
    expect(parseDayList('1,0')).toBeNull();
    expect(parseDayList('1,七')).toBeNull();
  });
});

function detail(): CaseDetail {
  return {
    id: 'c1',
    status: 'escalated',
    in_escalation: true,
    escalated: true,
    needs_review: false,
    person_id: 'p1',
    name: '王秀英',
    village_id: 'v',
    household_id: 'h',
    policy_id: 'pol',
    policy_name: '高风险地区来返人员',
    fever_threshold: 37.3,
    reason: null,
    start: '2026-11-28',
    end: '2026-12-04',
    place: 'home',
    site: null,
    released_on: null,
    visits_seen: null,
    created_at: null,
    close_note: null,
    release_reason: null,
    origin: null,
    team: {},
    checkpoint_entries: [],
    certificate: null,
    phases: [
      { kind: 'home-isolation', kind_zh: '居家隔离', days: 4, start: '2026-11-28', end: '2026-12-01', checks: true },
      { kind: 'home-monitoring', kind_zh: '居家健康监测', days: 3, start: '2026-12-02', end: '2026-12-04', checks: false },
    ],
    visits: [
      { id: 'v1', at: '2026-11-28T08:30', temperature: 36.5, symptoms: [], method: 'phone', by: null, device: null, escalated: false },
      { id: 'v2', at: '2026-11-30T16:10', temperature: 37.8, symptoms: ['dry-cough'], method: 'phone', by: null, device: null, escalated: true },
    ],
    tests: [{ id: 't1', date: '2026-11-28', result: 'negative', device: null }],
    referrals: [{ id: 'r1', at: '2026-11-30T16:10', reason: '发热', outcome: 'pending' }],
  };
}

describe('case timeline', () => {
  it('lists every day from day 1 to today across a month end, newest first, with its records', () => {
    const days = timeline(detail(), '2026-12-02');
    expect(days.map((d) => d.date)).toEqual(['2026-12-02', '2026-12-01', '2026-11-30', '2026-11-29', '2026-11-28']);
    expect(days.map((d) => d.day)).toEqual([5, 4, 3, 2, 1]);
    expect(days[0].phase).toBe('home-monitoring');
    // Day 2 had no check in a phase with checks: missing. Today is not missing yet.
    expect(days.find((d) => d.day === 2)?.missing).toBe(true);
    expect(days.find((d) => d.day === 5)?.missing).toBe(false);
    const d3 = days.find((d) => d.day === 3);
    expect(d3?.visits.map((v) => v.id)).toEqual(['v2']);
    expect(d3?.referrals).toHaveLength(1);
    expect(days.find((d) => d.day === 1)?.tests).toHaveLength(1);
  });

  it('puts the checkpoint entries of the person on their day', () => {
    const c = detail();
    c.checkpoint_entries = [
      { id: 'e1', at: '2026-11-30T14:05:00.000000000', day: 3, checkpoint_id: 'k1', checkpoint: '村口卡点', direction: 'out', suggested: 'turn-back', decision: 'turn-back', overridden: false, note: null, purpose: null, line: '14:05 村口卡点登记外出，劝返' },
    ];
    const days = timeline(c, '2026-12-02');
    expect(days.find((d) => d.day === 3)?.entries.map((e) => e.line)).toEqual(['14:05 村口卡点登记外出，劝返']);
    expect(days.filter((d) => d.entries.length)).toHaveLength(1);
    // A case detail from an older backend has no entries: no day has any.
    expect(timeline(detail(), '2026-12-02').every((d) => d.entries.length === 0)).toBe(true);
  });

  it('stops at the end of the period, but shows a late check after it', () => {
    const c = detail();
    expect(timeline(c, '2026-12-20')).toHaveLength(7);
    c.visits.push({ id: 'late', at: '2026-12-06T09:00', temperature: 36.4, symptoms: [], method: 'visit', by: null, device: null, escalated: false });
    const days = timeline(c, '2026-12-20');
    expect(days[0]).toMatchObject({ date: '2026-12-06', day: 9 });
  });

  it('knows the day of the period and the open referral', () => {
    const c = detail();
    expect(dayOf(c, '2026-11-28')).toBe(1);
    expect(dayOf(c, '2026-12-04')).toBe(7);
    expect(dayOf(c, '2026-12-05')).toBeNull();
    expect(openReferral(c)?.id).toBe('r1');
    c.referrals[0].outcome = 'cleared';
    expect(openReferral(c)).toBeNull();
  });
});
