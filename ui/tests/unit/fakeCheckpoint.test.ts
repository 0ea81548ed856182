// The checkpoint fake behind the browser tests keeps the contract of the pass, rules and shift
// plan commands: shapes, fields and Chinese messages, and QR codes that really decode.
import jsQR from 'jsqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGridbook } from '../fake/cli.mjs';

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let invoke: Invoke;
let fake: any; // eslint-disable-line @typescript-eslint/no-explicit-any
const g = globalThis as any; // eslint-disable-line @typescript-eslint/no-explicit-any

const pad = (n: number) => String(n).padStart(2, '0');
const local = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const TODAY = local(new Date()).slice(0, 10);

beforeAll(async () => {
  g.window = globalThis;
  g.__FAKE_OPTS = { households: 60, delay: 0, now: `${TODAY}T10:00`, demoPass: '2345678Z' };
  // The fake asks the real rules, through the gridbook command line.
  g.__gridbook = runGridbook;
  await import('../fake/backend/index.js');
  await import('../fake/checkpoint/index.js');
  invoke = g.__TAURI_INTERNALS__.invoke;
  fake = g.__fake;
});

/** Draws the SVG's dark squares into RGBA pixels and decodes them like the camera would. */
function decodeSvg(svg: string): string | null {
  const side = Number(/width="(\d+)"/.exec(svg)?.[1]);
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [x0, y0, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = y0; y < y0 + c; y++) {
      for (let x = x0; x < x0 + c; x++) {
        const i = (y * side + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return jsQR(data, side, side)?.data ?? null;
}

describe('fake passes', () => {
  it('issues a pass with the contract shape and lists it newest first', async () => {
    const row = await invoke('issue_pass', { household: 'h-wang', from: `${TODAY}T12:00`, to: `${TODAY}T20:00` });
    expect(row).toMatchObject({
      household_id: 'h-wang',
      valid_from: `${TODAY}T12:00:00`,
      valid_to: `${TODAY}T20:00:00`,
      payload: `GRIDBOOK-PASS:${row.number}`,
      uses: [],
    });
    expect(row.number).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
    expect(typeof row.issued_by).toBe('string');
    const list = await invoke('passes', { household: 'h-wang' });
    expect(list.map((p: { number: string }) => p.number)).toEqual([row.number, '2345678Z']);
  });

  it('refuses bad windows on their field, in Chinese', async () => {
    await expect(invoke('issue_pass', { household: 'h-wang', from: `${TODAY} 12点`, to: `${TODAY}T20:00` })).rejects.toEqual(
      expect.objectContaining({ kind: 'invalid', field: 'valid_from', message: `时间“${TODAY} 12点”应为 YYYY-MM-DDTHH:MM` }),
    );
    await expect(invoke('issue_pass', { household: 'h-wang', from: `${TODAY}T12:00`, to: `${TODAY}T25:00` })).rejects.toMatchObject({
      field: 'valid_to',
    });
    await expect(invoke('issue_pass', { household: 'h-wang', from: `${TODAY}T12:00`, to: `${TODAY}T12:00` })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'valid_to',
    });
    await expect(invoke('issue_pass', { household: 'h-wang', from: '2024-05-01T12:00', to: '2024-05-02T12:01' })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'valid_to',
      message: '通行证时段最长24小时，更长请分次发放',
    });
    await expect(invoke('issue_pass', { household: 'h-nobody', from: `${TODAY}T12:00`, to: `${TODAY}T20:00` })).rejects.toMatchObject({
      kind: 'not_found',
    });
  });

  it('makes a QR code that decodes to the payload', async () => {
    const svg: string = await invoke('pass_qr', { number: '2345678Z' });
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toMatch(/<svg[^>]*>[\s\S]*<\/svg>$/);
    expect(decodeSvg(svg)).toBe('GRIDBOOK-PASS:2345678Z');
    await expect(invoke('pass_qr', { number: '2345679Z' })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('takes the payload wherever a pass number goes, and records the checkpoint of a use', async () => {
    await expect(invoke('check_pass', { number: 'gridbook-pass:2345678z', direction: 'out', idNumber: '150581195803070020' })).resolves.toBeNull();
    const form = {
      checkpoint: 'cp-hongxing', direction: 'out', name: '王秀英', id_number: '150581195803070020', phone: '', plate: '',
      temp: '36.5', code: 'green', travel: '', hukou: '', residence: '', purpose: '', areas: [], pass: 'GRIDBOOK-PASS:2345678Z',
    };
    const r = await invoke('add_entry', { form });
    const pass = (await invoke('passes', { household: 'h-wang' })).find((p: { number: string }) => p.number === '2345678Z');
    expect(pass.uses).toEqual([{ at: expect.any(String), direction: 'out', checkpoint_id: 'cp-hongxing', entry_id: r.entry_id }]);
    await expect(invoke('check_pass', { number: 'GRIDBOOK-PASS:2345678Z', direction: 'out', idNumber: '150581195803070020' })).rejects.toMatchObject({
      kind: 'refused',
      code: 'already-used',
    });
  });
});

describe('fake rules', () => {
  it('saves rules and refuses bad ones on their field', async () => {
    const rules = await invoke('rules');
    const next = { ...rules, yellow_decision: 'observe', risk_areas: [...rules.risk_areas, { name: '大连市', level: 'medium', since: TODAY }] };
    const saved = await invoke('set_rules', { rules: next });
    expect(saved.risk_areas.at(-1)).toEqual({ name: '大连市', level: 'medium', since: TODAY });
    expect((await invoke('rules')).yellow_decision).toBe('observe');
    await expect(invoke('set_rules', { rules: { ...saved, fever_tenths: 390 } })).rejects.toEqual(
      expect.objectContaining({ kind: 'invalid', field: 'fever_tenths', message: '发热标准应在37.0–38.5℃之间' }),
    );
    const dup = { ...saved, risk_areas: [...saved.risk_areas, { name: '大连市', level: 'high', since: TODAY }] };
    await expect(invoke('set_rules', { rules: dup })).rejects.toEqual(
      expect.objectContaining({ kind: 'invalid', field: 'risk_areas', message: '风险地区“大连市”重复' }),
    );
    const short = { ...saved, risk_areas: [{ name: '连', level: 'high', since: TODAY }] };
    await expect(invoke('set_rules', { rules: short })).rejects.toMatchObject({ field: 'risk_areas', message: '第1个风险地区名称应为2–50个字' });
    // A failed save changes nothing.
    expect((await invoke('rules')).risk_areas).toEqual(saved.risk_areas);
  });
});

describe('fake shift plans', () => {
  it('lists the default plan and follows a new one in checkpoint_today', async () => {
    const [cp] = await invoke('checkpoints');
    expect(cp.shift_plan).toEqual({
      shifts: [
        { start: '00:00', end: '08:00' },
        { start: '08:00', end: '16:00' },
        { start: '16:00', end: '00:00' },
      ],
      staff_per_shift: 2,
    });
    expect((await invoke('checkpoint_today', { checkpoint: cp.id })).shift).toMatchObject({ start: '08:00', end: '16:00', index: 1, staff_needed: 2 });
    const four = [['00:00', '06:00'], ['06:00', '12:00'], ['12:00', '18:00'], ['18:00', '00:00']].map(([start, end]) => ({ start, end }));
    const saved = await invoke('set_shift_plan', { checkpoint: cp.id, shifts: four, staffPerShift: 3 });
    expect(saved.shift_plan).toEqual({ shifts: four, staff_per_shift: 3 });
    expect((await invoke('checkpoint_today', { checkpoint: cp.id })).shift).toMatchObject({ start: '06:00', end: '12:00', index: 1, staff_needed: 3 });
  });

  it('refuses a plan with a gap, one that is not 24 hours, and bad staff counts', async () => {
    const gap = [{ start: '00:00', end: '09:00' }, { start: '08:00', end: '16:00' }, { start: '16:00', end: '00:00' }];
    await expect(invoke('set_shift_plan', { checkpoint: 'cp-hongxing', shifts: gap, staffPerShift: 2 })).rejects.toEqual(
      expect.objectContaining({ kind: 'invalid', field: 'shifts', message: '第1班09:00结束，下一班08:00开始，班次须连续、无空档无重叠' }),
    );
    const twice = [{ start: '00:00', end: '16:00' }, { start: '16:00', end: '08:00' }, { start: '08:00', end: '00:00' }];
    await expect(invoke('set_shift_plan', { checkpoint: 'cp-hongxing', shifts: twice, staffPerShift: 2 })).rejects.toMatchObject({
      field: 'shifts',
      message: '班次合计应为24小时',
    });
    await expect(invoke('set_shift_plan', { checkpoint: 'cp-hongxing', shifts: gap, staffPerShift: 0 })).rejects.toMatchObject({
      field: 'staff_per_shift',
      message: '每班人数应为1–20人',
    });
    await expect(invoke('set_shift_plan', { checkpoint: 'cp-gone', shifts: gap, staffPerShift: 2 })).rejects.toMatchObject({ kind: 'not_found' });
    expect(fake.checkpoint.state.checkpoints[0].shift_plan.shifts).toHaveLength(4);
  });
});
