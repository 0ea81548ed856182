// Daily reports (日报告 / 零报告) and the township overview: status chips, the reminder's
// timing, figure labels and order, and the counts the township screen shows.
import type { Figures, ReportState, ReportStatusRow } from '../types';

/** The figures a report carries, in the order of the township's WeChat text. */
export const FIGURE_ORDER = [
  'registered_risk',
  'registered_tenants',
  'isolation_home_isolation',
  'isolation_centralized',
  'isolation_home_monitoring',
  'isolation_daily_monitoring',
  'cases_started',
  'cases_released',
  'checks_due',
  'checks_done',
  'checks_overdue',
  'checks_missed',
  'referrals',
  'tests_done',
  'tests_positive',
  'checkpoint_in',
  'checkpoint_out',
  'turned_back',
  'observed',
  'households_verified',
] as const;

/** From this time (local, HH:MM) a grid worker's home reminds them of a report not yet made. */
export const REMIND_FROM = '16:00';

/** The state of one unit's report from a `report_status` row. A late report is late, zero or not. */
export function reportState(row: Pick<ReportStatusRow, 'submitted_at' | 'late' | 'zero'>): ReportState {
  if (!row.submitted_at) return 'missing';
  if (row.late) return 'late';
  return row.zero ? 'zero' : 'submitted';
}

/** Vant tag type of a report state: in (green), zero (blue), late (orange), missing (red). */
export function chipType(state: ReportState): 'success' | 'primary' | 'warning' | 'danger' {
  switch (state) {
    case 'submitted':
      return 'success';
    case 'zero':
      return 'primary';
    case 'late':
      return 'warning';
    default:
      return 'danger';
  }
}

/** A group's name without its village's in front ("红星村1组" under 红星村 is "1组"). */
export function shortName(name: string, village: string | null | undefined): string {
  return village && name.startsWith(village) && name.length > village.length ? name.slice(village.length) : name;
}

/** 'HH:MM' of a local time written 'YYYY-MM-DDTHH:MM[:SS…]', 'YYYY-MM-DD HH:MM' or 'HH:MM'. */
export function clock(at: string | null | undefined): string {
  if (!at) return '';
  const m = /(?:^|[T ])(\d{2}):(\d{2})/.exec(at);
  return m ? `${m[1]}:${m[2]}` : '';
}

/**
 * The groups whose report of `today` the grid worker of `villageId` should be reminded of: none
 * before 16:00 (`now` is the deployment's local time, 'YYYY-MM-DDTHH:MM[:SS]') or on another
 * day, else their village's groups with no report yet.
 */
export function reminderGroups(
  now: string | null | undefined,
  today: string,
  villageId: string | null | undefined,
  rows: ReportStatusRow[],
): ReportStatusRow[] {
  if (!now || !villageId || now.slice(0, 10) !== today) return [];
  const time = clock(now);
  if (!time || time < REMIND_FROM) return [];
  return rows.filter((r) => r.level === 'group' && r.village_id === villageId && !r.submitted_at);
}

export interface StateCounts {
  submitted: number;
  zero: number;
  late: number;
  missing: number;
}

/** How many units of `level` are in (on time, or zero), late and missing. */
export function countStates(rows: ReportStatusRow[], level: ReportStatusRow['level']): StateCounts {
  const c: StateCounts = { submitted: 0, zero: 0, late: 0, missing: 0 };
  for (const r of rows) if (r.level === level) c[reportState(r)]++;
  return c;
}

export interface VillageReports {
  village_id: string;
  /** The village's own report row (missing when the backend listed none). */
  village: ReportStatusRow | null;
  groups: ReportStatusRow[];
}

/** The status rows by village, in `order` (village ids) first, groups in the backend's order. */
export function byVillage(rows: ReportStatusRow[], order: string[] = []): VillageReports[] {
  const map = new Map<string, VillageReports>();
  const get = (id: string) => {
    let v = map.get(id);
    if (!v) map.set(id, (v = { village_id: id, village: null, groups: [] }));
    return v;
  };
  for (const id of order) get(id);
  for (const r of rows) {
    const v = get(r.village_id);
    if (r.level === 'village') v.village = r;
    else v.groups.push(r);
  }
  return [...map.values()].filter((v) => v.village || v.groups.length);
}

/** The figure keys to show: the known ones in the text's order, then any other in name order. */
export function figureKeys(...maps: (Figures | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const m of maps) for (const k of Object.keys(m ?? {})) seen.add(k);
  const known: string[] = FIGURE_ORDER.filter((k) => seen.has(k));
  const other = [...seen].filter((k) => !(FIGURE_ORDER as readonly string[]).includes(k)).sort();
  return [...known, ...other];
}

/** The label of a figure key: its translation when there is one, else the key itself. */
export function figureLabel(t: (k: string) => string, has: (k: string) => boolean, key: string): string {
  const k = `reports.figure.${key}`;
  return has(k) ? t(k) : key;
}

/** A share 0..1 as a whole percentage ('87%'); '—' when not a number. */
export function percent(share: number | null | undefined): string {
  if (typeof share !== 'number' || !Number.isFinite(share)) return '—';
  return `${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`;
}

/**
 * The backend's figures as one flat map. Some figures are maps themselves (persons per
 * isolation kind, per risk tag): `isolation: {'home-isolation': 3}` becomes
 * `isolation_home_isolation: 3`, `registered_by_tag: {'close-contact': 1}` becomes
 * `tag_close_contact: 1`.
 */
export function flattenFigures(raw: unknown): Figures {
  const out: Figures = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'number') {
      out[k] = v;
    } else if (v && typeof v === 'object') {
      const prefix = k === 'registered_by_tag' ? 'tag' : k;
      for (const [sub, n] of Object.entries(v as Record<string, unknown>)) {
        if (typeof n === 'number') out[`${prefix}_${sub.replace(/-/g, '_')}`] = n;
      }
    }
  }
  return out;
}

/** A backend answer with every `figures` map in it flattened (see flattenFigures). */
export function withFlatFigures<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withFlatFigures(v)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = k === 'figures' && v && typeof v === 'object' ? flattenFigures(v) : withFlatFigures(v);
  }
  return out as T;
}

/** The 日报 screen's narrowing, read from its route query: a village, and within it a group. */
export function reportFilter(query: Record<string, unknown>): { village: string; group: string } {
  const village = typeof query.village === 'string' ? query.village : '';
  const group = village && typeof query.group === 'string' ? query.group : '';
  return { village, group };
}
