// The fake backend's duplicate persons commands (疑似重复 and merging), added to
// window.__fake.commands (see backend/). The pairs are the store's own, asked of the `gridbook`
// command line (`person duplicate-check`, ./backend/gridbook.js): the same ID number, the same
// name and birth date, or the same name and phone, strongest reason first; a merge
// sets the merged person's `merged_into` (it leaves lists and search), can be undone, and a
// grid worker's device merges only within its village. With __FAKE_OPTS.duplicates, three such
// pairs are planted in the device's village (the first village on a township device).
// Tests reach the state through window.__fake.duplicates.
import { ask, unavailable } from './backend/gridbook.js';
import { masked } from './backend/masked.js';

(function installFakeDuplicates() {
  const g = globalThis;
  if (!g.__fake || g.__fake.duplicates) return;
  const fake = g.__fake;
  const { state, commands } = fake;
  const { notFound, touched, materialize, addPersonRecord, historyPush, ordered } = fake.lib;
  const refused = (message) => ({ kind: 'refused', message });
  /** Ids of the persons merged now (the readers below skip them). */
  const mergedIds = new Set();
  /** Pairs dismissed as not one person (不是同一人), by "a|b" (smaller id first). */
  const apart = new Map();

  const villageOf = (p) => materialize(state.households.get(p.household_id))?.village_id ?? null;
  const live = () => [...state.persons.values()].filter((p) => !p.deleted && !p.merged_into);

  function plant() {
    const village = state.village_id || state.villages[0]?.id;
    const hs = ordered(village).slice(0, 6).map((h) => materialize(h));
    if (hs.length < 6) return;
    const head = (h) => state.persons.get(h.head_person_id);
    const copy = (src, home, over) =>
      addPersonRecord(home.id, { ...src, id: undefined, relation: 'other', tags: [], vulnerable: [], ...over });
    // The same ID number in two households; same name and birth date (another number, a phone);
    // same name and phone (another birth date).
    const a = head(hs[0]);
    copy(a, hs[3], { phone: a.phone ? null : '13912345678' });
    const b = head(hs[1]);
    copy(b, hs[4], { id_number: fake.makeValidId(b.birth_date || '1980-01-01', b.gender === 'male'), phone: '13800001111', plate: '蒙K12345' });
    const c = head(hs[2]);
    copy(c, hs[5], { id_number: fake.makeValidId('1961-06-01', true), birth_date: '1961-06-01', phone: c.phone || '13700002222' });
    if (!c.phone) c.phone = '13700002222';
    touched();
  }

  /** The pairs that look like one person among those in lists, the dismissed ones left out. */
  async function duplicates() {
    const r = await ask('person duplicate-check', {
      persons: live().map((p) => ({ id: p.id, name: p.name ?? '', id_number: p.id_number ?? '', birth_date: p.birth_date ?? '', phone: p.phone ?? '' })),
      dismissed: [...apart.values()].map((d) => d.persons),
    });
    if (!r) throw unavailable('查找疑似重复');
    return r;
  }

  const person = (id) => {
    const p = state.persons.get(id);
    if (!p || p.deleted) throw notFound('人员');
    return p;
  };
  const shown = (p) => {
    const { _py, _pyi, deleted, ...rest } = p;
    void _py; void _pyi; void deleted;
    const merged = [...state.persons.values()].filter((m) => m.merged_into === p.id && !m.deleted).map((m) => m.id);
    return { ...rest, merged_into: p.merged_into ?? null, merged };
  };
  function mayMerge(ps, what = '合并') {
    if (state.role !== 'township' && ps.some((p) => villageOf(p) !== state.village_id)) {
      throw refused(`两人不在本村，跨村${what}须由乡镇操作`);
    }
  }
  const pairOf = (a, b) => {
    if (a === b) throw refused('请选择两个不同的人员');
    return a < b ? [a, b] : [b, a];
  };

  Object.assign(commands, {
    duplicates: () => duplicates(),
    merge_preview: ({ a, b }) => {
      const ps = [person(a), person(b)];
      const addr = ps.map((p) => materialize(state.households.get(p.household_id))?.address ?? '');
      const f = (p, k) => (Array.isArray(p[k]) ? p[k].join(',') : p[k] ?? '');
      const differing = ['name', 'id_number', 'gender', 'birth_date', 'phone', 'relation', 'residency', 'tags', 'vulnerable', 'plate', 'address']
        .filter((k) => f(ps[0], k) !== f(ps[1], k));
      if (addr[0] !== addr[1]) differing.push('household');
      // Masked, as the app's command sends it, with where the two numbers differ.
      const places = (x, y) => {
        const [a, b] = [[...(x ?? '').trim()], [...(y ?? '').trim()]];
        if (!a.length || !b.length || a.length !== b.length) return null;
        return a.map((c, i) => (c === b[i] ? 0 : i + 1)).filter(Boolean);
      };
      return {
        persons: ps.map(shown).map(masked),
        addresses: addr,
        villages: ps.map(villageOf),
        differing,
        id_number_places: places(ps[0].id_number, ps[1].id_number),
        phone_places: places(ps[0].phone, ps[1].phone),
      };
    },
    merge_person: ({ id, into, fill }) => {
      if (id === into) throw refused('不能把人员合并到其本人');
      const gone = person(id), keep = person(into);
      if (gone.merged_into || keep.merged_into) throw refused('其中一人已合并，请先撤销合并');
      mayMerge([gone, keep]);
      for (const f of fill || []) {
        if (!['phone', 'plate', 'address'].includes(f)) throw { kind: 'invalid', message: `字段“${f}”不能从被合并人员补全` };
        if (!keep[f] && gone[f]) {
          historyPush(keep.id, { what: 'merge', field: f, old: null, new: gone[f] });
          keep[f] = gone[f];
        }
      }
      gone.merged_into = keep.id;
      mergedIds.add(gone.id);
      historyPush(gone.id, { what: 'merge', field: 'merged_into', old: null, new: keep.id });
      touched();
      return { merged: id, into };
    },
    unmerge_person: ({ id }) => {
      const p = person(id);
      if (!p.merged_into) throw refused('该人员未被合并');
      mayMerge([p]);
      historyPush(p.id, { what: 'unmerge', field: 'merged_into', old: p.merged_into, new: null });
      p.merged_into = null;
      mergedIds.delete(p.id);
      touched();
      return { unmerged: id };
    },
    dismiss_duplicate: ({ a, b, reason }) => {
      const persons = pairOf(a, b);
      const ps = persons.map(person);
      mayMerge(ps, '排除疑似重复');
      const why = (reason ?? '').trim();
      if (why.length > 200) throw { kind: 'invalid', message: '原因最多 200 个字' };
      const key = persons.join('|');
      if (!apart.has(key)) {
        apart.set(key, { persons, names: ps.map((p) => p.name), reason: why || null, at: '2026-12-05T09:00:00', device: state.device_name ?? null });
        touched();
      }
      return { dismissed: [a, b] };
    },
    restore_duplicate: ({ a, b }) => {
      const persons = pairOf(a, b);
      const key = persons.join('|');
      if (!apart.has(key)) throw refused('这两人没有被标记为“不是同一人”');
      mayMerge(persons.map(person), '排除疑似重复');
      apart.delete(key);
      touched();
      return { restored: [a, b] };
    },
    dismissed_duplicates: () => [...apart.values()],
    merged_persons: () => [...state.persons.values()].filter((p) => !p.deleted && p.merged_into).map(shown).map(masked),
  });

  // Merged persons leave lists and search, as the store's projection makes them: the fake's
  // readers skip `deleted`, so a merge is seen through it and restored on unmerge.
  const wrap = (name) => {
    const inner = commands[name];
    commands[name] = (args) => {
      const hidden = [...mergedIds].map((id) => state.persons.get(id)).filter((p) => p && p.merged_into && !p.deleted);
      hidden.forEach((p) => (p.deleted = true));
      try {
        return inner(args);
      } finally {
        hidden.forEach((p) => (p.deleted = false));
      }
    };
  };
  ['search_persons', 'household_detail', 'list_households', 'villages', 'app_status', 'coverage'].forEach((n) => commands[n] && wrap(n));

  if (g.__FAKE_OPTS?.duplicates) plant();
  fake.duplicates = { duplicates, plant, apart };
})();
