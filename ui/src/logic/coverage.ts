// 不漏一户: the households nobody verified lately, grouped by village and group (组).
import type { CoverageRow } from '../types';
import { daysSince } from './time';

export interface CoverageGroup {
  key: string;
  village_id: string;
  village_name: string;
  group_name: string;
  rows: CoverageRow[];
}

/** "2组" < "10组"; Chinese numerals and other names compare as text. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'zh-CN', { numeric: true });
}

/** Oldest first; never-verified households come before everything. */
export function byStaleness(a: CoverageRow, b: CoverageRow): number {
  if (!a.last_verified && !b.last_verified) return naturalCompare(a.address, b.address);
  if (!a.last_verified) return -1;
  if (!b.last_verified) return 1;
  return a.last_verified < b.last_verified ? -1 : a.last_verified > b.last_verified ? 1 : naturalCompare(a.address, b.address);
}

/**
 * Groups rows by village and group. Villages come in `villageRank` order (the backend's list,
 * which is the township's own order), then by name; groups in natural order, "no group" last.
 */
export function groupCoverage(
  rows: CoverageRow[],
  villageName: (id: string) => string,
  noGroup: string,
  villageRank: (id: string) => number = () => 0,
): CoverageGroup[] {
  const groups = new Map<string, CoverageGroup>();
  for (const r of rows) {
    const gname = r.group_name?.trim() || noGroup;
    const key = `${r.village_id}\u0000${gname}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, village_id: r.village_id, village_name: villageName(r.village_id), group_name: gname, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  const out = [...groups.values()];
  for (const g of out) g.rows.sort(byStaleness);
  const rank = (id: string) => {
    const r = villageRank(id);
    return r < 0 ? Number.MAX_SAFE_INTEGER : r;
  };
  out.sort(
    (a, b) =>
      rank(a.village_id) - rank(b.village_id) ||
      naturalCompare(a.village_name, b.village_name) ||
      (a.group_name === noGroup ? 1 : 0) - (b.group_name === noGroup ? 1 : 0) ||
      naturalCompare(a.group_name, b.group_name),
  );
  return out;
}

/** Severity of a verification age, for colouring: never > stale (≥ days) > ok. */
export function staleness(lastVerified: string | null, days: number, now = new Date()): 'never' | 'stale' | 'ok' {
  const d = daysSince(lastVerified, now);
  if (d === null) return 'never';
  return d >= days ? 'stale' : 'ok';
}
