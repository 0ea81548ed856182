import { describe, expect, it } from 'vitest';
import zh from '../../src/locales/zh-CN';
import en from '../../src/locales/en';
import { OVERVIEW_COLUMNS, columnsOf, figureLink, figureOf, figureTone, groupHas, groupsBehind, reportsLink, shownFigure } from '../../src/logic/overview';
import {
  FIGURE_ORDER,
  reportFilter,
  shortName,
  byVillage,
  chipType,
  clock,
  countStates,
  figureKeys,
  flattenFigures,
  figureLabel,
  percent,
  reminderGroups,
  reportState,
  withFlatFigures,
} from '../../src/logic/reports';
import type { OverviewFigures, ReportStatusRow } from '../../src/types';

const row = (over: Partial<ReportStatusRow>): ReportStatusRow => ({
  level: 'group',
  id: 'g1',
  name: '1组',
  village_id: 'v1',
  village_name: '红星村',
  date: '2026-12-04',
  due: '2026-12-04T17:00:00',
  submitted_at: null,
  late: false,
  zero: false,
  state: 'missing',
  report_id: null,
  device: null,
  note: null,
  figures: null,
  ...over,
});

describe('report state and chips', () => {
  it('reads a status row as missing, late, zero or in', () => {
    expect(reportState(row({}))).toBe('missing');
    // A row that says late without a report is still missing: nothing came in.
    expect(reportState(row({ late: true }))).toBe('missing');
    expect(reportState(row({ submitted_at: '2026-12-04T16:32:00' }))).toBe('submitted');
    expect(reportState(row({ submitted_at: '2026-12-04T16:32:00', zero: true }))).toBe('zero');
    expect(reportState(row({ submitted_at: '2026-12-04T17:20:00', late: true }))).toBe('late');
    // A late zero report is late first: the township chases lateness.
    expect(reportState(row({ submitted_at: '2026-12-04T17:20:00', late: true, zero: true }))).toBe('late');
  });

  it('gives each state its own colour', () => {
    const types = (['submitted', 'zero', 'late', 'missing'] as const).map(chipType);
    expect(types).toEqual(['success', 'primary', 'warning', 'danger']);
  });

  it('reads the clock of a local time in the shapes the backend writes', () => {
    expect(clock('2026-12-04T16:32:05')).toBe('16:32');
    expect(clock('2026-12-04T17:00')).toBe('17:00');
    expect(clock('2026-12-04 09:05')).toBe('09:05');
    expect(clock('18:00')).toBe('18:00');
    expect(clock('2026-12-04T17:24:00.123456789')).toBe('17:24');
    expect(clock(null)).toBe('');
    expect(clock('2026-12-04')).toBe('');
  });
});

describe('the grid worker reminder', () => {
  const rows = [
    row({ id: 'g1', submitted_at: '2026-12-04T15:10:00' }),
    row({ id: 'g2', name: '2组' }),
    row({ id: 'g3', name: '3组', village_id: 'v2' }),
    row({ level: 'village', id: 'v1', name: '红星村', due: '2026-12-04T18:00:00' }),
  ];
  it('starts at 16:00, for the worker village groups not reported only', () => {
    expect(reminderGroups('2026-12-04T15:59:59', '2026-12-04', 'v1', rows)).toEqual([]);
    expect(reminderGroups('2026-12-04T16:00:00', '2026-12-04', 'v1', rows).map((r) => r.id)).toEqual(['g2']);
    expect(reminderGroups('2026-12-04T23:30', '2026-12-04', 'v1', rows).map((r) => r.id)).toEqual(['g2']);
    expect(reminderGroups('2026-12-04T16:30', '2026-12-04', 'v2', rows).map((r) => r.id)).toEqual(['g3']);
  });
  it('stops once every group is in, and says nothing without a village, a time or on another day', () => {
    const allIn = rows.map((r) => ({ ...r, submitted_at: '2026-12-04T16:40:00' }));
    expect(reminderGroups('2026-12-04T16:45', '2026-12-04', 'v1', allIn)).toEqual([]);
    expect(reminderGroups('2026-12-04T16:45', '2026-12-04', null, rows)).toEqual([]);
    expect(reminderGroups(null, '2026-12-04', 'v1', rows)).toEqual([]);
    expect(reminderGroups('2026-12-05T16:45', '2026-12-04', 'v1', rows)).toEqual([]);
  });
});

describe('township counts', () => {
  const rows = [
    row({ id: 'a1', submitted_at: '2026-12-04T16:00:00' }),
    row({ id: 'a2', submitted_at: '2026-12-04T16:10:00', zero: true }),
    row({ id: 'b1', village_id: 'v2', submitted_at: '2026-12-04T17:10:00', late: true }),
    row({ id: 'b2', village_id: 'v2' }),
    row({ level: 'village', id: 'v2', village_id: 'v2', name: '新华村' }),
    row({ level: 'village', id: 'v1', village_id: 'v1', name: '红星村', submitted_at: '2026-12-04T17:50:00' }),
  ];
  it('counts each level on its own', () => {
    expect(countStates(rows, 'group')).toEqual({ submitted: 1, zero: 1, late: 1, missing: 1 });
    expect(countStates(rows, 'village')).toEqual({ submitted: 1, zero: 0, late: 0, missing: 1 });
  });
  it('puts rows under their village, in the villages order, each village with its own row', () => {
    const by = byVillage(rows, ['v1', 'v2', 'v-empty']);
    expect(by.map((v) => v.village_id)).toEqual(['v1', 'v2']);
    expect(by[0].village?.name).toBe('红星村');
    expect(by[0].groups.map((g) => g.id)).toEqual(['a1', 'a2']);
    expect(by[1].groups.map((g) => g.id)).toEqual(['b1', 'b2']);
    // A village the order does not know still shows, after the known ones.
    const extra = byVillage([...rows, row({ id: 'c1', village_id: 'v9' })], ['v2']);
    expect(extra.map((v) => v.village_id)).toEqual(['v2', 'v1', 'v9']);
    expect(extra[2].village).toBeNull();
  });
});

describe('figures', () => {
  it('lists the known keys in the text order, then unknown ones by name, across maps', () => {
    expect(figureKeys({ households_verified: 1, zeta: 2, registered_risk: 0 }, { checks_done: 3, alpha: 1 }, null)).toEqual([
      'registered_risk',
      'checks_done',
      'households_verified',
      'alpha',
      'zeta',
    ]);
    expect(figureKeys()).toEqual([]);
  });
  it('labels every known key in both languages and falls back to the raw key', () => {
    for (const messages of [zh, en]) {
      const figure = (messages as { reports: { figure: Record<string, string> } }).reports.figure;
      const t = (k: string) => figure[k.replace('reports.figure.', '')];
      const has = (k: string) => k.startsWith('reports.figure.') && k.slice(15) in figure;
      for (const k of FIGURE_ORDER) expect(figureLabel(t, has, k), k).not.toBe(k);
      expect(figureLabel(t, has, 'vaccinations')).toBe('vaccinations');
    }
    expect(zh.reports.figure.turned_back).toBe('劝返');
  });
  it('flattens the backend figures whose values are maps, wherever they are in an answer', () => {
    const raw = {
      registered_risk: 2,
      registered_by_tag: { 'close-contact': 1, overseas: 1 },
      isolation: { 'home-isolation': 3, centralized: 1 },
      checks_done: 6,
    };
    expect(flattenFigures(raw)).toEqual({
      registered_risk: 2,
      tag_close_contact: 1,
      tag_overseas: 1,
      isolation_home_isolation: 3,
      isolation_centralized: 1,
      checks_done: 6,
    });
    type Flat = { figures: Record<string, number> };
    const answer = withFlatFigures({ township: { figures: raw, expected: 4 }, villages: [{ id: 'v', figures: raw }] }) as unknown as {
      township: Flat & { expected: number };
      villages: Flat[];
    };
    expect(answer.township.figures.isolation_home_isolation).toBe(3);
    expect(answer.township.expected).toBe(4);
    expect(answer.villages[0].figures.tag_close_contact).toBe(1);
    for (const k of Object.keys(flattenFigures(raw))) expect(zh.reports.figure, k).toHaveProperty(k);
  });
  it('shows a coverage share as a whole percentage within 0..100', () => {
    expect(percent(0.824)).toBe('82%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
    expect(percent(1.2)).toBe('100%');
    expect(percent(Number.NaN)).toBe('—');
    expect(percent(undefined)).toBe('—');
  });
});

describe('overview figures and their lists', () => {
  const v: OverviewFigures = {
    households: 81,
    persons: 236,
    cases_active: 4,
    escalated: 1,
    due: 8,
    overdue: 1,
    missed: 0,
    checkpoint: { in: 38, out: 41, turned_back: 2, observed: 1 },
    coverage: 0.82,
    persons_at_risk: 3,
    by_tag: { 'close-contact': 2, 'red-code': 1 },
    by_vulnerable: { chronic: 7 },
    cases_by_kind: { centralized: 3, none: 1 },
    done: 5,
    report: 'submitted',
  };
  it('reads every column, the checkpoint ones from the checkpoint counts', () => {
    expect(OVERVIEW_COLUMNS.map((c) => figureOf(v, c.key))).toEqual([81, 236, 4, 1, 8, 5, 1, 0, 38, 41, 2, 1, 0.82]);
  });
  it('reads the figures by code of the other sets, zero for a code it has not', () => {
    expect(columnsOf('tags').map((c) => figureOf(v, c.key))).toEqual([3, 0, 2, 0, 0, 0, 1, 0]);
    expect(columnsOf('vulnerable').map((c) => figureOf(v, c.key))).toEqual([0, 0, 0, 0, 0, 0, 7]);
    expect(columnsOf('kinds').map((c) => c.key)).toEqual([
      'cases_active',
      'kind:centralized',
      'kind:home-isolation',
      'kind:home-monitoring',
      'kind:daily-monitoring',
      'kind:none',
    ]);
    expect(columnsOf('kinds').map((c) => figureOf(v, c.key))).toEqual([4, 3, 0, 0, 0, 1]);
    expect(columnsOf('tags')[2].label).toBe('codes.risk.close_contact');
  });
  it('opens the list behind each figure, filtered by the village', () => {
    expect(figureLink('households', 'v1', '2026-12-04', [])).toEqual({ path: '/households', query: { village: 'v1' } });
    expect(figureLink('persons', null, '2026-12-04', [])).toEqual({ path: '/households', query: {} });
    expect(figureLink('escalated', 'v1', '2026-12-04', [])).toEqual({ path: '/isolation', query: { village: 'v1', filter: 'escalated' } });
    // Follow-ups open the day's follow-ups in that state, not the cases.
    expect(figureLink('missed', 'v1', '2026-12-04', [])).toEqual({ path: '/followups', query: { village: 'v1', state: 'missed', date: '2026-12-04' } });
    expect(figureLink('done', null, '2026-12-04', [])).toEqual({ path: '/followups', query: { state: 'done', date: '2026-12-04' } });
    // Persons by tag or 七类人; any risk tag; open cases by kind on the day.
    expect(figureLink('tag:red-code', 'v1', '2026-12-04', [])).toEqual({ path: '/persons', query: { village: 'v1', tag: 'red-code' } });
    expect(figureLink('vul:chronic', null, '2026-12-04', [])).toEqual({ path: '/persons', query: { vulnerable: 'chronic' } });
    expect(figureLink('persons_at_risk', 'v1', '2026-12-04', [])).toEqual({ path: '/persons', query: { village: 'v1' } });
    expect(figureLink('kind:none', 'v1', '2026-12-04', [])).toEqual({ path: '/isolation', query: { village: 'v1', kind: 'none', date: '2026-12-04' } });
    expect(figureLink('coverage', 'v1', '2026-12-04', [])).toEqual({ path: '/coverage', query: { village: 'v1' } });
    // One checkpoint: its entries of the day; none, several, or the township: the checkpoint screen.
    expect(figureLink('in', 'v1', '2026-12-04', ['cp 1'])).toEqual({ path: '/checkpoint/cp%201/entries', query: { date: '2026-12-04' } });
    expect(figureLink('observed', 'v1', '2026-12-04', ['a', 'b'])).toEqual({ path: '/checkpoint' });
    expect(figureLink('out', 'v1', '2026-12-04', [])).toEqual({ path: '/checkpoint' });
    expect(figureLink('turned_back', null, '2026-12-04', ['a'])).toEqual({ path: '/checkpoint' });
  });
});

describe('groups on the overview and the 日报 they open', () => {
  it('gives a group every figure but the checkpoint ones, which belong to the village', () => {
    expect(OVERVIEW_COLUMNS.filter((c) => !groupHas(c.key)).map((c) => c.key)).toEqual(['in', 'out', 'turned_back', 'observed']);
  });
  it("opens a group's figures on its village's lists narrowed to the group", () => {
    const day = '2026-12-04';
    const unit = { village: 'v1', group: 'g2' };
    expect(figureLink('households', 'v1', day, [], 'g2')).toEqual({ path: '/households', query: unit });
    expect(figureLink('persons', 'v1', day, [], 'g2')).toEqual({ path: '/households', query: unit });
    expect(figureLink('cases_active', 'v1', day, [], 'g2')).toEqual({ path: '/isolation', query: unit });
    expect(figureLink('tag:overseas', 'v1', day, [], 'g2')).toEqual({ path: '/persons', query: { ...unit, tag: 'overseas' } });
    expect(figureLink('kind:centralized', 'v1', day, [], 'g2')).toEqual({ path: '/isolation', query: { ...unit, kind: 'centralized', date: day } });
    expect(figureLink('escalated', 'v1', day, [], 'g2')).toEqual({ path: '/isolation', query: { ...unit, filter: 'escalated' } });
    for (const key of ['due', 'done', 'overdue', 'missed'] as const) {
      expect(figureLink(key, 'v1', day, [], 'g2')).toEqual({ path: '/followups', query: { ...unit, state: key, date: day } });
    }
    expect(figureLink('coverage', 'v1', day, [], 'g2')).toEqual({ path: '/coverage', query: unit });
    // Every figure a group has carries the group; the village's own figures do not.
    for (const c of OVERVIEW_COLUMNS.filter((c) => groupHas(c.key))) {
      expect(figureLink(c.key, 'v1', day, ['cp'], 'g2').query?.group).toBe('g2');
      expect(figureLink(c.key, 'v1', day, ['cp'], null).query?.group).toBeUndefined();
    }
    // A group without its village narrows nothing, as on 日报.
    expect(figureLink('households', null, day, [], 'g2')).toEqual({ path: '/households', query: {} });
    // Checkpoints are the village's: a group's crossings would open the village's checkpoint.
    expect(figureLink('in', 'v1', day, ['cp'], 'g2')).toEqual({ path: '/checkpoint/cp/entries', query: { date: day } });
  });
  it('opens 日报 narrowed to a village or a group of it, the date only when not today', () => {
    expect(reportsLink('2026-12-04', '2026-12-04')).toEqual({ path: '/reports', query: {} });
    expect(reportsLink('2026-12-03', '2026-12-04', 'v1')).toEqual({ path: '/reports', query: { date: '2026-12-03', village: 'v1' } });
    expect(reportsLink('2026-12-04', '2026-12-04', 'v1', 'g2')).toEqual({ path: '/reports', query: { village: 'v1', group: 'g2' } });
    // A group without its village narrows nothing.
    expect(reportsLink('2026-12-04', '2026-12-04', null, 'g2')).toEqual({ path: '/reports', query: {} });
  });
  it('reads the narrowing back from the query, a group only with its village', () => {
    expect(reportFilter({ village: 'v1', group: 'g2', date: '2026-12-03' })).toEqual({ village: 'v1', group: 'g2' });
    expect(reportFilter({ group: 'g2' })).toEqual({ village: '', group: '' });
    expect(reportFilter({ village: ['a', 'b'] })).toEqual({ village: '', group: '' });
    expect(reportFilter({})).toEqual({ village: '', group: '' });
  });
  it('counts the groups late and missing', () => {
    const gs = ['submitted', 'late', 'missing', 'zero', 'missing'].map((report) => ({ report }));
    expect(groupsBehind(gs)).toEqual({ late: 1, missing: 2 });
    expect(groupsBehind([])).toEqual({ late: 0, missing: 0 });
  });
  it("names a group without its village's name in front", () => {
    expect(shortName('红星村1组', '红星村')).toEqual('1组');
    expect(shortName('红星村', '红星村')).toEqual('红星村');
    expect(shortName('东山二组', '红星村')).toEqual('东山二组');
    expect(shortName('1组', undefined)).toEqual('1组');
  });
});

describe('overview figures as shown', () => {
  const base: OverviewFigures = {
    households: 12,
    persons: 1234,
    cases_active: 0,
    escalated: 2,
    due: 0,
    overdue: 0,
    missed: 0,
    checkpoint: { in: 0, out: 0, turned_back: 0, observed: 0 },
    coverage: 0.5,
    persons_at_risk: 0,
    done: 0,
    report: 'late',
    by_tag: {},
    by_vulnerable: {},
    cases_by_kind: {},
  };
  const col = (key: string) => OVERVIEW_COLUMNS.find((c) => c.key === key)!;
  it('shows counts grouped, coverage as a share, and a dash for coverage without households', () => {
    expect(shownFigure(base, 'persons')).toEqual((1234).toLocaleString());
    expect(shownFigure(base, 'coverage')).toEqual(percent(0.5));
    expect(shownFigure({ ...base, households: 0, coverage: 0 }, 'coverage')).toEqual('—');
  });
  it('colours coverage by its share, counts by their column, and a unit without households grey', () => {
    expect(figureTone(base, col('coverage'))).toEqual('alert');
    expect(figureTone({ ...base, coverage: 0.75 }, col('coverage'))).toEqual('warn');
    expect(figureTone({ ...base, coverage: 0.95 }, col('coverage'))).toEqual('');
    expect(figureTone({ ...base, households: 0, coverage: 0 }, col('coverage'))).toEqual('zero');
    expect(figureTone(base, col('escalated'))).toEqual('alert');
    expect(figureTone(base, col('due'))).toEqual('zero');
    expect(figureTone(base, col('persons'))).toEqual('');
  });
});
