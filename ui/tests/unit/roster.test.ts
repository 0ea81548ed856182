// The roster import screen's logic: the fields a column may be imported as are the import
// crate's own (read from its source), each with a Chinese and an English label; what a report
// says about the rows and the ledger.
import { describe, expect, it } from 'vitest';
import en from '../../src/locales/roster.en';
import zh from '../../src/locales/roster.zh-CN';
import { ROSTER_FIELDS, changesNothing, fileName, filterRows, toWrite } from '../../src/logic/roster';
import type { RosterReport, RosterRow } from '../../src/types';
import headerSource from '../../../crates/import/src/header.rs?raw';

const row = (n: number, status: RosterRow['status']): RosterRow => ({ row: n, status, fixes: [], field: null, reason: null, action: null });

function report(added: number, persons: number, updated: number): RosterReport {
  return {
    header_row: 2,
    head: [],
    columns: [],
    rows: [],
    rows_left_out: 0,
    unchanged: 0,
    summary: { rows: 3, ok: 3, fixed: 0, refused: [], households_added: added, persons_added: persons, persons_updated: updated, differences: [] },
    done: 0,
    total: 0,
    cancelled: false,
  };
}

describe('roster import', () => {
  it("offers the import crate's fields, each labelled in both languages", () => {
    const codes = [...headerSource.matchAll(/^\s+\w+ = \("(\w+)", "/gm)].map((m) => m[1]).filter((c) => c !== 'ignore');
    expect(codes.length).toBeGreaterThan(20);
    expect([...ROSTER_FIELDS]).toEqual(codes);
    for (const f of ROSTER_FIELDS) {
      expect(zh.fields[f], f).toMatch(/\p{Script=Han}/u);
      expect(en.fields[f], f).toMatch(/^[A-Z]/);
    }
  });

  it('counts what the import writes and notices when it changes nothing', () => {
    expect(toWrite(report(1, 3, 2))).toBe(5);
    expect(changesNothing(report(0, 0, 0))).toBe(true);
    expect(changesNothing(report(0, 0, 1))).toBe(false);
    expect(changesNothing({ ...report(0, 0, 0), summary: null })).toBe(false);
  });

  it('filters the rows and names the file', () => {
    const rows = [row(3, 'fixed'), row(4, 'refused'), row(5, 'fixed')];
    expect(filterRows(rows, 'all')).toHaveLength(3);
    expect(filterRows(rows, 'fixed').map((r) => r.row)).toEqual([3, 5]);
    expect(filterRows(rows, 'refused').map((r) => r.row)).toEqual([4]);
    expect(fileName('C:\\Users\\镇\\台账.xlsx')).toBe('台账.xlsx');
    expect(fileName('/home/gridbook/文档/台账.csv')).toBe('台账.csv');
  });
});
