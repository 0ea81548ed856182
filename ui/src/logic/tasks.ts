// 核查任务 on the screens: counts for the home's summary and the township's progress per
// village. Pure functions, tested without a window.
import type { TaskRow } from '../types';

/** The fields a column of a pushed list can be taken for (the import's column mapping). */
export const LIST_FIELDS = ['name', 'id_number', 'phone', 'category', 'date', 'place', 'note'] as const;

/** Open and overdue tasks among `rows`. */
export function openCounts(rows: TaskRow[]): { open: number; overdue: number } {
  const open = rows.filter((r) => r.status === 'open');
  return { open: open.length, overdue: open.filter((r) => r.overdue).length };
}

/** Per village (the township's unmatched list as `null`): total, done, open, overdue, in the
 *  order the villages first appear. */
export function perVillage(rows: TaskRow[]): { id: string | null; name: string | null; total: number; done: number; overdue: number }[] {
  const by = new Map<string | null, { id: string | null; name: string | null; total: number; done: number; overdue: number }>();
  for (const r of rows) {
    const v = by.get(r.village_id) ?? { id: r.village_id, name: r.village_name, total: 0, done: 0, overdue: 0 };
    v.total += 1;
    if (r.status === 'done') v.done += 1;
    else if (r.overdue) v.overdue += 1;
    by.set(r.village_id, v);
  }
  return [...by.values()];
}
