// The fake backend's demo data: the households the tests know by name (王秀英's, 张桂兰's
// with its conflicts) and a township of generated households, all from the seeded random
// numbers. With more than 5,000 households only the rows are made up front; a household's
// people are made from its own seed the first time it is opened (materialize).
import { RISK_TAGS } from '../../../src/logic/codes';
import { addHouseholdRecord, addPersonRecord } from './records.js';
import { chance, DAY, int, iso, now, opts, pick, rand, state, withRng } from './state.js';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗乌包白韩'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰建国华玉春梅海燕志宁云晨红文'.split('');
// The check character of a mainland ID number (GB 11643), so that the generated numbers are
// ones the store's validator accepts.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return '10X98765432'[sum % 11];
}
function pad(n, w) {
  return String(n).padStart(w, '0');
}
export function makeId(birth, male) {
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
    if (chance(0.02)) tags.push(pick(RISK_TAGS));
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

export function materialize(h) {
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
    { record_id: 'h-zhang', field: 'phone', doc_id: `ledger:${hx.id}`, values: ['13900001111', '13900002222'] },
    { record_id: 'p-zhang', field: 'residency', doc_id: `ledger:${hx.id}`, values: ['resident', 'tenant'] },
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
