// App-wide state: status counters, the sync bar's state, villages, and a data version that
// lists watch to refetch after a write or a sync that brought changes.
import { reactive } from 'vue';
import { api, onSyncStatus } from './api';
import { shortName } from './logic/reports';
import type { AppStatus, SyncStatus, Village } from './types';

export const store = reactive({
  status: null as AppStatus | null,
  sync: { state: 'idle', unsynced: 0, last_sync: null } as SyncStatus,
  villages: [] as Village[],
  conflicts: 0,
  /** Bumped after every write and every finished sync. */
  dataVersion: 0,
  ready: false,
  fatal: '' as string,
});

export function syncFromStatus(s: AppStatus): SyncStatus {
  return {
    state: !s.enrolled ? 'not_enrolled' : s.syncing ? 'syncing' : !s.online ? 'offline' : 'idle',
    unsynced: s.unsynced,
    last_sync: s.last_sync,
    message: null,
    message_en: null,
  };
}

/** Deployment wall time minus the device's, in ms, from the last status (0 until known). */
let clockOffset = 0;

/** 'YYYY-MM-DDTHH:MM:SS' read as a wall time, in ms on the device's own zone's scale. */
function wallMs(at: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(at);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/** Keeps the offset between the deployment's clock (the backend's `now`) and the device's. */
export function noteBackendNow(now: string | null | undefined, device: Date = new Date()): void {
  const ms = now ? wallMs(now) : null;
  if (ms !== null) clockOffset = ms - device.getTime();
}

/**
 * Now at the deployment's local time, 'YYYY-MM-DDTHH:MM': what the backend would call now, even
 * on a device whose clock is set to another time zone.
 */
export function nowLocal(device: Date = new Date()): string {
  const d = new Date(device.getTime() + clockOffset);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function refreshStatus(): Promise<void> {
  const s = await api.appStatus();
  noteBackendNow(s.now);
  store.status = s;
  // An event carries fresher sync details (an error message) than app_status: keep them.
  const keepMessage = store.sync.state === 'error' && !s.syncing;
  const next = syncFromStatus(s);
  if (keepMessage && next.state !== 'not_enrolled') {
    store.sync = { ...store.sync, unsynced: s.unsynced, last_sync: s.last_sync };
  } else {
    store.sync = next;
  }
}

export async function refreshConflicts(): Promise<void> {
  store.conflicts = (await api.listConflicts()).length;
}

export async function refreshVillages(): Promise<void> {
  store.villages = await api.villages();
}

/** Today as the backend counts it (the deployment's local time), else the device's date. */
export function today(): string {
  if (store.status?.today) return store.status.today;
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function villageName(id: string | null | undefined): string {
  if (!id) return '';
  return store.villages.find((v) => v.id === id)?.name ?? id;
}

/**
 * What a list is narrowed to: a village's name, or "红星村 · 1组" for a group of it (the group's
 * name without the village's in front).
 */
export function unitName(villageId: string | null | undefined, groupId?: string | null): string {
  const village = villageName(villageId);
  if (!groupId) return village;
  const g = store.villages.find((v) => v.id === villageId)?.groups.find((x) => x.id === groupId);
  return `${village} · ${g ? shortName(g.name, village) : groupId}`;
}

/**
 * Whether this device may write documents of `kind` (grid, ledger, care, gate, entries,
 * reports), as its role allows; anything before the backend says.
 */
export function canWrite(kind: string): boolean {
  const w = store.status?.writes;
  return !w || w.includes(kind);
}

/** Call after any successful write. */
export function afterWrite(): void {
  store.dataVersion++;
  void refreshStatus().catch(() => {});
  void refreshConflicts().catch(() => {});
}

export function applySyncEvent(s: SyncStatus): void {
  const finished = store.sync.state === 'syncing' && s.state !== 'syncing';
  // A last sync time never goes back to "never": keep ours if an event leaves it out.
  store.sync = { ...s, last_sync: s.last_sync ?? store.sync.last_sync };
  if (store.status) {
    store.status.unsynced = s.unsynced;
    store.status.last_sync = store.sync.last_sync;
    store.status.syncing = s.state === 'syncing';
  }
  if (finished) {
    store.dataVersion++;
    void refreshStatus().catch(() => {});
    void refreshConflicts().catch(() => {});
    void refreshVillages().catch(() => {});
  }
}

export async function startStore(): Promise<void> {
  await onSyncStatus(applySyncEvent);
  const status = refreshStatus();
  // When the store could not be opened, app_status says why (in Chinese); the other calls
  // only fail. Report that reason whichever call failed first.
  await Promise.all([status, refreshVillages(), refreshConflicts()]).catch(async (e) => {
    await status;
    throw e;
  });
  store.ready = true;
}
