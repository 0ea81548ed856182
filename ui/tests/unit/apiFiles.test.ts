import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const save = vi.fn();
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ save: (...a: unknown[]) => save(...a) }));

const { api } = await import('../../src/api');

describe('api: devices, enrollment codes, files', () => {
  beforeEach(() => invoke.mockReset());

  it('calls the device and enrollment commands with camelCase args', async () => {
    invoke.mockResolvedValue(null);
    await api.enrollCode('https://r.example', 'ABCD-EFGH');
    expect(invoke).toHaveBeenLastCalledWith('enroll_code', { relayUrl: 'https://r.example', code: 'ABCD-EFGH' });
    await api.devicesList();
    expect(invoke).toHaveBeenLastCalledWith('devices_list', undefined);
    await api.deviceAdd('村医手机', 'doctor', 'v1');
    expect(invoke).toHaveBeenLastCalledWith('device_add', { name: '村医手机', role: 'doctor', village: 'v1' });
    await api.deviceRevoke('d1');
    expect(invoke).toHaveBeenLastCalledWith('device_revoke', { deviceId: 'd1' });
  });

  it('adds and renames villages and groups, and reads the log of exports', async () => {
    invoke.mockResolvedValue(null);
    await api.villageAdd('桂花村');
    expect(invoke).toHaveBeenLastCalledWith('village_add', { name: '桂花村' });
    await api.villageRename('v1', '红星社区');
    expect(invoke).toHaveBeenLastCalledWith('village_rename', { id: 'v1', name: '红星社区' });
    await api.groupAdd('v1', '6组');
    expect(invoke).toHaveBeenLastCalledWith('group_add', { villageId: 'v1', name: '6组' });
    await api.groupRename('g1', '一组');
    expect(invoke).toHaveBeenLastCalledWith('group_rename', { id: 'g1', name: '一组' });
    await api.exportsLog(100);
    expect(invoke).toHaveBeenLastCalledWith('exports_log', { limit: 100 });
  });

  it('asks the dialog plugin for a path, then writes the file', async () => {
    save.mockResolvedValueOnce('/home/u/台账.xlsx');
    expect(await api.saveDialog('台账.xlsx', 'Excel', ['xlsx'])).toBe('/home/u/台账.xlsx');
    expect(save).toHaveBeenLastCalledWith({ defaultPath: '台账.xlsx', filters: [{ name: 'Excel', extensions: ['xlsx'] }] });
    save.mockResolvedValueOnce(null);
    expect(await api.saveDialog('x.pdf', 'PDF', ['pdf'])).toBeNull();
    save.mockRejectedValueOnce('dialog failed');
    await expect(api.saveDialog('x.pdf', 'PDF', ['pdf'])).rejects.toEqual({ kind: 'internal', message: 'dialog failed' });
    invoke.mockResolvedValue({ rows: 3, path: '/p.csv', full_ids: false });
    await api.exportFile({ kind: 'ledger', format: 'csv', out: '/p.csv', fullIds: false });
    expect(invoke).toHaveBeenLastCalledWith('export_file', { form: { kind: 'ledger', format: 'csv', out: '/p.csv', fullIds: false } });
    await api.printCertificate('case-1', '/c.pdf');
    expect(invoke).toHaveBeenLastCalledWith('print_certificate', { caseId: 'case-1', out: '/c.pdf' });
    invoke.mockRejectedValueOnce({ kind: 'refused', message: '管控对象尚未解除' });
    await expect(api.printNotice('case-1', '/n.pdf')).rejects.toEqual({ kind: 'refused', message: '管控对象尚未解除' });
  });
});
