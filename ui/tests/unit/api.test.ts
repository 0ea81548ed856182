import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listen = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...a: unknown[]) => listen(...a) }));

const { api, onSyncStatus, toApiError } = await import('../../src/api');
const { i18n } = await import('../../src/i18n');

describe('api wrapper', () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
  });

  it('calls the snake_case commands with camelCase args', async () => {
    invoke.mockResolvedValue({ total: 0, rows: [] });
    await api.listHouseholds(200, 100, 'v1');
    expect(invoke).toHaveBeenLastCalledWith('list_households', { villageId: 'v1', offset: 200, limit: 100 });
    await api.listHouseholds(0, 100);
    expect(invoke).toHaveBeenLastCalledWith('list_households', { offset: 0, limit: 100 });
    await api.listHouseholds(0, 100, 'v1', 'g1');
    expect(invoke).toHaveBeenLastCalledWith('list_households', { villageId: 'v1', groupId: 'g1', offset: 0, limit: 100 });
    invoke.mockResolvedValue(null);
    await api.resolveConflict('p1', 'phone', '139');
    expect(invoke).toHaveBeenLastCalledWith('resolve_conflict', { recordId: 'p1', field: 'phone', value: '139' });
    await api.setPerson('p1', [['tags', '+close-contact']]);
    expect(invoke).toHaveBeenLastCalledWith('set_person', { id: 'p1', edits: [['tags', '+close-contact']] });
    await api.addPerson('h1', { name: 'a', idNumber: 'b', tags: [], vulnerable: [] });
    expect(invoke).toHaveBeenLastCalledWith('add_person', { householdId: 'h1', person: { name: 'a', idNumber: 'b', tags: [], vulnerable: [] } });
    await api.coverage(7);
    expect(invoke).toHaveBeenLastCalledWith('coverage', { days: 7 });
    await api.coverage(7, 'v1', 'g1');
    expect(invoke).toHaveBeenLastCalledWith('coverage', { days: 7, villageId: 'v1', groupId: 'g1' });
    await api.cases(undefined, 'g1');
    expect(invoke).toHaveBeenLastCalledWith('cases', { groupId: 'g1' });
    await api.cases('escalated');
    expect(invoke).toHaveBeenLastCalledWith('cases', { status: 'escalated' });
    await api.enroll('https://r', 'tok');
    expect(invoke).toHaveBeenLastCalledWith('enroll', { relayUrl: 'https://r', token: 'tok' });
    await api.appStatus();
    expect(invoke).toHaveBeenLastCalledWith('app_status', undefined);
  });

  it('calls the pass, rules and shift plan commands with the contract args', async () => {
    invoke.mockResolvedValue(null);
    await api.issuePass('h1', '2024-05-01T10:00', '2024-05-02T10:00');
    expect(invoke).toHaveBeenLastCalledWith('issue_pass', { household: 'h1', from: '2024-05-01T10:00', to: '2024-05-02T10:00' });
    await api.passes('h1');
    expect(invoke).toHaveBeenLastCalledWith('passes', { household: 'h1' });
    await api.passQr('56AR2Q2T');
    expect(invoke).toHaveBeenLastCalledWith('pass_qr', { number: '56AR2Q2T' });
    const rules = {
      fever_tenths: 373,
      fever_decision: 'observe' as const,
      yellow_decision: 'turn-back' as const,
      red_decision: 'observe' as const,
      medium_risk_decision: 'observe' as const,
      high_risk_decision: 'observe' as const,
      risk_areas: [],
      isolation_out_decision: 'turn-back' as const,
      referral_decision: 'observe' as const,
      monitoring_out_decision: 'turn-back' as const,
      monitoring_allowed_purposes: ['就医', '核酸'],
    };
    await api.setRules(rules);
    expect(invoke).toHaveBeenLastCalledWith('set_rules', { rules });
    await api.setShiftPlan('cp1', [{ start: '00:00', end: '00:00' }], 2);
    expect(invoke).toHaveBeenLastCalledWith('set_shift_plan', { checkpoint: 'cp1', shifts: [{ start: '00:00', end: '00:00' }], staffPerShift: 2 });
  });

  it('rejects with the {kind, message, field} shape', async () => {
    invoke.mockRejectedValue({ kind: 'invalid', field: 'id_number', message: '身份证号校验位不正确' });
    await expect(api.checkField('id_number', '1')).rejects.toEqual({
      kind: 'invalid',
      field: 'id_number',
      message: '身份证号校验位不正确',
    });
    invoke.mockRejectedValue('command foo not found');
    await expect(api.appStatus()).rejects.toEqual({ kind: 'internal', message: 'command foo not found' });
  });

  it('normalizes odd errors', () => {
    expect(toApiError({ message: 'x' })).toEqual({ kind: 'internal', message: 'x' });
    expect(toApiError(42)).toEqual({ kind: 'internal', message: '42' });
  });

  it('delivers sync-status payloads and can unsubscribe', async () => {
    const un = vi.fn();
    let handler: (e: { payload: unknown }) => void = () => {};
    listen.mockImplementation(async (event: string, h: typeof handler) => {
      expect(event).toBe('sync-status');
      handler = h;
      return un;
    });
    const got: unknown[] = [];
    const stop = await onSyncStatus((s) => got.push(s));
    handler({ payload: { state: 'syncing', unsynced: 4, last_sync: null } });
    expect(got).toEqual([{ state: 'syncing', unsynced: 4, last_sync: null }]);
    stop();
    expect(un).toHaveBeenCalled();
  });

  it('shows the backend message in the language of the screen', () => {
    const e = { kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' };
    expect(toApiError(e)).toEqual({ kind: 'not_found', code: 'pass', message: '找不到该通行证' });
    i18n.global.locale.value = 'en';
    try {
      expect(toApiError(e).message).toBe('The pass was not found');
      // An error without an English text keeps the Chinese one rather than showing nothing.
      expect(toApiError({ kind: 'internal', message: '内部错误' }).message).toBe('内部错误');
    } finally {
      i18n.global.locale.value = 'zh-CN';
    }
  });
});
