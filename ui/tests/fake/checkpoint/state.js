// The checkpoint fake's state and clock, and the entry form's checks in the order and with the
// messages of the store's. See index.js for what the checkpoint fake does.
import { HEALTH_CODES, tempTenths } from '../../../src/logic/checkpoint';
import { PRESETS } from '../../../src/logic/shiftPlan';
import { ymd } from '../../../src/logic/time';
import { fake } from '../backend/index.js';

export { fake };
export const { uuid, Invalid, notFound, touched, search, pick, int } = fake.lib;
export const opts = Object.assign({ checkpointEntries: 6 }, globalThis.__FAKE_OPTS || {});

// The clock: opts.now ('YYYY-MM-DDTHH:MM', local) fixes where it starts, and it runs on from
// there, so entries made during a test are newer than the seeded ones.
const started = Date.now();
const start = opts.now ? new Date(`${opts.now.slice(0, 16)}:00`).getTime() : started;
export const clock = () => start + (Date.now() - started);
export const now = () => new Date(clock());

/** The demo entries, recorded (judged by the real rules) before any checkpoint command
 * answers: ./demo.js sets how, on the first call. */
const seeding = { run: () => Promise.resolve(), done: null };
export function onSeed(run) {
  seeding.run = run;
}
export function seeded() {
  seeding.done ??= seeding.run();
  return seeding.done;
}

export const MINUTE = 60000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const pad = (n, w = 2) => String(n).padStart(w, '0');
const hms = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
/** Local time as the store writes entry times: fixed width, sorts as text. */
export const entryAt = (d) => `${ymd(d)}T${hms(d)}.${pad(d.getMilliseconds(), 3)}000000`;
export const localAt = (d) => `${ymd(d)}T${hms(d)}`;
/** A local time as the store's Chinese texts write it: 12月18日 14:05. */
export const zhShortTime = (s) => `${+s.slice(5, 7)}月${+s.slice(8, 10)}日 ${s.slice(11, 16)}`;

export const LABEL = {
  allow: '放行',
  'turn-back': '劝返',
  observe: '留观转运',
  green: '绿码',
  yellow: '黄码',
  red: '红码',
  in: '进',
  out: '出',
  medium: '中风险',
  high: '高风险',
};

// 00:00–08:00, 08:00–16:00, 16:00–00:00, two people each (三班倒、每班2人).
export const defaultPlan = () => ({ shifts: PRESETS.three(), staff_per_shift: 2 });

export const state = {
  checkpoints: [
    { id: 'cp-hongxing', village_id: 'v-hongxing', name: '红星村村口卡点', place: '红星村北路口', shift_plan: defaultPlan(), deleted: false },
    { id: 'cp-xinhua', village_id: 'v-xinhua', name: '新华村南口卡点', place: null, shift_plan: defaultPlan(), deleted: false },
  ],
  entries: [],
  shifts: [],
  passes: [],
  // The township's rules once read or set (./judge.js): the work plan's, with the demo's risk
  // areas (./demo.js), until staff edit them.
  rules: null,
  demoAreas: [],
  device: 'a1b2c3d4e5f60718',
};

// ---- validation, in the order and with the messages of the store's entry form ---------------
export async function checked(field, value, errField) {
  const r = await fake.commands.check_field({ field, value });
  if (!r.ok) throw new Invalid(errField || field, r.message);
  return r.normalized;
}
export function enumOf(field, zhName, value, values) {
  const v = String(value ?? '').trim();
  for (const c of values) if (v === c || v === LABEL[c]) return c;
  throw new Invalid(field, `${zhName}“${v}”无效，可选：${values.map((c) => LABEL[c]).join('、')}`);
}
function temperature(raw) {
  const t = String(raw ?? '')
    .replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .trim();
  if (!t) throw new Invalid('temperature', '请输入体温');
  if (/[fF℉]/.test(t)) throw new Invalid('temperature', '请以摄氏度（℃）填写体温');
  const n = t.replace(/(℃|°C|度)$/, '').replace(',', '.').trim();
  if (!/^\d+(\.\d+)?$/.test(n)) throw new Invalid('temperature', '体温格式无效，应为数字，如36.5');
  // A number of one or three digits is outside the range anyway.
  const tenths = tempTenths(n);
  if (tenths === null || tenths < 350 || tenths > 420) throw new Invalid('temperature', '体温应在35.0–42.0℃之间');
  return tenths;
}
export function freeText(raw, field, zhName, max) {
  const t = String(raw ?? '').trim();
  if (!t) return null;
  if ([...t].length > max) throw new Invalid(field, `${zhName}最多${max}个字`);
  return t;
}
export async function validate(form) {
  const direction = enumOf('direction', '进出方向', form.direction, ['in', 'out']);
  const name = await checked('name', form.name);
  const idRaw = String(form.id_number ?? '').trim();
  if (!idRaw) throw new Invalid('id_number', '请输入证件号码');
  const id_number = await checked('id_number', idRaw);
  const phone = String(form.phone ?? '').trim() ? await checked('phone', form.phone) : null;
  const plate = String(form.plate ?? '').trim() ? await checked('plate', form.plate) : null;
  const temperature_tenths = temperature(form.temp);
  const health_code = enumOf('health_code', '健康码', form.code, HEALTH_CODES);
  const hukou = freeText(form.hukou, 'hukou_place', '户口所在地', 100);
  const residence = freeText(form.residence, 'residence', '常住地', 100);
  const travel = freeText(form.travel, 'travel', '旅居史', 200) || '';
  const purpose = freeText(form.purpose, 'purpose', '事由', 100);
  const areas = [];
  for (const a of form.areas || []) {
    const t = freeText(a, 'declared_areas', '风险地区名称', 50);
    if (t && !areas.includes(t)) areas.push(t);
  }
  return { direction, name, id_number, phone, plate, temperature_tenths, health_code, hukou, residence, travel, purpose, areas };
}

export function checkpointOf(id) {
  const cp = state.checkpoints.find((c) => c.id === id && !c.deleted);
  if (!cp) throw { kind: 'not_found', message: '找不到该卡口' };
  return cp;
}
