// The import's column mapping: what the person changed is what is sent back, a list needs a
// name or an ID number column, and a field taken twice is noticed.
import { describe, expect, it } from 'vitest';
import { choose, columnName, doubled, fromColumns, hasAny, overrides, settled, type MappedColumn } from '../../src/logic/mapping';
import type { ListColumn } from '../../src/types';

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

  // As the backend describes a sheet with a blank header (B) and 联系电话 twice (C, D).
  const sheet: ListColumn[] = [
    { column: 0, letter: 'A', header: '姓名', repeated: false, field: 'name' },
    { column: 1, letter: 'B', header: '', repeated: false, field: null },
    { column: 2, letter: 'C', header: '联系电话', repeated: true, field: 'phone' },
    { column: 3, letter: 'D', header: '联系电话', repeated: true, field: null },
  ];
  const zh = (key: string, named: Record<string, unknown>) =>
    key === 'files.columnNoHeader' ? `第${named.letter}列（无表头）` : `${named.header}（第${named.letter}列）`;

  it('names a blank or repeated column by its letter', () => {
    expect(fromColumns(sheet).map((c) => columnName(c, zh))).toEqual(['姓名', '第B列（无表头）', '联系电话（第C列）', '联系电话（第D列）']);
    // A column the backend did not number is named by its header alone.
    expect(columnName({ header: '推送日期', field: 'date' }, zh)).toBe('推送日期');
  });

  it('sends a numbered column by position, so the two 联系电话 are told apart', () => {
    const base = fromColumns(sheet);
    const chosen = choose(choose(base, 1, 'id_number'), 3, 'phone');
    expect(overrides(base, chosen)).toEqual([
      { header: '', column: 1, field: 'id_number' },
      { header: '联系电话', column: 3, field: 'phone' },
    ]);
    // Without numbers, by header: the shape the task list's preview may still send.
    expect(overrides(detected, choose(detected, 0, 'note'))).toEqual([{ header: '序号', field: 'note' }]);
  });

  it('takes the columns as a check settled them, only when they are the same columns', () => {
    const chosen = choose(fromColumns(sheet), 3, 'phone');
    const after = sheet.map((c) => (c.column === 2 ? { ...c, field: null } : c.column === 3 ? { ...c, field: 'phone' } : c));
    const now = settled(chosen, after);
    expect(now?.map((c) => c.field)).toEqual(['name', null, null, 'phone']);
    expect(settled(chosen, after.slice(1))).toBeNull();
    expect(settled(chosen, after.map((c) => ({ ...c, column: c.column + 1 })))).toBeNull();
  });
});
