// The browser tests lean on the fake backend: check that it keeps the contract's shapes and
// the domain's ID rules, so a passing browser test means something.
import { beforeAll, describe, expect, it } from 'vitest';
import { runGridbook } from '../fake/cli.mjs';

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let invoke: Invoke;
let fake: any; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  (globalThis as any).window = globalThis; // eslint-disable-line @typescript-eslint/no-explicit-any
  (globalThis as any).__FAKE_OPTS = { households: 60, delay: 0 }; // eslint-disable-line @typescript-eslint/no-explicit-any
  // The fake asks the store's field checks of the gridbook command line.
  (globalThis as any).__gridbook = runGridbook; // eslint-disable-line @typescript-eslint/no-explicit-any
  await import('../fake/backend/index.js');
  invoke = (globalThis as any).__TAURI_INTERNALS__.invoke; // eslint-disable-line @typescript-eslint/no-explicit-any
  fake = (globalThis as any).__fake; // eslint-disable-line @typescript-eslint/no-explicit-any
});

describe('fake backend', () => {
  it('checks ID numbers with the store validator (GB 11643 check characters)', async () => {
    expect(await fake.checkIdNumber('15058119850615001x')).toEqual({ ok: true, normalized: '15058119850615001X' });
    expect(await fake.checkIdNumber('150581 19580307 0020')).toEqual({ ok: true, normalized: '150581195803070020' });
    expect((await fake.checkIdNumber('150581195803070021')).ok).toBe(false);
    expect((await fake.checkIdNumber('150581195802300020')).message).toContain('出生日期');
    expect((await fake.checkIdNumber('15058119850615001')).message).toContain('18位');
    expect((await fake.checkIdNumber('12345')).message).toContain('无法识别');
    // The form's check on blur gets the store's FieldCheck.
    const refused = await invoke('check_field', { field: 'id_number', value: '150581195803070021' });
    expect(refused).toMatchObject({ ok: false, field: 'id_number' });
    expect(refused.message).toContain('校验不通过');
  });

  it('generates demo ID numbers that the store validator accepts', async () => {
    const ids = [fake.makeValidId('1985-06-15', true), fake.makeValidId('2001-02-28', false)];
    for (const id of ids) expect(await fake.checkIdNumber(id)).toEqual({ ok: true, normalized: id });
  });

  it('finds people by pinyin initials, ID tail, phone and plate', async () => {
    expect((await invoke('search_persons', { query: 'wxy', limit: 10 })).map((h: any) => h.name)).toContain('王秀英'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const byId = await invoke('search_persons', { query: '001X', limit: 10 });
    expect(byId.find((h: any) => h.name === '李明').matched).toBe('id'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const byPlate = await invoke('search_persons', { query: 'g12345', limit: 10 });
    expect(byPlate[0]).toMatchObject({ name: '李明', matched: 'plate' });
  });

  it('sends lists with ID numbers and phones masked, as the backend does', async () => {
    const hits = JSON.stringify(await invoke('search_persons', { query: '13812345678', limit: 10 }));
    expect(hits).toContain('150581********0020');
    expect(hits).toContain('138****5678');
    expect(hits).not.toContain('150581195803070020');
    expect(hits).not.toContain('13812345678');
    const page = JSON.stringify(await invoke('list_households', { offset: 0, limit: 500 }));
    expect(page).toContain('047****2653');
    expect(page).not.toContain('0475-8912653');
  });

  it('rejects a bad ID with a Chinese message on its field and adds nothing', async () => {
    const before = (await invoke('app_status')).households;
    await expect(
      invoke('add_household', {
        input: { villageId: 'v-hongxing', address: '红星村1组99号', head: { name: '赵一', idNumber: '150581195803070021', tags: [], vulnerable: [] } },
      }),
    ).rejects.toMatchObject({ kind: 'invalid', field: 'id_number' });
    expect((await invoke('app_status')).households).toBe(before);
  });

  it('applies +/- tag edits and records history', async () => {
    await invoke('set_person', { id: 'p-wang', edits: [['tags', '+close-contact'], ['tags', '+red-code'], ['tags', '-close-contact']] });
    const d = await invoke('household_detail', { id: 'h-wang' });
    expect(d.residents.find((p: any) => p.id === 'p-wang').tags).toEqual(['red-code']); // eslint-disable-line @typescript-eslint/no-explicit-any
    const h = await invoke('record_history', { id: 'p-wang' });
    expect(h[h.length - 1]).toMatchObject({ field: 'tags', new: ['red-code'] });
  });

  it('emits sync-status through the Tauri event plugin protocol', async () => {
    const got: unknown[] = [];
    const internals = (globalThis as any).__TAURI_INTERNALS__; // eslint-disable-line @typescript-eslint/no-explicit-any
    const handler = internals.transformCallback((e: { payload: unknown }) => got.push(e.payload));
    await invoke('plugin:event|listen', { event: 'sync-status', target: { kind: 'Any' }, handler });
    fake.emit('sync-status', { state: 'offline', unsynced: 9, last_sync: null });
    expect(got).toEqual([{ state: 'offline', unsynced: 9, last_sync: null }]);
  });
});
