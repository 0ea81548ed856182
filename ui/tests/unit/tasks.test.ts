// 核查任务's pure helpers: the home's counts and the township's progress per village.
import { describe, expect, it } from 'vitest';
import { openCounts, perVillage } from '../../src/logic/tasks';
import type { TaskRow } from '../../src/types';

function task(p: Partial<TaskRow>): TaskRow {
  return {
    task_id: 't',
    person_id: null,
    name: '某',
    id_number: '',
    village_id: null,
    village_name: null,
    due: '2026-12-06T08:00',
    status: 'open',
    overdue: false,
    outcome: null,
    source: '县公安局',
    category: null,
    list_date: null,
    phone: null,
    place: null,
    match_by: null,
    answered_at: null,
    answered_by: null,
    answer_note: null,
    tag: null,
    measure: null,
    row: null,
    ...p,
  };
}

describe('tasks', () => {
  const rows = [
    task({ village_id: 'a', village_name: '红星村', overdue: true }),
    task({ village_id: 'a', village_name: '红星村' }),
    task({ village_id: 'a', village_name: '红星村', status: 'done', outcome: 'left' }),
    task({ village_id: 'b', village_name: '新华村', status: 'done', outcome: 'present' }),
    task({}),
  ];

  it('counts open and overdue tasks', () => {
    expect(openCounts(rows)).toEqual({ open: 3, overdue: 1 });
    expect(openCounts([])).toEqual({ open: 0, overdue: 0 });
  });

  it('sums each village, the township list as null, in order of appearance', () => {
    expect(perVillage(rows)).toEqual([
      { id: 'a', name: '红星村', total: 3, done: 1, overdue: 1 },
      { id: 'b', name: '新华村', total: 1, done: 1, overdue: 0 },
      { id: null, name: null, total: 1, done: 0, overdue: 0 },
    ]);
  });
});
