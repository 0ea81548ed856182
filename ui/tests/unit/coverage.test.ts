import { describe, expect, it } from 'vitest';
import { byStaleness, groupCoverage, naturalCompare, staleness } from '../../src/logic/coverage';
import type { CoverageRow } from '../../src/types';

const row = (id: string, village: string, group: string | null, last: string | null, address = id): CoverageRow => ({
  household_id: id,
  village_id: village,
  group_name: group,
  address,
  head_name: null,
  last_verified: last,
});
const names: Record<string, string> = { v1: '红星村', v2: '新华村' };

describe('coverage grouping', () => {
  it('groups by village and group with counts, in natural order', () => {
    const rows = [
      row('a', 'v1', '10组', '2024-05-01T08:00:00Z'),
      row('b', 'v1', '2组', null),
      row('c', 'v1', '2组', '2024-04-01T08:00:00Z'),
      row('d', 'v1', '10组', null),
      row('e', 'v1', '1组', '2024-05-02T08:00:00Z'),
    ];
    const groups = groupCoverage(rows, (id) => names[id], '未分组');
    expect(groups.map((g) => [g.group_name, g.rows.length])).toEqual([
      ['1组', 1],
      ['2组', 2],
      ['10组', 2],
    ]);
  });

  it('puts never-verified first, then the oldest', () => {
    const rows = [row('new', 'v1', '1组', '2024-05-03T00:00:00Z'), row('never', 'v1', '1组', null), row('old', 'v1', '1组', '2024-01-01T00:00:00Z')];
    const [g] = groupCoverage(rows, (id) => names[id], '未分组');
    expect(g.rows.map((r) => r.household_id)).toEqual(['never', 'old', 'new']);
  });

  it('keeps villages apart and puts households without a group last', () => {
    const rows = [row('x', 'v2', '1组', null), row('y', 'v1', null, null), row('z', 'v1', '3组', null), row('w', 'v1', '  ', null)];
    const groups = groupCoverage(rows, (id) => names[id], '未分组');
    expect(groups.map((g) => `${g.village_name}/${g.group_name}/${g.rows.length}`)).toEqual([
      // Village names sort by pinyin: 红 (hong) before 新 (xin).
      '红星村/3组/1',
      '红星村/未分组/2',
      '新华村/1组/1',
    ]);
  });

  it('follows the backend order of villages when given', () => {
    const rows = [row('x', 'v2', '1组', null), row('y', 'v1', '1组', null), row('z', 'v3', '1组', null)];
    const order = ['v2', 'v1'];
    const groups = groupCoverage(rows, (id) => names[id] ?? id, '未分组', (id) => order.indexOf(id));
    expect(groups.map((g) => g.village_id)).toEqual(['v2', 'v1', 'v3']);
  });

  it('handles no rows', () => {
    expect(groupCoverage([], () => '', '未分组')).toEqual([]);
  });

  it('compares group names naturally', () => {
    expect(['10组', '2组', '1组'].sort(naturalCompare)).toEqual(['1组', '2组', '10组']);
    expect(byStaleness(row('a', 'v', null, null, 'A2'), row('b', 'v', null, null, 'A10'))).toBeLessThan(0);
  });

  it('classifies the age of a verification', () => {
    const now = new Date(2024, 4, 10, 12);
    expect(staleness(null, 7, now)).toBe('never');
    expect(staleness(new Date(2024, 4, 1).toISOString(), 7, now)).toBe('stale');
    expect(staleness(new Date(2024, 4, 9).toISOString(), 7, now)).toBe('ok');
  });
});
