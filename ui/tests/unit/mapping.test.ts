// The import's column mapping: what the person changed is what is sent back, a list needs a
// name or an ID number column, and a field taken twice is noticed.
import { describe, expect, it } from 'vitest';
import { choose, doubled, hasAny, overrides, type MappedColumn } from '../../src/logic/mapping';

const detected: MappedColumn[] = [
  { header: '序号', field: null },
  { header: '姓名', field: 'name' },
  { header: '证件号码', field: 'id_number' },
  { header: '推送日期', field: 'date' },
];

describe('column mapping', () => {
  it('sends back only the columns whose field changed, in file order', () => {
    expect(overrides(detected, detected)).toEqual([]);
    let chosen = choose(detected, 3, '');
    chosen = choose(chosen, 0, 'note');
    expect(chosen[3]).toEqual({ header: '推送日期', field: null });
    expect(overrides(detected, chosen)).toEqual([
      { header: '序号', field: 'note' },
      { header: '推送日期', field: null },
    ]);
    // Changed and changed back: nothing to send.
    expect(overrides(detected, choose(chosen, 0, null).map((c, i) => (i === 3 ? { ...c, field: 'date' } : c)))).toEqual([]);
    // The detected columns are left as they were.
    expect(detected[3].field).toBe('date');
  });

  it('needs a name or an ID number column', () => {
    expect(hasAny(detected, ['name', 'id_number'])).toBe(true);
    const none = choose(choose(detected, 1, null), 2, null);
    expect(hasAny(none, ['name', 'id_number'])).toBe(false);
    expect(hasAny(choose(none, 0, 'id_number'), ['name', 'id_number'])).toBe(true);
  });

  it('notices a field taken by two columns', () => {
    expect(doubled(detected)).toEqual([]);
    expect(doubled(choose(detected, 0, 'name'))).toEqual(['name']);
  });
});
