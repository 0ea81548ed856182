import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  QUICK_TEMPS,
  chooseCheckpoint,
  codeKey,
  guessField,
  countEntries,
  countTiles,
  decisionColor,
  decisionTone,
  emptyEntry,
  entryFieldOf,
  entryPayload,
  entryTime,
  fillFromHit,
  previewKey,
  requiresNote,
  shiftDay,
  shiftLabel,
  splitStaff,
  staffText,
  tempTenths,
} from '../../src/logic/checkpoint';
import { maskId, maskPhone } from '../../src/logic/mask';
import type { EntryRow, SearchHit } from '../../src/types';
import { runGridbook } from '../fake/cli.mjs';

describe('quick temperatures', () => {
  it('are normal readings in rising order', () => {
    expect(QUICK_TEMPS[0]).toBe('36.0');
    expect(QUICK_TEMPS[QUICK_TEMPS.length - 1]).toBe('37.2');
    const tenths = QUICK_TEMPS.map((t) => tempTenths(t)!);
    expect(tenths).toEqual([...tenths].sort((a, b) => a - b));
    expect(QUICK_TEMPS.length % 4).toBe(0); // whole rows of four on a phone
  });

  it('reads temperatures as volunteers type them', () => {
    expect(tempTenths('36.5')).toBe(365);
    expect(tempTenths(' 37.3℃ ')).toBe(373);
    expect(tempTenths('３７．５')).toBe(375);
    expect(tempTenths('36,8')).toBe(368);
    expect(tempTenths('37')).toBe(370);
    expect(tempTenths('365')).toBeNull();
    expect(tempTenths('abc')).toBeNull();
    expect(tempTenths('')).toBeNull();
  });
});

describe('the entry form', () => {
  const hit: SearchHit = {
    person_id: 'p1',
    household_id: 'h1',
    village_id: 'v1',
    name: '王秀英',
    id_number: '150581195803070020',
    phone: '13812345678',
    plate: null,
    address: '红星村3组18号',
    matched: 'id',
  };

  it('starts empty, keeping the direction', () => {
    const f = emptyEntry('cp', 'out');
    expect(f.checkpoint).toBe('cp');
    expect(f.direction).toBe('out');
    expect(f.name + f.id_number + f.temp + f.code).toBe('');
    expect(emptyEntry('cp').direction).toBe('in');
  });

  it('a match fills name, ID, phone and plate and nothing else', () => {
    const f = { ...emptyEntry('cp'), temp: '36.5', plate: '蒙G99999' };
    const g = fillFromHit(f, hit);
    expect(g).toMatchObject({ name: '王秀英', id_number: '150581195803070020', phone: '13812345678', plate: '', temp: '36.5' });
    expect(f.name).toBe(''); // not mutated
  });

  it('previews again only when something the rules read changes', () => {
    const f = { ...fillFromHit(emptyEntry('cp'), hit), temp: '36.5', code: 'green' as const };
    expect(previewKey({ ...f, hukou: '红星村', residence: '红星村' })).toBe(previewKey(f));
    // Home health monitoring lets a person out for an allowed purpose.
    expect(previewKey({ ...f, purpose: '就医' })).not.toBe(previewKey(f));
    expect(previewKey({ ...f, areas: ['b', 'a'] })).toBe(previewKey({ ...f, areas: ['a', 'b'] }));
    expect(previewKey({ ...f, code: 'red' })).not.toBe(previewKey(f));
    expect(previewKey({ ...f, travel: '武汉' })).not.toBe(previewKey(f));
  });

  it('sends a decision only when it differs from the suggestion, and blanks as null', () => {
    const f = { ...emptyEntry('cp'), note: '  ', pass: ' ' };
    expect(entryPayload(f, 'allow', 'allow')).toMatchObject({ decision: null, note: null, pass: null });
    expect(entryPayload(f, 'allow', null).decision).toBeNull();
    const g = { ...f, note: ' 持阴性证明 ', pass: 'ABCD2345' };
    expect(entryPayload(g, 'observe', 'allow')).toMatchObject({ decision: 'allow', note: '持阴性证明', pass: 'ABCD2345' });
  });

  it('maps the backend field names onto the form', () => {
    expect(entryFieldOf('temperature')).toBe('temp');
    expect(entryFieldOf('health_code')).toBe('code');
    expect(entryFieldOf('pass_number')).toBe('pass');
    expect(entryFieldOf('hukou_place')).toBe('hukou');
    expect(entryFieldOf('declared_areas')).toBe('areas');
    expect(entryFieldOf('id_number')).toBe('id_number');
    expect(entryFieldOf('note')).toBe('note');
    expect(entryFieldOf('checkpoint')).toBeNull();
    expect(entryFieldOf(undefined)).toBeNull();
  });
});

describe('decisions', () => {
  it('a choice needs a note when the backend listed it with the suggestion', () => {
    const s = { decision: 'observe' as const, reasons: [], needsNote: ['allow' as const], fever: false };
    expect(requiresNote(s, 'allow')).toBe(true);
    expect(requiresNote(s, 'turn-back')).toBe(false);
    expect(requiresNote(null, 'allow')).toBe(false);
    expect(requiresNote(s, null)).toBe(false);
  });

  it('allow is green, turn back red, observe orange', () => {
    expect(decisionTone('allow')).toBe('success');
    expect(decisionTone('turn-back')).toBe('danger');
    expect(decisionTone('observe')).toBe('warning');
    expect(decisionColor('allow')).toBe('#1f8a4c');
    expect(decisionColor('turn-back')).toBe('#d93026');
    expect(decisionColor('observe')).toBe('#c27c0e');
  });
});

describe('counts and times', () => {
  const row = (direction: 'in' | 'out', decision: EntryRow['decision']) => ({ direction, decision }) as EntryRow;

  it('counts turned back and observed apart from in and out', () => {
    const c = countEntries([
      row('in', 'allow'),
      row('in', 'allow'),
      row('out', 'allow'),
      row('in', 'turn-back'),
      row('out', 'observe'),
      row('in', 'observe'),
    ]);
    expect(c).toEqual({ in: 2, out: 1, turned_back: 1, observed: 2, total: 6 });
    expect(countTiles(c)).toEqual([
      { key: 'in', n: 2, alert: false },
      { key: 'out', n: 1, alert: false },
      { key: 'turned_back', n: 1, alert: true },
      { key: 'observed', n: 2, alert: true },
    ]);
    expect(countTiles(countEntries([])).every((t) => t.n === 0 && !t.alert)).toBe(true);
  });

  it('shows entry times, shifts and staff the short way', () => {
    expect(entryTime('2022-11-20T08:05:00.000000000')).toBe('08:05');
    expect(shiftLabel({ start: '08:00', end: '16:00' })).toBe('08:00–16:00');
    expect(shiftLabel({ start: '16:00', end: '00:00' })).toBe('16:00–24:00');
    expect(splitStaff(' 王五，赵六、 孙七 ,, ')).toEqual(['王五', '赵六', '孙七']);
    expect(staffText('王五,赵六')).toBe('王五、赵六');
  });

  it('moves days across month ends', () => {
    expect(shiftDay('2022-11-30', 1)).toBe('2022-12-01');
    expect(shiftDay('2022-03-01', -1)).toBe('2022-02-28');
  });
});

describe('an unmatched search', () => {
  it('is kept as what it looks like', () => {
    expect(guessField('15058119900101123X')).toBe('id_number');
    expect(guessField('E12345678')).toBe('id_number');
    expect(guessField('139 1234 5678')).toBe('phone');
    expect(guessField('0475-8912653')).toBe('phone');
    expect(guessField('蒙G12345')).toBe('plate');
    expect(guessField('蒙GD12345')).toBe('plate');
    expect(guessField('欧阳晓燕')).toBe('name');
    expect(guessField('0020')).toBeNull();
    expect(guessField('wxy')).toBeNull();
    expect(codeKey('turn-back')).toBe('turn_back');
    expect(codeKey('health-code-red')).toBe('health_code_red');
  });
});

describe('the checkpoint of this device', () => {
  const list = [
    { id: 'a', village_id: 'v', name: '北口', place: null, shift_plan: { shifts: [], staff_per_shift: 2 } },
    { id: 'b', village_id: 'v', name: '南口', place: null, shift_plan: { shifts: [], staff_per_shift: 2 } },
  ];
  it('is the remembered one while it exists, else the first', () => {
    expect(chooseCheckpoint(list, 'b')?.id).toBe('b');
    expect(chooseCheckpoint(list, 'gone')?.id).toBe('a');
    expect(chooseCheckpoint(list, null)?.id).toBe('a');
    expect(chooseCheckpoint([], 'a')).toBeNull();
  });
});

// The browser tests lean on the fake checkpoint commands: check that they keep the backend's
// rules, messages and fields, so a passing browser test means something.
describe('fake checkpoint backend', () => {
  type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let invoke: Invoke;
  let fake: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const WANG = '150581195803070020';
  const form = (extra: Record<string, unknown>) => ({
    ...emptyEntry('cp-hongxing'),
    name: '王秀英',
    id_number: WANG,
    temp: '36.5',
    code: 'green',
    ...extra,
  });

  beforeAll(async () => {
    const g = globalThis as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    g.window = globalThis;
    g.__FAKE_OPTS = { households: 60, delay: 0, checkpointEntries: 0 };
    // The fake asks the real rules, through the gridbook command line.
    g.__gridbook = runGridbook;
    await import('../fake/backend/index.js');
    await import('../fake/checkpoint/index.js');
    invoke = g.__TAURI_INTERNALS__.invoke;
    fake = g.__fake;
  });

  it('has a demo checkpoint in the first village and matches its residents only', async () => {
    const cps = await invoke('checkpoints');
    expect(cps[0]).toMatchObject({ id: 'cp-hongxing', village_id: 'v-hongxing' });
    const hits = await invoke('match_residents', { checkpoint: 'cp-hongxing', query: '0020', limit: 8 });
    expect(hits.map((h: any) => h.name)).toContain('王秀英'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(hits.every((h: any) => h.village_id === 'v-hongxing')).toBe(true); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('decides by the default rules: fever and red observe, yellow turns back', async () => {
    const d = async (extra: Record<string, unknown>) => (await invoke('preview_entry', { form: form(extra) })).decision;
    expect(await d({})).toBe('allow');
    expect(await d({ code: 'yellow' })).toBe('turn-back');
    expect(await d({ code: 'red' })).toBe('observe');
    expect(await d({ temp: '37.3' })).toBe('observe');
    expect(await d({ temp: '37.2' })).toBe('allow');
    expect(await d({ travel: '上周去过满洲里' })).toBe('observe');
    expect(await d({ areas: ['呼和浩特市赛罕区'] })).toBe('observe');
  });

  it('refuses bad fields with Chinese messages on their field, and writes nothing', async () => {
    const before = (await invoke('checkpoint_today', { checkpoint: 'cp-hongxing' })).counts.total;
    for (const [extra, field] of [
      [{ id_number: '150581195803070021' }, 'id_number'],
      [{ temp: '45' }, 'temperature'],
      [{ code: '' }, 'health_code'],
      [{ phone: '12345' }, 'phone'],
      [{ name: '' }, 'name'],
      [{ code: 'red', decision: 'allow' }, 'note'],
      [{ pass: 'ABC' }, 'pass_number'],
    ] as const) {
      const err = await invoke('add_entry', { form: form(extra) }).catch((e) => e);
      expect(err, JSON.stringify(extra)).toMatchObject({ kind: 'invalid', field });
      expect(err.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await invoke('checkpoint_today', { checkpoint: 'cp-hongxing' })).counts.total).toBe(before);
  });

  it('records overrides, counts the day and refuses a pass used twice', async () => {
    const r = await invoke('add_entry', { form: form({ code: 'red', decision: 'allow', note: '持阴性证明' }) });
    expect(r).toMatchObject({ decision: 'allow', suggested: 'observe', person_id: 'p-wang' });
    const pass = fake.checkpoint.demoPass;
    await invoke('add_entry', { form: form({ direction: 'out', pass }) });
    const again = await invoke('add_entry', {
      form: form({ direction: 'out', name: '李建国', id_number: '150581195511120030', pass }),
    }).catch((e) => e);
    expect(again).toMatchObject({ kind: 'refused', code: 'already-used' });
    expect(again.message).toContain('每户每时段限一人');
    await expect(invoke('check_pass', { number: pass, direction: 'in', idNumber: WANG })).resolves.toBeNull();
    const day = await invoke('checkpoint_today', { checkpoint: 'cp-hongxing' });
    expect(day.counts).toMatchObject({ in: 1, out: 1, total: 2 });
    expect(day.recent[0].pass_number).toBe(pass);
    expect(day.recent[1]).toMatchObject({ overridden: true, note: '持阴性证明' });
  });

  it('signs a shift in and hands it over', async () => {
    // Mid-shift: a handover in a shift's first 30 minutes belongs to the shift before.
    const at = new Date();
    at.setHours(10, 0, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at);
    await expect(invoke('shift_start', { checkpoint: 'cp-hongxing', staff: [] })).rejects.toMatchObject({ field: 'staff' });
    const s = await invoke('shift_start', { checkpoint: 'cp-hongxing', staff: ['王五', '赵六'] });
    expect(s.staff).toBe('王五,赵六');
    let day = await invoke('checkpoint_today', { checkpoint: 'cp-hongxing' });
    expect(day.shift.signed_in.staff).toBe('王五,赵六');
    await expect(invoke('shift_handover', { checkpoint: 'cp-hongxing', note: ' ' })).rejects.toMatchObject({ field: 'note' });
    const h = await invoke('shift_handover', { checkpoint: 'cp-hongxing', note: '无异常' });
    expect(h.handover_note).toBe('无异常');
    day = await invoke('checkpoint_today', { checkpoint: 'cp-hongxing' });
    expect(day.last_handover.handover_note).toBe('无异常');
    vi.useRealTimers();
  });

  it("gives a volunteer the match masked and takes the resident's ID number from the ledger", async () => {
    const state = fake.state;
    const was = { role: state.role, village_id: state.village_id };
    Object.assign(state, { role: 'volunteer', village_id: 'v-hongxing' });
    try {
      const hits = await invoke('match_residents', { checkpoint: 'cp-hongxing', query: '0020', limit: 8 });
      const wang = hits.find((h: any) => h.person_id === 'p-wang'); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(wang).toMatchObject({ id_number: maskId(WANG), phone: maskPhone('13812345678') });
      expect(JSON.stringify(hits)).not.toContain(WANG);
      // The whole number typed is shown back as typed.
      const whole = await invoke('match_residents', { checkpoint: 'cp-hongxing', query: WANG, limit: 8 });
      expect(whole.find((h: any) => h.person_id === 'p-wang').id_number).toBe(WANG); // eslint-disable-line @typescript-eslint/no-explicit-any
      const picked = { ...fillFromHit(emptyEntry('cp-hongxing'), wang), temp: '36.5', code: 'green', direction: 'out' as const };
      const r = await invoke('add_entry', { form: picked });
      expect(r.person_id).toBe('p-wang');
      const saved = fake.checkpoint.state.entries.at(-1);
      expect(saved).toMatchObject({ person_id: 'p-wang', id_number: WANG, phone: '13812345678' });
      // Another village's person, or none at all: refused on the field, nothing written.
      const other = [...fake.state.persons.values()].find(
        (p: any) => !p.deleted && fake.state.households.get(p.household_id)?.village_id !== 'v-hongxing', // eslint-disable-line @typescript-eslint/no-explicit-any
      );
      const count = fake.checkpoint.state.entries.length;
      for (const person_id of [other.id, 'p-nobody']) {
        const err = await invoke('add_entry', { form: { ...picked, person_id } }).catch((e) => e);
        expect(err).toMatchObject({ kind: 'invalid', field: 'person_id' });
      }
      expect(fake.checkpoint.state.entries.length).toBe(count);
    } finally {
      Object.assign(state, was);
    }
  });
});
