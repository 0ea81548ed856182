import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus } from '../../src/types';

const status: AppStatus = {
  device_name: 'd',
  township_id: 't',
  township_name: '本镇',
  enrolled: true,
  relay_url: 'https://r',
  households: 1,
  persons: 2,
  unsynced: 5,
  last_sync: '2024-05-01T08:00:00Z',
  online: true,
  syncing: false,
  under_follow_up: 0,
  role: null,
  village_id: null,
  writes: ['grid', 'ledger', 'care', 'gate', 'entries', 'reports'],
  refused: 0,
  today: '2024-05-01',
  now: '2024-05-01T16:00:00',
};
const appStatus = vi.fn(async () => ({ ...status }));
vi.mock('../../src/api', () => ({
  api: { appStatus: () => appStatus(), listConflicts: async () => [], villages: async () => [] },
  onSyncStatus: async () => () => {},
}));
const { applySyncEvent, canWrite, noteBackendNow, nowLocal, refreshStatus, store, syncFromStatus } = await import('../../src/store');

describe('sync state', () => {
  beforeEach(async () => {
    appStatus.mockClear();
    await refreshStatus();
  });

  it('derives the bar state from app_status', () => {
    expect(syncFromStatus({ ...status, enrolled: false }).state).toBe('not_enrolled');
    expect(syncFromStatus({ ...status, syncing: true }).state).toBe('syncing');
    expect(syncFromStatus({ ...status, online: false }).state).toBe('offline');
    expect(syncFromStatus(status)).toEqual({ state: 'idle', unsynced: 5, last_sync: '2024-05-01T08:00:00Z', message: null, message_en: null });
  });

  it('follows events, keeps the last sync time, refreshes when a sync finishes', async () => {
    const v = store.dataVersion;
    applySyncEvent({ state: 'syncing', unsynced: 5, last_sync: null, message: null, message_en: null });
    expect(store.sync.state).toBe('syncing');
    expect(store.sync.last_sync).toBe('2024-05-01T08:00:00Z');
    expect(store.dataVersion).toBe(v);
    applySyncEvent({ state: 'idle', unsynced: 0, last_sync: '2024-05-02T08:00:00Z', message: null, message_en: null });
    expect(store.sync).toEqual({ state: 'idle', unsynced: 0, last_sync: '2024-05-02T08:00:00Z', message: null, message_en: null });
    expect(store.status?.unsynced).toBe(0);
    expect(store.dataVersion).toBe(v + 1);
    expect(appStatus).toHaveBeenCalledTimes(2);
  });

  it('keeps an error message until the next sync', async () => {
    applySyncEvent({ state: 'error', unsynced: 5, last_sync: null, message: '中继拒绝连接', message_en: 'the relay refused the connection' });
    await refreshStatus();
    expect(store.sync.state).toBe('error');
    expect(store.sync.message).toBe('中继拒绝连接');
  });
});

describe('the deployment clock', () => {
  it('keeps the backend now when the device clock is set to another zone', () => {
    // The device reads 06:06 (its zone is 8 hours behind); the backend says 14:06.
    const device = new Date(2026, 10, 23, 6, 6, 0);
    noteBackendNow('2026-11-23T14:06:00', device);
    expect(nowLocal(device)).toBe('2026-11-23T14:06');
    // It runs on with the device's clock, and crosses midnight on the deployment's date.
    expect(nowLocal(new Date(2026, 10, 23, 16, 30, 0))).toBe('2026-11-24T00:30');
  });

  it('ignores a missing or malformed now and follows the latest', () => {
    const device = new Date(2026, 10, 23, 6, 6, 0);
    noteBackendNow('2026-11-23T06:06:00', device);
    noteBackendNow(undefined, device);
    noteBackendNow('14:06', device);
    expect(nowLocal(device)).toBe('2026-11-23T06:06');
  });

  it('is read from app_status', async () => {
    appStatus.mockImplementationOnce(async () => ({ ...status, now: '2030-01-02T03:04:05' }));
    await refreshStatus();
    expect(nowLocal().slice(0, 13)).toBe('2030-01-02T03');
  });
});

describe('what the role may write', () => {
  it('follows the kinds the backend names (all of them before enrollment)', async () => {
    appStatus.mockResolvedValueOnce({ ...status, writes: ['gate', 'entries'] });
    await refreshStatus();
    expect([canWrite('gate'), canWrite('entries'), canWrite('ledger'), canWrite('grid')]).toEqual([true, true, false, false]);
    appStatus.mockResolvedValueOnce({ ...status });
    await refreshStatus();
    expect(canWrite('grid')).toBe(true);
  });
});
