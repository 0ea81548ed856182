// The fake backend's ledger commands (台账): villages, households and persons, their edits
// with the store's checks and messages, history, conflicts, coverage and field checks.
import { RELATIONS, RESIDENCY, RISK_TAGS as RISK, VULNERABLE as VULN } from '../../../src/logic/codes';
import { checkField, Invalid, must, mustAll, notFound } from './checks.js';
import { materialize } from './demo.js';
import { card, masked, maskedConflict, maskedEntry } from './masked.js';
import {
  addHouseholdRecord,
  addPersonRecord,
  alive,
  counts,
  historyPush,
  householdRow,
  idDerived,
  ordered,
  pinyinOf,
  publicPerson,
  residentsOf,
  search,
  seededHistory,
} from './records.js';
import { commands } from './commands.js';
import { DAY, WRITES, iso, nextId, opts, state, touched, uuid } from './state.js';

function normalizeCodes(list, allowed, field) {
  const out = [];
  for (const c of list || []) {
    if (!allowed.includes(c)) throw new Invalid(field, `未知的标签：${c}`);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}
async function personFromInput(input, prefix) {
  const f = (name) => (prefix ? `${prefix}.${name}` : name);
  const checks = [['name', input.name, f('name')], ['id_number', input.idNumber, f('id_number')]];
  if (input.phone) checks.push(['phone', input.phone, f('phone')]);
  if (input.plate) checks.push(['plate', input.plate, f('plate')]);
  const [name, id_number, ...rest] = await mustAll(checks);
  const phone = input.phone ? rest.shift() : null;
  const plateV = input.plate ? rest.shift() : null;
  if (input.relation && !RELATIONS.includes(input.relation)) throw new Invalid(f('relation'), '与户主关系无效');
  if (input.residency && !RESIDENCY.includes(input.residency)) throw new Invalid(f('residency'), '居住类型无效');
  for (const p of state.persons.values()) {
    if (!p.deleted && p.id_number === id_number) {
      const h = state.households.get(p.household_id);
      throw new Invalid(f('id_number'), `该身份证号已登记在${h ? h.address : '其他户'}（${p.name}）`);
    }
  }
  return {
    name,
    id_number,
    phone,
    plate: plateV,
    relation: input.relation || null,
    residency: input.residency || null,
    tags: normalizeCodes(input.tags, RISK, f('tags')),
    vulnerable: normalizeCodes(input.vulnerable, VULN, f('vulnerable')),
    ...idDerived(id_number),
  };
}

function applyCodes(current, value, allowed, field) {
  const v = String(value);
  const m = /^([+-])(.+)$/.exec(v);
  if (m) {
    if (!allowed.includes(m[2])) throw new Invalid(field, `未知的标签：${m[2]}`);
    const set = new Set(current);
    if (m[1] === '+') set.add(m[2]);
    else set.delete(m[2]);
    return allowed.filter((c) => set.has(c));
  }
  return normalizeCodes(v.split(',').map((s) => s.trim()).filter(Boolean), allowed, field);
}

async function setPerson(id, edits) {
  const p = state.persons.get(id);
  if (!p || p.deleted) throw notFound('人员');
  // Validate everything first: a refused edit list changes nothing.
  const next = { ...p, tags: [...p.tags], vulnerable: [...p.vulnerable] };
  const changed = [];
  for (const [field, value] of edits) {
    switch (field) {
      case 'name': next.name = await must('name', value); break;
      case 'id_number': next.id_number = await must('id_number', value); Object.assign(next, idDerived(next.id_number)); break;
      case 'phone': next.phone = value ? await must('phone', value) : null; break;
      case 'plate': next.plate = value ? await must('plate', value) : null; break;
      case 'address': next.address = value ? await must('address', value) : null; break;
      case 'relation':
        if (value && !RELATIONS.includes(value)) throw new Invalid('relation', '与户主关系无效');
        next.relation = value || null; break;
      case 'residency':
        if (value && !RESIDENCY.includes(value)) throw new Invalid('residency', '居住类型无效');
        next.residency = value || null; break;
      case 'tags': next.tags = applyCodes(next.tags, value, RISK, 'tags'); break;
      case 'vulnerable': next.vulnerable = applyCodes(next.vulnerable, value, VULN, 'vulnerable'); break;
      case 'works_away': next.works_away = value === 'true'; break;
      case 'deleted': next.deleted = value === 'true'; break;
      default: throw new Invalid(field, `不能修改字段：${field}`);
    }
    if (!changed.includes(field)) changed.push(field);
  }
  for (const field of changed) {
    const key = field;
    const before = p[key], after = next[key];
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      historyPush(id, { what: field === 'deleted' ? 'delete' : 'edit', field, old: before, new: after });
    }
  }
  Object.assign(p, next);
  const py = pinyinOf(p.name);
  p._py = py.full;
  p._pyi = py.initials;
  state.conflicts = state.conflicts.filter((c) => !(c.record_id === id && changed.includes(c.field)));
  touched();
  return { changed };
}

async function setHousehold(id, edits) {
  const h = materialize(state.households.get(id));
  if (!alive(h)) throw notFound('户');
  const next = { ...h };
  const changed = [];
  for (const [field, value] of edits) {
    switch (field) {
      case 'address': next.address = await must('address', value); break;
      case 'phone': next.phone = value ? await must('phone', value) : null; break;
      case 'group_id':
        if (value && (!state.groups.has(value) || state.groups.get(value).village_id !== h.village_id)) throw new Invalid('group_id', '所属组无效');
        next.group_id = value || null; break;
      case 'head_person_id':
        if (value && !h.person_ids.includes(value)) throw new Invalid('head_person_id', '户主必须是本户成员');
        next.head_person_id = value || null; break;
      case 'deleted': next.deleted = value === 'true'; break;
      default: throw new Invalid(field, `不能修改字段：${field}`);
    }
    changed.push(field);
  }
  for (const field of changed) {
    if (h[field] !== next[field]) historyPush(id, { what: field === 'deleted' ? 'delete' : 'edit', field, old: h[field], new: next[field] });
  }
  Object.assign(h, next);
  state.conflicts = state.conflicts.filter((c) => !(c.record_id === id && changed.includes(c.field)));
  touched();
  return { changed };
}

Object.assign(commands, {
  villages: () =>
    (opts.noVillages ? [] : state.villages).map((v) => {
      const hs = ordered(v.id);
      return {
        id: v.id,
        name: v.name,
        households: hs.length,
        persons: counts().byVillage.get(v.id) || 0,
        groups: v.groups.map((grp) => ({ id: grp.id, name: grp.name })),
      };
    }),
  list_households: ({ villageId, groupId, offset, limit }) => {
    if (!Number.isInteger(offset) || !Number.isInteger(limit) || offset < 0 || limit < 0) {
      throw { kind: 'invalid', message: '分页参数无效' };
    }
    const list = ordered(villageId).filter((h) => !groupId || h.group_id === groupId);
    return { total: list.length, rows: list.slice(offset, offset + Math.min(limit, 500)).map(householdRow).map(masked) };
  },
  search_persons: ({ query, limit }) => search(query, limit).map(masked),
  household_detail: ({ id }) => {
    const h = materialize(state.households.get(id));
    if (!alive(h)) throw notFound('户');
    const residents = residentsOf(h);
    const ids = new Set([h.id, ...residents.map((p) => p.id)]);
    // The row's count of residents is `resident_count` here: `residents` is the list.
    const { residents: resident_count, ...row } = householdRow(h);
    return card({
      ...row,
      resident_count,
      residents: residents.map(publicPerson),
      conflicts: state.conflicts.filter((c) => ids.has(c.record_id)),
    });
  },
  add_household: async ({ input }) => {
    if (!input) throw { kind: 'invalid', message: '缺少参数' };
    const village = state.villages.find((v) => v.id === input.villageId);
    if (!village) throw new Invalid('village_id', '请选择村（社区）');
    if (input.groupId && (!state.groups.has(input.groupId) || state.groups.get(input.groupId).village_id !== village.id)) {
      throw new Invalid('group_id', '所属组不属于该村');
    }
    const [address, phone = null] = await mustAll([['address', input.address], ...(input.phone ? [['phone', input.phone]] : [])]);
    if (!input.head) throw new Invalid('name', '请填写户主信息');
    // The domain names the field ("id_number"); the form decides it is the head's.
    const head = await personFromInput(input.head, '');
    const h = addHouseholdRecord({ village_id: village.id, group_id: input.groupId || null, address, phone, num: 10000 + state.households.size });
    state.history.set(h.id, []);
    historyPush(h.id, { what: 'create', field: 'address', old: null, new: address });
    const p = addPersonRecord(h.id, { ...head, relation: head.relation || 'head' });
    h.head_person_id = p.id;
    touched();
    return { household_id: h.id, person_id: p.id };
  },
  add_person: async ({ householdId, person }) => {
    const h = materialize(state.households.get(householdId));
    if (!alive(h)) throw notFound('户');
    const data = await personFromInput(person || {}, '');
    const p = addPersonRecord(h.id, data);
    if (!h.head_person_id) h.head_person_id = p.id;
    touched();
    return { person_id: p.id };
  },
  set_person: ({ id, edits }) => setPerson(id, edits || []),
  set_household: ({ id, edits }) => setHousehold(id, edits || []),
  verify_household: ({ id }) => {
    const h = state.households.get(id);
    if (!alive(h)) throw notFound('户');
    // The store keeps one check a day: the same day's is returned, nothing written.
    if (h.last_verified && new Date(h.last_verified).toDateString() === new Date().toDateString()) {
      return { verification_id: h.verification_id };
    }
    const old = h.last_verified;
    h.last_verified = iso(Date.now());
    historyPush(id, { what: 'verify', field: `check.00000000-0000-4000-8000-${String(nextId()).padStart(12, "0")}`, old: null, new: `${h.last_verified.slice(0, 19)}|红星村-网格员01` });
    h.verification_id = uuid('ver');
    touched();
    return { verification_id: h.verification_id };
  },
  record_history: ({ id }) => {
    const h = materialize(state.households.get(id));
    const p = state.persons.get(id);
    if (!h && !p) throw notFound('记录');
    return seededHistory(id).map(maskedEntry);
  },
  // With what a person calls the record, as the store adds it: a name or an address.
  list_conflicts: () =>
    state.conflicts.map((c) => {
      const p = state.persons.get(c.record_id);
      const h = state.households.get(c.record_id);
      return maskedConflict({ ...c, label: p ? p.name : h ? h.address : null });
    }),
  // A value picked by its place, the values as the screen showed them (masked): refused when
  // they changed meanwhile, as the store's resolve_choice.
  resolve_choice: ({ recordId, field, index, shown }) => {
    const c = state.conflicts.find((x) => x.record_id === recordId && x.field === field);
    if (!c) throw { kind: 'not_found', message: '该冲突已处理或不存在' };
    // A role that may not write the record's document is refused first, as the store's
    // check_resolve (a checkpoint's volunteer and the ledger).
    const [kind, owner] = c.doc_id.split(':');
    if (state.role && (!(WRITES[state.role] || []).includes(kind) || (state.role !== 'township' && owner !== state.village_id))) {
      throw { kind: 'refused', message: '本机的角色不能处理这处修改冲突；请由负责的网格员或镇防控办处理' };
    }
    if (JSON.stringify(maskedConflict(c).values) !== JSON.stringify(shown)) {
      throw { kind: 'refused', message: '冲突的值已经变化，请刷新后重新选择' };
    }
    if (!(index >= 0 && index < c.values.length)) throw { kind: 'invalid', message: `没有第 ${index + 1} 个冲突值` };
    const v = c.values[index];
    const value = typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : v == null ? '' : JSON.stringify(v);
    return commands.resolve_conflict({ recordId, field, value });
  },
  resolve_conflict: ({ recordId, field, value }) => {
    const i = state.conflicts.findIndex((c) => c.record_id === recordId && c.field === field);
    if (i < 0) throw { kind: 'not_found', message: '该冲突已处理或不存在' };
    const c = state.conflicts[i];
    const h = state.households.get(recordId);
    const p = state.persons.get(recordId);
    const target = h || p;
    const old = c.values;
    if (field === 'tags' || field === 'vulnerable') target[field] = String(value).split(',').filter(Boolean);
    else target[field] = value === '' ? null : value;
    state.conflicts.splice(i, 1);
    historyPush(recordId, { what: 'resolve', field, old, new: target[field] });
    touched();
    return null;
  },
  coverage: ({ days, villageId, groupId }) => {
    if (!(days > 0)) throw { kind: 'invalid', message: '天数无效' };
    const cutoff = Date.now() - days * DAY;
    return ordered(villageId)
      .filter((h) => !groupId || h.group_id === groupId)
      .filter((h) => !h.last_verified || new Date(h.last_verified).getTime() < cutoff)
      .map((h) => {
        const r = householdRow(h);
        return { household_id: h.id, village_id: h.village_id, group_name: r.group_name, address: h.address, head_name: r.head_name, last_verified: h.last_verified };
      });
  },
  // The store's FieldCheck: { ok, normalized } or { ok: false, field, message }.
  check_field: async ({ field, value }) => {
    const { message_en, ...r } = await checkField(field, value);
    return r;
  },
});
