// The roster import screen's logic (导入), pure functions tested without a window: the fields a
// column can be imported as (gridbook-import's `Field` codes), and what a report says.
import type { RosterReport, RosterRow } from '../types';

/** The fields of a roster column, in the order of gridbook-import's `Field::ALL` (not `ignore`,
 * which the screen shows as 不导入). */
export const ROSTER_FIELDS = [
  'seq',
  'village',
  'group',
  'household_no',
  'head_name',
  'relation',
  'name',
  'gender',
  'id_kind',
  'id_number',
  'birth_date',
  'phone',
  'address',
  'residency',
  'tags',
  'vulnerable',
  'doses',
  'last_test_date',
  'last_test_result',
  'works_away',
  'last_check_date',
  'checker',
  'plate',
  'note',
] as const;

/** Which of the report's rows the list shows. */
export type RowFilter = 'all' | 'fixed' | 'refused';

export function filterRows(rows: RosterRow[], f: RowFilter): RosterRow[] {
  return f === 'all' ? rows : rows.filter((r) => r.status === f);
}

/** Persons the import would write (new, or with empty fields filled). */
export function toWrite(r: RosterReport): number {
  return r.summary ? r.summary.persons_added + r.summary.persons_updated : 0;
}

/** Whether an import (or its dry run) changes nothing in the ledger. */
export function changesNothing(r: RosterReport): boolean {
  const s = r.summary;
  return !!s && s.households_added === 0 && s.persons_added === 0 && s.persons_updated === 0;
}

/** The file's name, for a path of either kind of separator. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
