// The checkpoint fake's demo data: two risk areas, and at the first village's checkpoint, a
// shift with its handover and a few entries yesterday, entries in the last hour today, and a
// pass of the 王 household. The entries are judged by the real rules (./judge.js), so they are recorded on the
// first checkpoint command, when the page's command line is surely there; without one
// (`npm run dev`) there are none.
import { ymd } from '../../../src/logic/time';
import { record } from './entries.js';
import { seedPass } from './passes.js';
import { clock, DAY, fake, HOUR, localAt, MINUTE, onSeed, opts, pick, state, uuid } from './state.js';

const t0 = clock();

// The risk areas the demo township has set on top of the work plan's rules, which list none.
state.demoAreas = [
  { name: '满洲里市', level: 'high', since: ymd(new Date(t0 - 10 * DAY)) },
  { name: '呼和浩特市赛罕区', level: 'medium', since: ymd(new Date(t0 - 10 * DAY)) },
];

// Yesterday's day shift with its handover.
{
  const y = new Date(t0 - DAY);
  const yAt = (h, m) => new Date(y.getFullYear(), y.getMonth(), y.getDate(), h, m);
  state.shifts.push({ id: 'shift-y1', checkpoint_id: 'cp-hongxing', date: ymd(y), index: 2, staff: '刘洋,陈静', signed_in_at: localAt(yAt(15, 55)), signed_out_at: localAt(yAt(23, 58)), handover_note: '夜间无异常，测温枪已充电' });
}

/** The demo entries as [form, when, entry id, volunteer]: made here, in the order (and with the
 * random numbers) they always were, recorded on the first checkpoint command. */
function demoEntries() {
  const out = [];
  const wang = fake.state.persons.get('p-wang');
  const liming = fake.state.persons.get('p-liming');
  const visitor = (name, birth, male) => ({ name, id_number: fake.makeValidId(birth, male) });
  const people = [
    wang && { name: wang.name, id_number: wang.id_number, phone: wang.phone },
    liming && { name: liming.name, id_number: liming.id_number, phone: liming.phone, plate: liming.plate },
    visitor('赵志刚', '1979-04-12', true),
    visitor('孙丽', '1992-08-30', false),
    visitor('周海涛', '1986-01-05', true),
    visitor('吴春梅', '1968-12-19', false),
  ].filter(Boolean);
  const make = (i, extra) => {
    const p = people[i % people.length];
    return {
      checkpoint: 'cp-hongxing',
      direction: i % 3 === 1 ? 'out' : 'in',
      phone: '',
      plate: '',
      travel: '',
      hukou: '',
      residence: '',
      purpose: '',
      areas: [],
      temp: pick(['36.2', '36.4', '36.5', '36.6', '36.8']),
      code: 'green',
      ...p,
      ...extra,
    };
  };
  // Yesterday: a few entries.
  const y = new Date(t0 - DAY);
  const yAt = (h, m) => new Date(y.getFullYear(), y.getMonth(), y.getDate(), h, m);
  const yesterday = [[9, 12, {}], [10, 40, { code: 'yellow' }], [14, 5, {}], [18, 30, { temp: '37.6' }]];
  for (const [i, [h, m, extra]] of yesterday.entries()) {
    out.push([make(i + 2, extra), yAt(h, m), uuid('e'), h < 16 ? '王海' : '刘洋']);
  }
  // Today: the last hour or so, only after midnight.
  const midnight = new Date(t0);
  midnight.setHours(0, 0, 0, 0);
  for (let i = 0; i < opts.checkpointEntries; i++) {
    const at = new Date(t0 - (opts.checkpointEntries - i) * 9 * MINUTE);
    if (at < midnight) continue;
    out.push([make(i, i === 2 ? { code: 'yellow' } : {}), at, uuid('e'), null]);
  }
  return out;
}
const entries = demoEntries();
onSeed(async () => {
  try {
    for (const [form, at, id, volunteer] of entries) {
      const { entry } = await record(form, at, id);
      if (volunteer) entry.volunteer = volunteer;
    }
  } catch (e) {
    if (e?.kind !== 'unavailable') throw e;
  }
});

/** The number of the seeded pass of the 王 household, valid from an hour ago for six hours:
 * opts.demoPass (a valid number) or this one. */
export const demoPass = seedPass('h-wang', t0 - HOUR, t0 + 6 * HOUR, '王海', opts.demoPass || '7KQ4WXPP');
