// The fake backend's records: households and persons as the store keeps them (with the
// pinyin search reads), their history, and the queries the commands answer from.
import { DAY, iso, rand, state, uuid } from './state.js';

// ---- pinyin of the characters the generator uses ---------------------------------------------
const PINYIN = {
  王: 'wang', 李: 'li', 张: 'zhang', 刘: 'liu', 陈: 'chen', 杨: 'yang', 赵: 'zhao', 黄: 'huang',
  周: 'zhou', 吴: 'wu', 徐: 'xu', 孙: 'sun', 马: 'ma', 朱: 'zhu', 胡: 'hu', 郭: 'guo', 何: 'he',
  高: 'gao', 林: 'lin', 罗: 'luo', 乌: 'wu', 包: 'bao', 白: 'bai', 韩: 'han',
  伟: 'wei', 芳: 'fang', 娜: 'na', 秀: 'xiu', 英: 'ying', 敏: 'min', 静: 'jing', 丽: 'li',
  强: 'qiang', 磊: 'lei', 军: 'jun', 洋: 'yang', 勇: 'yong', 艳: 'yan', 杰: 'jie', 娟: 'juan',
  涛: 'tao', 明: 'ming', 超: 'chao', 霞: 'xia', 平: 'ping', 刚: 'gang', 桂: 'gui', 兰: 'lan',
  建: 'jian', 国: 'guo', 华: 'hua', 玉: 'yu', 春: 'chun', 梅: 'mei', 海: 'hai', 燕: 'yan',
  志: 'zhi', 宁: 'ning', 云: 'yun', 晨: 'chen', 红: 'hong', 文: 'wen', 丰: 'feng', 三: 'san',
};
export function pinyinOf(name) {
  const syl = [...name].map((c) => PINYIN[c] || '');
  return { full: syl.join(''), initials: syl.map((s) => s[0] || '').join('') };
}

export function historyPush(recordId, entry) {
  const list = seededHistory(recordId);
  list.push({
    at: iso(Date.now()),
    device: state.device_name,
    actor: state.actor,
    change: Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0'),
    field: null,
    old: null,
    new: null,
    ...entry,
  });
  state.history.set(recordId, list);
}

// Seeded records were "created on another device before this one enrolled": their creation
// entry is made the first time their history is needed.
export function seededHistory(id) {
  if (!state.history.has(id)) {
    const h = state.households.get(id);
    const p = state.persons.get(id);
    const list = [];
    if (h || p) {
      list.push({ at: iso(Date.now() - 120 * DAY), device: '东风社区-网格员03', actor: '乌云', what: 'create', field: h ? 'address' : 'name', old: null, new: h ? h.address : p.name, change: `a0${id.slice(-6)}` });
    }
    state.history.set(id, list);
  }
  return state.history.get(id);
}

export function addPersonRecord(householdId, p, seed) {
  const id = p.id || uuid('p');
  const person = {
    id,
    household_id: householdId,
    name: p.name,
    gender: p.gender || 'unknown',
    id_kind: /^[A-Z]/.test(p.id_number || '') ? 'passport' : 'resident_id',
    id_number: p.id_number || null,
    birth_date: p.birth_date || null,
    phone: p.phone || null,
    relation: p.relation || null,
    residency: p.residency || null,
    tags: p.tags || [],
    vulnerable: p.vulnerable || [],
    works_away: !!p.works_away,
    plate: p.plate || null,
    address: p.address || null,
    doses: p.doses ?? 0,
    last_test: p.last_test || null,
    deleted: false,
  };
  const py = pinyinOf(person.name);
  person._py = py.full;
  person._pyi = py.initials;
  state.persons.set(id, person);
  const h = state.households.get(householdId);
  if (h) h.person_ids.push(id);
  // Seeded records get their creation entry lazily (record_history): 300k arrays up front
  // would make the 100k-household run slow to start.
  if (!seed) {
    state.history.set(id, []);
    historyPush(id, { what: 'create', field: 'name', old: null, new: person.name });
  }
  return person;
}

export function idDerived(idNumber) {
  if (!/^\d{17}[\dX]$/.test(idNumber || '')) return { birth_date: null, gender: 'unknown' };
  return {
    birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
  };
}

export function addHouseholdRecord(h) {
  const id = h.id || uuid('h');
  const rec = {
    id,
    village_id: h.village_id,
    group_id: h.group_id || null,
    address: h.address,
    phone: h.phone || null,
    head_person_id: null,
    last_verified: h.last_verified || null,
    deleted: false,
    person_ids: [],
    num: h.num ?? 9999,
  };
  state.households.set(id, rec);
  return rec;
}

// ---- queries -------------------------------------------------------------------------------
export const alive = (h) => h && !h.deleted;
export const residentsOf = (h) => h.person_ids.map((id) => state.persons.get(id)).filter((p) => p && !p.deleted);
const villageOrder = (id) => state.villages.findIndex((v) => v.id === id);
function groupName(id) {
  return id ? (state.groups.get(id) || {}).name || null : null;
}
export function householdRow(h) {
  if (h.lazy) {
    return {
      id: h.id,
      village_id: h.village_id,
      group_id: h.group_id,
      group_name: groupName(h.group_id),
      address: h.address,
      head_person_id: null,
      head_name: h.lazy.head,
      phone: h.phone,
      residents: h.lazy.size,
      last_verified: h.last_verified,
    };
  }
  const head = h.head_person_id ? state.persons.get(h.head_person_id) : null;
  return {
    id: h.id,
    village_id: h.village_id,
    group_id: h.group_id,
    group_name: groupName(h.group_id),
    address: h.address,
    head_person_id: h.head_person_id,
    head_name: head && !head.deleted ? head.name : null,
    phone: h.phone,
    residents: residentsOf(h).length,
    last_verified: h.last_verified,
  };
}
export function publicPerson(p) {
  const { _py, _pyi, deleted, ...rest } = p;
  void _py; void _pyi; void deleted;
  return rest;
}
let orderedCache = null;
export function ordered(villageId) {
  const key = `${villageId || ''}@${state.version}`;
  if (orderedCache && orderedCache.key === key) return orderedCache.list;
  const list = [...state.households.values()]
    .filter((h) => alive(h) && (!villageId || h.village_id === villageId))
    .sort((a, b) => {
      const ga = state.groups.get(a.group_id), gb = state.groups.get(b.group_id);
      return villageOrder(a.village_id) - villageOrder(b.village_id) || (ga ? ga.order : 99) - (gb ? gb.order : 99) || a.num - b.num || (a.id < b.id ? -1 : 1);
    });
  orderedCache = { key, list };
  return list;
}
let countsCache = null;
export function counts() {
  if (countsCache && countsCache.version === state.version) return countsCache;
  let persons = 0, followUp = 0;
  const byVillage = new Map();
  for (const p of state.persons.values()) {
    const h = state.households.get(p.household_id);
    if (p.deleted || !alive(h)) continue;
    persons++;
    byVillage.set(h.village_id, (byVillage.get(h.village_id) || 0) + 1);
    if (p.tags.some((t) => FOLLOW_UP.has(t))) followUp++;
  }
  for (const h of state.households.values()) {
    if (h.lazy && alive(h)) {
      persons += h.lazy.size;
      byVillage.set(h.village_id, (byVillage.get(h.village_id) || 0) + h.lazy.size);
    }
  }
  countsCache = { version: state.version, persons, followUp, byVillage };
  return countsCache;
}
const FOLLOW_UP = new Set(['close-contact', 'secondary-contact', 'high-risk', 'medium-risk', 'red-code', 'yellow-code', 'overseas']);

export function search(query, limit) {
  const q = String(query || '').trim();
  if (!q) return [];
  const out = [];
  const lower = q.toLowerCase();
  const upper = q.toUpperCase().replace(/\s+/g, '');
  const isDigits = /^\d{3,}[\dxX]?$/.test(q);
  const isLatin = /^[a-z]+$/i.test(q);
  const hasCjk = /[\u4e00-\u9fff]/.test(q);
  for (const p of state.persons.values()) {
    if (p.deleted || !alive(state.households.get(p.household_id))) continue;
    let matched = null;
    let rank = 9;
    if (hasCjk && p.name.includes(q)) {
      matched = 'name';
      rank = p.name === q ? 0 : p.name.startsWith(q) ? 1 : 2;
    } else if (isLatin && (p._pyi.startsWith(lower) || (lower.length >= 3 && p._py.startsWith(lower)))) {
      matched = 'pinyin';
      rank = p._pyi === lower ? 1 : 3;
    } else if (isDigits && p.id_number && p.id_number.endsWith(upper)) {
      matched = 'id';
      rank = 2;
    } else if (isDigits && p.phone && p.phone.replace(/-/g, '').includes(q)) {
      matched = 'phone';
      rank = p.phone.endsWith(q) ? 3 : 4;
    } else if (!isDigits && upper.length >= 2 && p.plate && p.plate.includes(upper)) {
      matched = 'plate';
      rank = 3;
    }
    if (!matched) continue;
    const h = state.households.get(p.household_id);
    out.push({
      rank,
      hit: {
        person_id: p.id,
        household_id: p.household_id,
        village_id: h.village_id,
        name: p.name,
        id_number: p.id_number,
        phone: p.phone,
        plate: p.plate,
        address: p.address || h.address,
        matched,
      },
    });
  }
  out.sort((a, b) => a.rank - b.rank || a.hit.name.localeCompare(b.hit.name, 'zh-CN'));
  return out.slice(0, limit || 50).map((x) => x.hit);
}

