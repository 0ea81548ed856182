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
};
const appStatus = vi.fn(async () => ({ ...status }));
vi.mock('../../src/api', () => ({
  api: { appStatus: () => appStatus(), listConflicts: async () => [], villages: async () => [] },
  onSyncStatus: async () => () => {},
}));
const { applySyncEvent, refreshStatus, store, syncFromStatus } = await import('../../src/store');

describe('sync state', () => {
  beforeEach(async () => {
    appStatus.mockClear();
    await refreshStatus();
  });

  it('derives the bar state from app_status', () => {
    expect(syncFromStatus({ ...status, enrolled: false }).state).toBe('not_enrolled');
    expect(syncFromStatus({ ...status, syncing: true }).state).toBe('syncing');
    expect(syncFromStatus({ ...status, online: false }).state).toBe('offline');
    expect(syncFromStatus(status)).toEqual({ state: 'idle', unsynced: 5, last_sync: '2024-05-01T08:00:00Z' });
  });

  it('follows events, keeps the last sync time, refreshes when a sync finishes', async () => {
    const v = store.dataVersion;
    applySyncEvent({ state: 'syncing', unsynced: 5, last_sync: null });
    expect(store.sync.state).toBe('syncing');
    expect(store.sync.last_sync).toBe('2024-05-01T08:00:00Z');
    expect(store.dataVersion).toBe(v);
    applySyncEvent({ state: 'idle', unsynced: 0, last_sync: '2024-05-02T08:00:00Z' });
    expect(store.sync).toEqual({ state: 'idle', unsynced: 0, last_sync: '2024-05-02T08:00:00Z' });
    expect(store.status?.unsynced).toBe(0);
    expect(store.dataVersion).toBe(v + 1);
    expect(appStatus).toHaveBeenCalledTimes(2);
  });

  it('keeps an error message until the next sync', async () => {
    applySyncEvent({ state: 'error', unsynced: 5, last_sync: null, message: '中继拒绝连接' });
    await refreshStatus();
    expect(store.sync.state).toBe('error');
    expect(store.sync.message).toBe('中继拒绝连接');
  });
});
