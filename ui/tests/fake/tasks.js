// The fake backend's 核查任务 (lists pushed from above), added to window.__fake.commands (see
// backend/). A small fixed fixture, not the store's logic: 红星村 has an overdue task
// (王建国, due yesterday), an open one (李明, matched to the fake's p-liming, due tomorrow) and
// one answered (刘芳, 已离开); 新华村 one open; the township's own list one unmatched row. The
// grid worker's device sees its village's tasks only, the township's all of them. Closing
// records the answer (and a tag on a matched person); the preview gives the list's columns as
// detected (the township's map applied); importing adds three rows (two matched to 红星村, one
// unmatched) once per source; assigning moves an open unmatched row to a village (township
// only, a known village); the open dialog answers FAKE_OPTS.openFile or
// `/home/gridbook/文档/名单.xlsx` (null with FAKE_OPTS.openCancel).
import { localMinute } from '../../src/logic/pass';
import { RISK_TAGS } from '../../src/logic/codes';
import { masked } from './backend/masked.js';

(function installFakeTasks() {
  const g = globalThis;
  if (!g.__fake || g.__fake.tasks) return;
  const fake = g.__fake;
  const { state, commands } = fake;
  const { Invalid, notFound, touched } = fake.lib;
  const opts = g.__FAKE_OPTS || {};
  const HOUR = 3600000;
  const local = (ms) => localMinute(new Date(ms));
  const villageName = (id) => state.villages.find((v) => v.id === id)?.name ?? null;
  const OUTCOMES = ['present', 'left', 'unknown'];
  const TAGS = RISK_TAGS;

  const tasks = [];
  const add = (t) =>
    tasks.push({
      person_id: null,
      village_id: null,
      status: 'open',
      outcome: null,
      source: '县公安局12月4日推送',
      category: '密接',
      list_date: local(Date.now() - 24 * HOUR).slice(0, 10),
      phone: null,
      place: null,
      match_by: null,
      answered_at: null,
      answered_by: null,
      answer_note: null,
      tag: null,
      ...t,
    });
  add({ task_id: 'task-wang', name: '王建国', id_number: '150581196805120033', village_id: 'v-hongxing', person_id: null, match_by: 'name', due: local(Date.now() - 20 * HOUR) });
  add({ task_id: 'task-li', name: '李明', id_number: '15058119850615001X', village_id: 'v-hongxing', person_id: 'p-liming', match_by: 'id_number', phone: '15904751234', category: '次密接', due: local(Date.now() + 20 * HOUR) });
  add({ task_id: 'task-liu', name: '刘芳', id_number: '150581199203150024', village_id: 'v-hongxing', due: local(Date.now() - 2 * HOUR), status: 'done', outcome: 'left', answered_at: local(Date.now() - 3 * HOUR) + ':00', answered_by: '红星村-网格员01', answer_note: '已去外地务工' });
  add({ task_id: 'task-xinhua', name: '赵磊', id_number: '150581198811110011', village_id: 'v-xinhua', due: local(Date.now() + 10 * HOUR) });
  add({ task_id: 'task-unmatched', name: '孙某', id_number: '110101199003071234', due: local(Date.now() + 10 * HOUR) });

  const imported = new Set();
  const FIELDS = ['name', 'id_number', 'phone', 'category', 'date', 'place', 'note'];
  const DETECTED = [
    { header: '序号', field: null },
    { header: '姓名', field: 'name' },
    { header: '身份证号', field: 'id_number' },
    { header: '联系电话', field: 'phone' },
    { header: '类别', field: 'category' },
    { header: '推送日期', field: 'date' },
  ];
  /** The columns with the township's map applied; a field no list has is refused. */
  const columnsWith = (map) => {
    for (const m of map || []) {
      if (m.field !== null && !FIELDS.includes(m.field)) throw new Invalid('map', `映射中的字段无效：${m.field}`);
    }
    return DETECTED.map((c) => {
      const m = (map || []).find((x) => x.header === c.header);
      return m ? { header: c.header, field: m.field } : { ...c };
    });
  };
  const checkFile = (path) => {
    if (!/\.(xlsx|xls|csv)$/i.test(path)) throw new Invalid('file', '不支持的文件类型，请用 .xlsx、.xls 或 .csv');
  };
  const view = (t) => ({ ...t, village_name: villageName(t.village_id), overdue: t.status === 'open' && t.due < local(Date.now()) });
  const order = (a, b) =>
    (a.status === 'done') - (b.status === 'done') || b.overdue - a.overdue || (a.due < b.due ? -1 : a.due > b.due ? 1 : 0);

  Object.assign(commands, {
    'plugin:dialog|open': () => (opts.openCancel ? null : opts.openFile || '/home/gridbook/文档/名单.xlsx'),
    tasks_list: ({ village, open }) =>
      tasks
        .filter((t) => (state.role === 'township' || t.village_id === state.village_id) && (!village || t.village_id === village))
        .map(view)
        .filter((t) => !open || t.status === 'open')
        .sort(order)
        .map(masked),
    task_close: ({ taskId, outcome, note, tag }) => {
      const t = tasks.find((x) => x.task_id === taskId && (state.role === 'township' || x.village_id === state.village_id));
      if (!t) throw notFound('核查任务');
      if (!OUTCOMES.includes(outcome)) throw new Invalid('outcome', `核查结果“${outcome}”无效，可选：在村已核实、已离开、查无此人`);
      if (note && note.length > 200) throw new Invalid('note', '备注最多200个字');
      if (tag && !TAGS.includes(tag)) throw new Invalid('tags', `风险标签“${tag}”无效`);
      if (tag && !t.person_id) throw new Invalid('tag', '该名单人员未匹配到台账中的人，不能加标签');
      const at = `${local(Date.now())}:00`;
      Object.assign(t, { status: 'done', outcome, answer_note: note || null, tag: tag || null, answered_at: at, answered_by: state.device_name });
      const p = tag && state.persons.get(t.person_id);
      if (p && !p.tags.includes(tag)) p.tags.push(tag);
      touched();
      return { answer_id: `answer-${taskId}-${state.version}`, task_id: taskId, outcome, at, tag: tag || null };
    },
    tasks_preview: ({ path, map }) => {
      checkFile(path);
      return { columns: columnsWith(map), rows: 3 };
    },
    task_assign: ({ taskId, village, person }) => {
      if (state.role !== 'township') throw { kind: 'refused', message: '只有镇（街道）的设备可以分派核查任务' };
      if (!state.villages.some((v) => v.id === village)) throw new Invalid('village', '没有这个村（社区），请从本镇的村（社区）中选择');
      const t = tasks.find((x) => x.task_id === taskId);
      if (!t) throw notFound('核查任务');
      if (t.village_id !== null || t.status !== 'open') throw { kind: 'refused', message: '该任务已属于一个村（社区），只有镇名单中未匹配的人员可以分派' };
      const due = local(Date.now() + 24 * HOUR);
      const id = `${taskId}-${village}`;
      tasks.splice(tasks.indexOf(t), 1);
      add({ ...t, task_id: id, village_id: village, person_id: person || null, match_by: 'township', due });
      touched();
      return { task_id: id, from: taskId, village_id: village, person_id: person || null, due };
    },
    tasks_import: ({ path, source, dueHours, map }) => {
      if (state.role !== 'township') throw { kind: 'refused', message: '只有镇（街道）的设备可以导入核查名单' };
      if (!source || !source.trim() || source.trim().length > 60) throw new Invalid('source', '名单来源应为1–60个字');
      const hours = dueHours ?? 24;
      if (hours < 1 || hours > 720) throw new Invalid('due_hours', '核查时限应为1–720小时');
      checkFile(path);
      const columns = columnsWith(map);
      const due = local(Date.now() + hours * HOUR);
      const fresh = !imported.has(source.trim());
      if (fresh) {
        imported.add(source.trim());
        const n = tasks.length;
        add({ task_id: `task-imp-${n}`, name: '周敏', id_number: '150581199507070027', village_id: 'v-hongxing', match_by: 'id_number', source, due });
        add({ task_id: `task-imp-${n + 1}`, name: '吴强', id_number: '150581197901010019', village_id: 'v-hongxing', match_by: 'phone', source, due });
        add({ task_id: `task-imp-${n + 2}`, name: '郑某', id_number: '1.50581E+17', source, due });
        touched();
      }
      return {
        columns,
        result: { tasks: 3, matched: 2, unmatched: 1, created: fresh ? 3 : 0, by_id_number: 1, by_phone: 1, by_name: 0, due },
      };
    },
    tasks_export: ({ out }) => {
      if (typeof out !== 'string' || !out.toLowerCase().endsWith('.xlsx')) throw new Invalid('out', '文件扩展名应为 .xlsx');
      (fake.files || []).push({ what: 'feedback', out, rows: tasks.length });
      return { rows: tasks.length, path: out, full_ids: state.role === 'township' };
    },
  });
  fake.tasks = tasks;
})();
