// An in-memory stand-in for the gridbook Tauri backend, for the browser tests and `npm run dev`.
//
// It installs window.__TAURI_INTERNALS__ (invoke, transformCallback, unregisterCallback) and
// window.__TAURI_EVENT_PLUGIN_INTERNALS__, so @tauri-apps/api's own `invoke` and `listen` work
// unchanged, and window.__fake for the tests (emit events, read state, flip online/offline).
//
// An ES module, imported first by tests/fakes.js (bundled for Playwright's page.addInitScript,
// imported by vite dev). Options come from window.__FAKE_OPTS:
//   { households: 240, enrolled: true, language: 'zh-CN', delay: 3, seed: 7, online: true }
import { RELATIONS, RESIDENCY, RISK_TAGS, VULNERABLE } from '../src/logic/codes';

(function installFakeBackend() {
  const g = globalThis;
  if (g.__fake) return;
  const opts = Object.assign(
    { households: 240, enrolled: true, language: 'zh-CN', delay: 3, seed: 7, online: true, unsynced: 3 },
    g.__FAKE_OPTS || {},
  );

  // ---- deterministic random ------------------------------------------------------------------
  let rngState = opts.seed >>> 0 || 1;
  function rand() {
    rngState = (rngState + 0x6d2b79f5) >>> 0;
    let t = rngState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const chance = (p) => rand() < p;
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  let idCounter = 0;
  const uuid = (prefix) => `${prefix}-${(++idCounter).toString(36).padStart(6, '0')}-${Math.floor(rand() * 1e8).toString(36)}`;

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
  const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗乌包白韩'.split('');
  const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰建国华玉春梅海燕志宁云晨红文'.split('');
  function pinyinOf(name) {
    const syl = [...name].map((c) => PINYIN[c] || '');
    return { full: syl.join(''), initials: syl.map((s) => s[0] || '').join('') };
  }

  // ---- validation: the domain's rules, with the backend's Chinese messages -------
  const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const CHECK = '10X98765432';
  const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);
  function checkChar(first17) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
    return CHECK[sum % 11];
  }
  function validDate(y, m, d) {
    const dt = new Date(y, m - 1, d);
    return dt.getFullYear() === y && dt.getMonth() === m - 1 && dt.getDate() === d;
  }
  function checkIdNumber(raw) {
    const v = String(raw || '').replace(/\s+/g, '').toUpperCase();
    if (!v) return { ok: false, message: '请填写身份证号' };
    // Passports and 港澳台 permits.
    if (/^[A-Z]{1,2}\d{7,9}$/.test(v)) return { ok: true, normalized: v };
    if (v.length !== 18) return { ok: false, message: `身份证号应为18位，现在是${v.length}位` };
    if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, message: '身份证号前17位应为数字，最后一位为数字或X' };
    if (!PROVINCES.has(Number(v.slice(0, 2)))) return { ok: false, message: '身份证号前6位地区码无效' };
    const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    if (y < 1900 || !validDate(y, m, d) || new Date(y, m - 1, d) > new Date()) {
      return { ok: false, message: '身份证号中的出生日期无效' };
    }
    if (checkChar(v.slice(0, 17)) !== v[17]) return { ok: false, message: '身份证号校验不通过：某一位可能输错了，请逐位核对' };
    return { ok: true, normalized: v };
  }
  function checkPhone(raw) {
    const v = String(raw || '').replace(/[\s]+/g, '');
    if (!v) return { ok: true, normalized: '' };
    if (/^1[3-9]\d{9}$/.test(v)) return { ok: true, normalized: v };
    const m = /^(0\d{2,3})-?(\d{7,8})$/.exec(v);
    if (m) return { ok: true, normalized: `${m[1]}-${m[2]}` };
    return { ok: false, message: '电话号码格式不正确：手机号为11位，座机需带区号（如0818-8912653）' };
  }
  const PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳使领]$/;
  function checkPlate(raw) {
    const v = String(raw || '').replace(/[\s·.-]+/g, '').toUpperCase();
    if (!v) return { ok: true, normalized: '' };
    if (PLATE.test(v)) return { ok: true, normalized: v };
    return { ok: false, message: '车牌号格式不正确（如：蒙G12345）' };
  }
  function checkName(raw) {
    const v = String(raw || '').trim();
    if (!v) return { ok: false, message: '请填写姓名' };
    if (v.length > 20) return { ok: false, message: '姓名不能超过20个字' };
    if (/\d/.test(v)) return { ok: false, message: '姓名不能包含数字' };
    return { ok: true, normalized: v };
  }
  function checkAddress(raw) {
    const v = String(raw || '').trim();
    if (!v) return { ok: false, message: '请填写地址' };
    if (v.length > 100) return { ok: false, message: '地址不能超过100个字' };
    return { ok: true, normalized: v };
  }
  const CHECKS = { id_number: checkIdNumber, phone: checkPhone, plate: checkPlate, name: checkName, address: checkAddress };

  class Invalid {
    constructor(field, message) {
      this.kind = 'invalid';
      this.field = field;
      this.message = message;
    }
  }
  function must(field, value, errField) {
    const r = CHECKS[field](value);
    if (!r.ok) throw new Invalid(errField || field, r.message);
    return r.normalized;
  }
  const notFound = (what) => ({ kind: 'not_found', message: `${what}不存在或已删除` });

  // The codes the store knows, as the UI lists them (src/logic/codes.ts).
  const RISK = RISK_TAGS;
  const VULN = VULNERABLE;

  // ---- state ---------------------------------------------------------------------------------
  const DAY = 86400000;
  const now = () => new Date();
  const iso = (d) => new Date(d).toISOString();
  const state = {
    device_name: '红星村-网格员01',
    device_id: 'dev-7f3a',
    actor: '张海燕',
    township_id: opts.enrolled ? '0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90' : null,
    township_name: opts.enrolled ? '莫斯台街道' : null,
    enrolled: !!opts.enrolled,
    // The relay's role for this device (opts.role: 'township' for the township's laptop) and
    // its village (none for the township).
    role: opts.enrolled ? opts.role || 'grid-worker' : null,
    village_id: opts.enrolled && (opts.role || 'grid-worker') !== 'township' ? opts.village || 'v-hongxing' : null,
    relay_url: opts.enrolled ? 'https://relay.mositai.example:8443' : null,
    online: opts.online !== false,
    syncing: false,
    unsynced: opts.unsynced,
    last_sync: opts.enrolled ? iso(Date.now() - 25 * 60000) : null,
    // The real backend keeps the language in its settings: survive a reload like it does.
    language: (g.sessionStorage && g.sessionStorage.getItem('fake-language')) || opts.language,
    villages: [],
    groups: new Map(),
    households: new Map(),
    persons: new Map(),
    history: new Map(),
    conflicts: [],
    version: 0,
    // Documents whose edits the relay refused (opts.refused: RefusedEdit objects).
    refused: JSON.parse(JSON.stringify(opts.refused || [])),
    // Records the device set aside (opts.quarantine: QuarantineRow objects).
    quarantine: JSON.parse(JSON.stringify(opts.quarantine || [])),
  };

  // What each role may write in its village (the store's rights.rs, the relay's access.rs).
  const WRITES = {
    'grid-worker': ['ledger', 'care', 'gate', 'entries', 'reports'],
    volunteer: ['gate', 'entries'],
    doctor: ['care'],
    township: ['grid', 'ledger', 'care', 'gate', 'entries', 'reports'],
  };

  const VILLAGES = [
    { id: 'v-hongxing', name: '红星村', groups: 6 },
    { id: 'v-xinhua', name: '新华村', groups: 5 },
    { id: 'v-dongfeng', name: '东风社区', groups: 4 },
  ];
  for (const v of VILLAGES) {
    const groups = [];
    for (let i = 1; i <= v.groups; i++) {
      const grp = { id: `${v.id}-g${i}`, name: `${i}组`, village_id: v.id, order: i };
      groups.push(grp);
      state.groups.set(grp.id, grp);
    }
    state.villages.push({ id: v.id, name: v.name, groups });
  }

  function pad(n, w) {
    return String(n).padStart(w, '0');
  }
  function makeId(birth, male) {
    const first17 = `150581${birth.replace(/-/g, '')}${pad(int(0, 99), 2)}${male ? pick([1, 3, 5, 7, 9]) : pick([0, 2, 4, 6, 8])}`;
    return first17 + checkChar(first17);
  }
  function randomBirth(minAge, maxAge) {
    const y = now().getFullYear() - int(minAge, maxAge);
    return `${y}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`;
  }
  function randomName(surname) {
    return surname + pick(GIVEN) + (chance(0.6) ? pick(GIVEN) : '');
  }
  const RECENT_DAYS = Array.from({ length: 61 }, (_, i) => iso(Date.now() - i * DAY).slice(0, 10));
  const mobile = () => `1${pick([3, 5, 7, 8, 9])}${pad(int(0, 999999999), 9)}`;
  const plate = () => `蒙G${pick('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'.split(''))}${pad(int(0, 9999), 4)}`;

  function historyPush(recordId, entry) {
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
  function seededHistory(id) {
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

  function addPersonRecord(householdId, p, seed) {
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

  function idDerived(idNumber) {
    if (!/^\d{17}[\dX]$/.test(idNumber || '')) return { birth_date: null, gender: 'unknown' };
    return {
      birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      gender: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
    };
  }

  function addHouseholdRecord(h) {
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

  function withRng(seed, fn) {
    const saved = rngState;
    rngState = seed >>> 0 || 1;
    try {
      return fn();
    } finally {
      rngState = saved;
    }
  }

  function planMembers() {
    const surname = pick(SURNAMES);
    const size = pick([1, 2, 2, 3, 3, 3, 4, 4, 5]);
    const headMale = chance(0.6);
    const headBirth = randomBirth(size === 1 ? 60 : 30, 85);
    const members = [{ name: randomName(surname), male: headMale, birth: headBirth, relation: 'head' }];
    if (size >= 2) members.push({ name: randomName(pick(SURNAMES)), male: !headMale, birth: randomBirth(28, 80), relation: 'spouse' });
    for (let i = 2; i < size; i++) {
      const rel = i === 4 ? 'grandchild' : pick(['child', 'child', 'parent', 'child-in-law', 'other']);
      members.push({ name: randomName(surname), male: chance(0.5), birth: randomBirth(rel === 'parent' ? 70 : 1, rel === 'parent' ? 95 : 40), relation: rel });
    }
    return members;
  }

  function createMembers(h, members) {
    const size = members.length;
    const year = now().getFullYear();
    for (const m of members) {
      const age = year - +m.birth.slice(0, 4);
      const id_number = makeId(m.birth, m.male);
      const vulnerable = [];
      if (size === 1 && age >= 65) vulnerable.push('elderly-alone');
      if (age >= 60 && chance(0.2)) vulnerable.push('chronic');
      if (chance(0.02)) vulnerable.push('disabled');
      if (age >= 75 && chance(0.15)) vulnerable.push('limited-mobility');
      if (!m.male && age >= 22 && age <= 38 && chance(0.05)) vulnerable.push('pregnant');
      const tags = [];
      if (chance(0.02)) tags.push(pick(RISK));
      const p = addPersonRecord(
        h.id,
        {
          name: m.name,
          gender: m.male ? 'male' : 'female',
          id_number,
          birth_date: m.birth,
          phone: age >= 14 && chance(0.8) ? mobile() : null,
          relation: m.relation,
          residency: pick(['registered', 'registered', 'registered', 'resident', 'floating', 'tenant']),
          tags,
          vulnerable,
          works_away: age >= 18 && age <= 55 && chance(0.2),
          plate: age >= 20 && chance(0.12) ? plate() : null,
          doses: age < 3 ? 0 : pick([0, 1, 2, 3, 3, 3, 4]),
          last_test: chance(0.7) ? `${RECENT_DAYS[int(1, 60)]} negative` : null,
        },
        true,
      );
      if (m.relation === 'head') h.head_person_id = p.id;
    }
  }

  // With `lazy` (the 100k-household runs) only the household row is made up front; its people
  // are made from the same seed the first time someone opens or edits the household. Search
  // then covers the people made so far (and the known records below).
  function seedHousehold(village, group, num, lastVerified, lazy) {
    const h = addHouseholdRecord({
      village_id: village.id,
      group_id: group.id,
      address: `${village.name}${group.name}${num}号`,
      phone: chance(0.08) ? `0475-${pad(int(1000000, 9999999), 7)}` : null,
      last_verified: lastVerified,
      num,
    });
    const seedValue = int(1, 2147483646);
    withRng(seedValue, () => {
      const members = planMembers();
      if (lazy) h.lazy = { seed: seedValue, head: members[0].name, size: members.length };
      else createMembers(h, members);
    });
    return h;
  }

  function materialize(h) {
    if (h && h.lazy) {
      const seedValue = h.lazy.seed;
      h.lazy = null;
      withRng(seedValue, () => createMembers(h, planMembers()));
    }
    return h;
  }

  // The households the tests know by name.
  function seedKnown() {
    const hx = state.villages[0];
    const g3 = hx.groups[2];
    const h = addHouseholdRecord({ id: 'h-wang', village_id: hx.id, group_id: g3.id, address: '红星村3组18号', phone: '0475-8912653', last_verified: iso(Date.now() - 9 * DAY), num: 18 });
    const wang = addPersonRecord(h.id, { id: 'p-wang', name: '王秀英', gender: 'female', id_number: '150581195803070020', birth_date: '1958-03-07', phone: '13812345678', relation: 'head', residency: 'registered', vulnerable: ['chronic'], doses: 3, last_test: `${iso(Date.now() - 3 * DAY).slice(0, 10)} negative` }, true);
    h.head_person_id = wang.id;
    addPersonRecord(h.id, { id: 'p-li', name: '李建国', gender: 'male', id_number: '150581195511120030', birth_date: '1955-11-12', phone: '13947501234', relation: 'spouse', residency: 'registered', vulnerable: ['limited-mobility'], doses: 2 }, true);
    addPersonRecord(h.id, { id: 'p-liming', name: '李明', gender: 'male', id_number: '15058119850615001X', birth_date: '1985-06-15', phone: '15904751234', relation: 'child', residency: 'floating', tags: ['medium-risk'], works_away: true, plate: '蒙G12345', doses: 3, last_test: iso(Date.now() - 1 * DAY).slice(0, 10) }, true);
    state.history.set('h-wang', [
      // As the store reports them: actors are hex ids, a check is an event field
      // ("check.<uuid>" = "time|device"), links hold record ids.
      { at: iso(Date.now() - 200 * DAY), device: '红星村-网格员01', actor: '7f3a9c01d2e4b5a6', what: 'create', field: 'address', old: null, new: '红星村3组16号', change: 'c0ffee01' },
      { at: iso(Date.now() - 200 * DAY), device: '红星村-网格员01', actor: '7f3a9c01d2e4b5a6', what: 'create', field: 'group_id', old: null, new: '8d0c3a52-4f7e-4b8e-9a51-2f6d2c1b7e90', change: 'c0ffee01' },
      { at: iso(Date.now() - 40 * DAY), device: '莫斯台街道-办公室', actor: '0be41d77a9c3f210', what: 'edit', field: 'address', old: '红星村3组16号', new: '红星村3组18号', change: 'c0ffee02' },
      { at: iso(Date.now() - 9 * DAY), device: '红星村-网格员01', actor: '7f3a9c01d2e4b5a6', what: 'verify', field: 'check.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b', old: null, new: `${iso(Date.now() - 9 * DAY).slice(0, 19)}|红星村-网格员01`, change: 'c0ffee03' },
    ]);

    const g2 = hx.groups[1];
    const c = addHouseholdRecord({ id: 'h-zhang', village_id: hx.id, group_id: g2.id, address: '红星村2组5号', phone: '13900001111', last_verified: null, num: 5 });
    const zhang = addPersonRecord(c.id, { id: 'p-zhang', name: '张桂兰', gender: 'female', id_number: '150581194410020044', birth_date: '1944-10-02', phone: '13704751111', relation: 'head', residency: 'resident', vulnerable: ['elderly-alone'], doses: 2 }, true);
    c.head_person_id = zhang.id;
    state.conflicts.push(
      { record_id: 'h-zhang', field: 'phone', doc_id: 'doc-v-hongxing-households', values: ['13900001111', '13900002222'] },
      { record_id: 'p-zhang', field: 'residency', doc_id: 'doc-v-hongxing-households', values: ['resident', 'tenant'] },
    );
    state.history.set('p-zhang', [
      { at: iso(Date.now() - 100 * DAY), device: '红星村-网格员01', actor: '张海燕', what: 'create', field: 'name', old: null, new: '张桂兰', change: 'd00d0001' },
      { at: iso(Date.now() - 2 * DAY), device: '红星村-网格员02', actor: '杨晨晨', what: 'edit', field: 'residency', old: 'registered', new: ['resident', 'tenant'], change: 'd00d0002' },
    ]);
  }

  function seed() {
    seedKnown();
    const total = Math.max(0, opts.households - 2);
    const counters = new Map();
    const lazy = total > 5000;
    for (let i = 0; i < total; i++) {
      const village = state.villages[i % 3 === 2 ? 2 : i % 2];
      const group = pick(village.groups);
      const n = (counters.get(group.id) || 0) + 1;
      counters.set(group.id, n);
      const r = rand();
      const lv = r < 0.12 ? null : iso(Date.now() - Math.floor(rand() * rand() * 40 * DAY));
      seedHousehold(village, group, n + (group.id === 'v-hongxing-g3' ? 20 : group.id === 'v-hongxing-g2' ? 5 : 0), lv, lazy);
    }
  }
  seed();

  // ---- queries -------------------------------------------------------------------------------
  const alive = (h) => h && !h.deleted;
  const residentsOf = (h) => h.person_ids.map((id) => state.persons.get(id)).filter((p) => p && !p.deleted);
  const villageOrder = (id) => state.villages.findIndex((v) => v.id === id);
  function groupName(id) {
    return id ? (state.groups.get(id) || {}).name || null : null;
  }
  function householdRow(h) {
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
  function publicPerson(p) {
    const { _py, _pyi, deleted, ...rest } = p;
    void _py; void _pyi; void deleted;
    return rest;
  }
  let orderedCache = null;
  function ordered(villageId) {
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
  function counts() {
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

  function search(query, limit) {
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

  // ---- writes --------------------------------------------------------------------------------
  function touched() {
    state.version++;
    state.unsynced++;
  }
  function normalizeCodes(list, allowed, field) {
    const out = [];
    for (const c of list || []) {
      if (!allowed.includes(c)) throw new Invalid(field, `未知的标签：${c}`);
      if (!out.includes(c)) out.push(c);
    }
    return out;
  }
  function personFromInput(input, prefix) {
    const f = (name) => (prefix ? `${prefix}.${name}` : name);
    const name = must('name', input.name, f('name'));
    const id_number = must('id_number', input.idNumber, f('id_number'));
    const phone = input.phone ? must('phone', input.phone, f('phone')) : null;
    const plateV = input.plate ? must('plate', input.plate, f('plate')) : null;
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

  function setPerson(id, edits) {
    const p = state.persons.get(id);
    if (!p || p.deleted) throw notFound('人员');
    // Validate everything first: a refused edit list changes nothing.
    const next = { ...p, tags: [...p.tags], vulnerable: [...p.vulnerable] };
    const changed = [];
    for (const [field, value] of edits) {
      switch (field) {
        case 'name': next.name = must('name', value); break;
        case 'id_number': next.id_number = must('id_number', value); Object.assign(next, idDerived(next.id_number)); break;
        case 'phone': next.phone = value ? must('phone', value) : null; break;
        case 'plate': next.plate = value ? must('plate', value) : null; break;
        case 'address': next.address = value ? must('address', value) : null; break;
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

  function setHousehold(id, edits) {
    const h = materialize(state.households.get(id));
    if (!alive(h)) throw notFound('户');
    const next = { ...h };
    const changed = [];
    for (const [field, value] of edits) {
      switch (field) {
        case 'address': next.address = must('address', value); break;
        case 'phone': next.phone = value ? must('phone', value) : null; break;
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

  // ---- events --------------------------------------------------------------------------------
  const callbacks = new Map();
  let nextCallback = 1;
  const listeners = new Map(); // event -> Map(eventId -> handlerId)
  let nextEventId = 1;
  function emit(event, payload) {
    const ls = listeners.get(event);
    if (!ls) return 0;
    for (const [eventId, handlerId] of ls) {
      const cb = callbacks.get(handlerId);
      if (cb) cb({ event, id: eventId, payload });
    }
    return ls.size;
  }
  function syncState() {
    if (!state.enrolled) return 'not_enrolled';
    if (state.syncing) return 'syncing';
    if (!state.online) return 'offline';
    return 'idle';
  }
  function emitStatus(extra) {
    emit('sync-status', { state: syncState(), unsynced: state.unsynced, last_sync: state.last_sync, ...(extra || {}) });
  }

  // ---- commands ------------------------------------------------------------------------------
  const commands = {
    app_status: () => {
      const c = counts();
      return {
        device_name: state.device_name,
        township_id: state.township_id,
        township_name: state.township_name,
        enrolled: state.enrolled,
        role: state.role,
        village_id: state.village_id,
        relay_url: state.relay_url,
        writes: state.role ? WRITES[state.role] || [] : ['grid', 'ledger', 'care', 'gate', 'entries', 'reports'],
        refused: state.refused.length,
        households: ordered('').length,
        persons: c.persons,
        unsynced: state.unsynced,
        last_sync: state.last_sync,
        online: state.online,
        syncing: state.syncing,
        under_follow_up: c.followUp,
        today: opts.now ? opts.now.slice(0, 10) : new Date().toLocaleDateString('sv-SE'),
        now: opts.now ? `${opts.now.slice(0, 16)}:00`.slice(0, 19) : new Date().toLocaleString('sv-SE').replace(' ', 'T'),
      };
    },
    // opts.noVillages: a device whose township data has not arrived (or that is not enrolled).
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
    list_households: ({ villageId, offset, limit }) => {
      if (!Number.isInteger(offset) || !Number.isInteger(limit) || offset < 0 || limit < 0) {
        throw { kind: 'invalid', message: '分页参数无效' };
      }
      const list = ordered(villageId);
      return { total: list.length, rows: list.slice(offset, offset + Math.min(limit, 500)).map(householdRow) };
    },
    search_persons: ({ query, limit }) => search(query, limit),
    household_detail: ({ id }) => {
      const h = materialize(state.households.get(id));
      if (!alive(h)) throw notFound('户');
      const residents = residentsOf(h);
      const ids = new Set([h.id, ...residents.map((p) => p.id)]);
      return {
        ...householdRow(h),
        residents: residents.map(publicPerson),
        conflicts: state.conflicts.filter((c) => ids.has(c.record_id)),
      };
    },
    add_household: ({ input }) => {
      if (!input) throw { kind: 'invalid', message: '缺少参数' };
      const village = state.villages.find((v) => v.id === input.villageId);
      if (!village) throw new Invalid('village_id', '请选择村（社区）');
      if (input.groupId && (!state.groups.has(input.groupId) || state.groups.get(input.groupId).village_id !== village.id)) {
        throw new Invalid('group_id', '所属组不属于该村');
      }
      const address = must('address', input.address);
      const phone = input.phone ? must('phone', input.phone) : null;
      if (!input.head) throw new Invalid('name', '请填写户主信息');
      // The domain names the field ("id_number"); the form decides it is the head's.
      const head = personFromInput(input.head, '');
      const h = addHouseholdRecord({ village_id: village.id, group_id: input.groupId || null, address, phone, num: 10000 + state.households.size });
      state.history.set(h.id, []);
      historyPush(h.id, { what: 'create', field: 'address', old: null, new: address });
      const p = addPersonRecord(h.id, { ...head, relation: head.relation || 'head' });
      h.head_person_id = p.id;
      touched();
      return { household_id: h.id, person_id: p.id };
    },
    add_person: ({ householdId, person }) => {
      const h = materialize(state.households.get(householdId));
      if (!alive(h)) throw notFound('户');
      const data = personFromInput(person || {}, '');
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
      historyPush(id, { what: 'verify', field: `check.00000000-0000-4000-8000-${String(++idCounter).padStart(12, "0")}`, old: null, new: `${h.last_verified.slice(0, 19)}|红星村-网格员01` });
      h.verification_id = uuid('ver');
      touched();
      return { verification_id: h.verification_id };
    },
    record_history: ({ id }) => {
      const h = materialize(state.households.get(id));
      const p = state.persons.get(id);
      if (!h && !p) throw notFound('记录');
      return seededHistory(id);
    },
    // With what a person calls the record, as the store adds it: a name or an address.
    list_conflicts: () =>
      state.conflicts.map((c) => {
        const p = state.persons.get(c.record_id);
        const h = state.households.get(c.record_id);
        return { ...c, label: p ? p.name : h ? h.address : null };
      }),
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
    coverage: ({ days, villageId }) => {
      if (!(days > 0)) throw { kind: 'invalid', message: '天数无效' };
      const cutoff = Date.now() - days * DAY;
      return ordered(villageId)
        .filter((h) => !h.last_verified || new Date(h.last_verified).getTime() < cutoff)
        .map((h) => {
          const r = householdRow(h);
          return { household_id: h.id, village_id: h.village_id, group_name: r.group_name, address: h.address, head_name: r.head_name, last_verified: h.last_verified };
        });
    },
    check_field: ({ field, value }) => {
      const fn = CHECKS[field];
      if (!fn) throw { kind: 'invalid', message: `未知字段：${field}` };
      return fn(value);
    },
    settings_get: () => ({ device_name: state.device_name, relay_url: state.relay_url, language: state.language }),
    set_device_name: ({ name }) => {
      const v = String(name || '').trim();
      if (!v) throw new Invalid('name', '设备名称不能为空');
      if (v.length > 40) throw new Invalid('name', '设备名称不能超过40个字');
      state.device_name = v;
      return null;
    },
    set_language: ({ lang }) => {
      if (lang !== 'zh-CN' && lang !== 'en') throw { kind: 'invalid', message: '不支持的语言' };
      state.language = lang;
      if (g.sessionStorage) g.sessionStorage.setItem('fake-language', lang);
      return null;
    },
    enroll: ({ relayUrl, token }) => {
      if (!/^https?:\/\/[^\s/]+/.test(String(relayUrl || ''))) throw new Invalid('relay_url', '中继地址格式不正确，应以 http:// 或 https:// 开头');
      if (String(token || '').length < 8) throw new Invalid('token', '注册令牌无效或已过期，请向镇街管理员重新获取');
      state.enrolled = true;
      state.relay_url = relayUrl;
      state.township_id = '0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90';
      state.township_name = '莫斯台街道';
      state.role = 'grid-worker';
      state.village_id = 'v-hongxing';
      setTimeout(() => emitStatus(), 0);
      return { relay_id: 'relay-01', township_id: state.township_id, device_id: state.device_id, name: state.device_name, role: 'grid-worker', village_id: 'v-hongxing' };
    },
    refused_edits: () => JSON.parse(JSON.stringify(state.refused)),
    quarantine: () => JSON.parse(JSON.stringify(state.quarantine)),
    discard_refused: ({ docId }) => {
      const r = state.refused.find((x) => x.doc_id === docId);
      if (!r) throw { kind: 'refused', code: 'not_refused', message: '中继没有拒收这份数据，无需放弃' };
      state.refused = state.refused.filter((x) => x !== r);
      state.unsynced = Math.max(0, (state.unsynced || 0) - r.changes);
      setTimeout(() => emitStatus(), 0);
      return r.changes;
    },
    sync_now: () => {
      if (!state.enrolled) throw { kind: 'not_enrolled', message: '本机尚未加入镇街同步，请先在“设置”中填写中继地址和注册令牌' };
      if (!state.online) throw { kind: 'offline', message: '网络不通，无法连接中继，修改已保存在本机，联网后会自动同步' };
      if (state.syncing) throw { kind: 'busy', message: '正在同步，请稍候' };
      state.syncing = true;
      emitStatus();
      const sent = state.unsynced;
      return new Promise((resolve) => {
        setTimeout(() => {
          state.syncing = false;
          // Edits the relay refused stay unsynced until discarded.
          state.unsynced = state.refused.reduce((n, r) => n + r.changes, 0);
          state.last_sync = iso(Date.now());
          emitStatus();
          const refused = state.refused.map((r) => [r.doc_id, 'read-only: changes from this device are not accepted']);
          resolve({ rounds: 2, docs_sent: Math.min(sent, 3), docs_received: 1, bytes_sent: 1800 + sent * 310, bytes_received: 960, ms: 420, refused });
        }, opts.syncMs ?? 400);
      });
    },
  };

  const calls = [];
  function invoke(cmd, args) {
    calls.push({ cmd, args: args === undefined ? {} : JSON.parse(JSON.stringify(args)) });
    if (cmd === 'plugin:event|listen') {
      const id = nextEventId++;
      if (!listeners.has(args.event)) listeners.set(args.event, new Map());
      listeners.get(args.event).set(id, args.handler);
      return Promise.resolve(id);
    }
    if (cmd === 'plugin:event|unlisten') {
      const ls = listeners.get(args.event);
      if (ls) ls.delete(args.eventId);
      return Promise.resolve(null);
    }
    const fn = commands[cmd];
    return new Promise((resolve, reject) => {
      setTimeout(async () => {
        if (!fn) return reject(`command ${cmd} not found`);
        try {
          const result = await fn(args || {});
          // Results cross the IPC boundary as JSON: never hand out live state.
          resolve(result === undefined ? null : JSON.parse(JSON.stringify(result)));
        } catch (e) {
          reject(e instanceof Invalid ? { kind: e.kind, field: e.field, message: e.message } : e);
        }
      }, opts.delay);
    });
  }

  g.__TAURI_INTERNALS__ = {
    invoke,
    transformCallback(cb, once) {
      const id = nextCallback++;
      callbacks.set(id, (payload) => {
        if (once) callbacks.delete(id);
        return cb && cb(payload);
      });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    convertFileSrc: (p) => p,
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
  };
  g.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener(event, id) {
      const ls = listeners.get(event);
      if (ls) ls.delete(id);
    },
  };
  g.__fake = {
    state,
    calls,
    commands,
    emit,
    emitStatus,
    /** Moves the backend to a sync status and emits it, as the real sync loop would. */
    pushStatus(st) {
      state.unsynced = st.unsynced;
      if (st.last_sync !== undefined && st.last_sync !== null) state.last_sync = st.last_sync;
      state.syncing = st.state === 'syncing';
      if (st.state === 'offline') state.online = false;
      if (st.state === 'idle' || st.state === 'syncing') state.online = true;
      emit('sync-status', { ...st });
    },
    setOnline(on) {
      state.online = !!on;
      emitStatus();
    },
    listenerCount: (event) => (listeners.get(event) ? listeners.get(event).size : 0),
    checkIdNumber,
    makeValidId: (birth, male) => makeId(birth, male),
    // For the feature fakes (fake-isolation.js, fake-checkpoint.js), which add their commands to
    // `commands` and keep their own state next to this one.
    lib: { uuid, rand, pick, int, chance, Invalid, notFound, touched, search, checkPhone, iso, materialize, alive, residentsOf, publicPerson, pinyinOf, addPersonRecord, historyPush, ordered },
  };
})();
