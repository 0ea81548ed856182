// Entries (出入登记) of the checkpoint fake: the checkpoints, recording an entry with the
// suggestion and the volunteer's decision, today's counts, and matching residents with their
// control state (管控).
import { countEntries, DECISIONS } from '../../../src/logic/checkpoint';
import { isOpen } from '../../../src/logic/isolation';
import { ymd } from '../../../src/logic/time';
import { parsePass, passRefusal } from './passes.js';
import { judge } from './judge.js';
import { masked } from '../backend/masked.js';
import { shownHits, withResident } from './resident.js';
import { onDuty, publicCheckpoint, publicShift, shiftOn, signedIn } from './shifts.js';
import {
  checkpointOf,
  defaultPlan,
  entryAt,
  enumOf,
  fake,
  freeText,
  Invalid,
  LABEL,
  localAt,
  now,
  seeded,
  search,
  state,
  touched,
  uuid,
  validate,
} from './state.js';

/** The control state today of the person's open case, as the store derives it (`gridbook case
 * state-check`, through ../isolation.js), or null. */
async function isolationOf(personId) {
  const isolation = fake.isolation;
  if (!isolation) return null;
  await isolation.ready;
  const c = [...isolation.cases.values()].find((x) => x.person_id === personId && !x.deleted && isOpen(x.status));
  if (!c) return null;
  const [s] = await isolation.states([c], ymd(now()));
  return s.control;
}

/** The township control list (管控名单), as the store reads it: whoever another village keeps
 * under control with this whole ID number, labelled with that village's name; the state only,
 * never a name or an address. */
async function listedOf(idNumber, villageId) {
  const id = String(idNumber ?? '').replace(/\s/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const villageOf = (x) => fake.state.households.get(x.household_id)?.village_id;
  const p = [...fake.state.persons.values()].find((x) => !x.deleted && x.id_number === id && villageOf(x) !== villageId);
  const iso = p ? await isolationOf(p.id) : null;
  if (!iso) return null;
  const village = fake.state.villages.find((v) => v.id === villageOf(p))?.name ?? '';
  return { ...iso, label: `${village}管控：${iso.label}`, label_en: `listed by ${village}: ${iso.label_en}`, village };
}

const publicEntry = (e) => {
  const { day, checkpoint_id, areas, hukou, residence, purpose, ...row } = e;
  void day; void checkpoint_id; void areas; void hukou; void residence; void purpose;
  return row;
};

/** The ledger person with this (valid) ID number, anywhere, and their control state. */
async function controlOf(idNumber, villageId) {
  const person = [...fake.state.persons.values()].find((p) => !p.deleted && p.id_number === idNumber);
  const own = person ? await isolationOf(person.id) : null;
  return own ?? (await listedOf(idNumber, villageId));
}

/** Records an entry made at `now`, judged by the real rules (./judge.js). Like the preview, the
 * judgement leaves the person's control state out: the fake isolation backend keeps the demo
 * residents the checkpoint screens are tried with (王秀英 first) under control, and the fake has
 * always judged them as plain residents. */
export async function record(picked, now, id = null) {
  const cp = checkpointOf(picked.checkpoint);
  const form = withResident(picked, cp);
  const v = await validate(form);
  const day = ymd(now);
  const s = await judge(form, null, localAt(now));
  if (!s || !s.decision) throw { kind: 'unavailable', message: '开发环境未连接 gridbook 命令行，无法判定' };
  const chosen = form.decision ? enumOf('decision', '处置', form.decision, DECISIONS) : s.decision;
  const duty = onDuty(cp.id);
  const volunteer = duty ? duty.staff.split(',')[0] : '未签到';
  const note = freeText(form.note, 'note', '说明', 200);
  if (s.needs_note.includes(chosen) && !note) {
    throw new Invalid('note', `建议“${LABEL[s.decision]}”，改为“${LABEL[chosen]}”须填写原因`);
  }
  let pass = null;
  if (form.pass && String(form.pass).trim()) {
    const number = await parsePass(form.pass);
    const refusal = await passRefusal(number, v.direction, v.id_number, now);
    if (refusal) throw refusal;
    pass = state.passes.find((p) => p.number === number);
  }
  const person = form.person_id
    ? fake.state.persons.get(form.person_id)
    : [...fake.state.persons.values()].find((p) => {
        const h = fake.state.households.get(p.household_id);
        return !p.deleted && p.id_number === v.id_number && h && h.village_id === cp.village_id;
      });
  const entry = {
    id: id ?? uuid('e'),
    checkpoint_id: cp.id,
    day,
    at: entryAt(now),
    device: state.device,
    direction: v.direction,
    name: v.name,
    id_number: v.id_number,
    phone: v.phone,
    plate: v.plate,
    temperature: v.temperature_tenths / 10,
    fever: s.fever,
    health_code: v.health_code,
    travel: v.travel,
    suggested: s.decision,
    decision: chosen,
    reasons: s.reasons,
    volunteer,
    note,
    overridden: chosen !== s.decision,
    recorded_by: fake.state.device_name,
    person_id: person ? person.id : null,
    pass_number: pass ? pass.number : null,
    areas: v.areas,
    hukou: v.hukou,
    residence: v.residence,
    purpose: v.purpose,
  };
  state.entries.push(entry);
  if (pass) pass.uses.push({ at: localAt(now), direction: v.direction, id_number: v.id_number, checkpoint_id: cp.id, entry_id: entry.id });
  return { entry, suggestion: s };
}

function dayEntries(cp, day) {
  return state.entries
    .filter((e) => e.checkpoint_id === cp && e.day === day)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
}

Object.assign(fake.commands, {
  checkpoints: () => state.checkpoints.filter((c) => !c.deleted).map(publicCheckpoint),
  add_checkpoint: ({ villageId, name, place }) => {
    if (!fake.state.villages.some((v) => v.id === villageId)) throw { kind: 'not_found', message: '找不到该村（社区）' };
    const n = String(name ?? '').trim();
    if (!n || [...n].length > 40) throw new Invalid('name', '卡口名称应为1–40个字');
    const id = uuid('cp');
    state.checkpoints.push({ id, village_id: villageId, name: n, place: String(place ?? '').trim() || null, shift_plan: defaultPlan(), deleted: false });
    touched();
    return id;
  },
  checkpoint_today: async ({ checkpoint }) => {
    await seeded();
    const cp = checkpointOf(checkpoint);
    const at = now();
    const today = dayEntries(cp.id, ymd(at));
    const counts = countEntries(today);
    const plan = cp.shift_plan;
    const { date, index } = await shiftOn(plan, at);
    const last = state.shifts
      .filter((s) => s.checkpoint_id === cp.id && s.signed_out_at)
      .sort((a, b) => (a.signed_out_at < b.signed_out_at ? 1 : -1))[0];
    return {
      date: ymd(at),
      counts,
      shift: {
        date,
        index,
        start: plan.shifts[index].start,
        end: plan.shifts[index].end,
        staff_needed: plan.staff_per_shift,
        signed_in: publicShift(signedIn(cp.id, date, index)),
      },
      last_handover: publicShift(last),
      recent: today.slice(-20).reverse().map(publicEntry).map(masked),
    };
  },
  entries: async ({ checkpoint, date }) => {
    await seeded();
    const cp = checkpointOf(checkpoint);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date ?? '').trim())) throw new Invalid('date', `日期“${date}”应为 YYYY-MM-DD`);
    return dayEntries(cp.id, String(date).trim()).map(publicEntry).map(masked);
  },
  match_residents: async ({ checkpoint, query, limit }) => {
    const cp = checkpointOf(checkpoint);
    const found = search(query, 100000)
      .filter((h) => h.village_id === cp.village_id)
      .slice(0, Math.min(limit || 8, 50));
    const hits = await Promise.all(found.map(async (h) => ({ ...h, isolation: await isolationOf(h.person_id) })));
    const id = String(query ?? '').replace(/\s/g, '').toUpperCase();
    const listed = hits.some((h) => h.id_number === id) ? null : await listedOf(id, cp.village_id);
    if (listed) {
      hits.unshift({ person_id: '', household_id: '', village_id: '', name: '', id_number: id, phone: null, plate: null, address: '', matched: 'control', isolation: listed });
    }
    return shownHits(cp, query, hits);
  },
  // As the store's: what is known of the form is judged (no identity needed); a valid ID
  // number brings the person and their control state, shown but not judged (see record).
  preview_entry: async ({ form: picked }) => {
    const cp = checkpointOf(picked.checkpoint);
    const form = withResident(picked, cp);
    const id = await fake.commands.check_field({ field: 'id_number', value: form.id_number ?? '' });
    const idNumber = id.ok ? id.normalized : null;
    const person = form.person_id
      ? fake.state.persons.get(form.person_id)
      : idNumber
        ? [...fake.state.persons.values()].find((p) => {
            const h = fake.state.households.get(p.household_id);
            return !p.deleted && p.id_number === idNumber && h && h.village_id === cp.village_id;
          })
        : null;
    const isolation = idNumber ? await controlOf(idNumber, cp.village_id) : null;
    const s = (await judge(form, null, localAt(now()))) ?? { decision: null, reasons: [], needs_note: [], fever: false };
    return { ...s, person_id: person ? person.id : null, isolation };
  },
  add_entry: async ({ form }) => {
    await seeded();
    const { entry, suggestion } = await record(form, now());
    touched();
    return { entry_id: entry.id, decision: entry.decision, suggested: suggestion.decision, reasons: suggestion.reasons, person_id: entry.person_id };
  },
});
