// The column mapping of an imported file (what each column is taken for), as the import screen
// shows it for confirmation: the township's changes to what was detected are sent back as the
// overrides (the CLI's `--map`). Pure functions, tested without a window.
import type { ColumnChoice } from '../types';

/** A column and the field it is taken for (`null`: not used). */
export interface MappedColumn {
  header: string;
  field: string | null;
}

/** The columns whose field the person changed from what was detected, in file order. */
export function overrides(detected: MappedColumn[], chosen: MappedColumn[]): ColumnChoice[] {
  const before = new Map(detected.map((c) => [c.header, c.field]));
  return chosen.filter((c) => (before.get(c.header) ?? null) !== c.field).map((c) => ({ header: c.header, field: c.field }));
}

/** Whether some column holds one of `fields` (a list needs a name or an ID number). */
export function hasAny(chosen: MappedColumn[], fields: string[]): boolean {
  return chosen.some((c) => c.field !== null && fields.includes(c.field));
}

/** Fields more than one column is taken for (the first column with a value counts). */
export function doubled(chosen: MappedColumn[]): string[] {
  const seen = new Map<string, number>();
  for (const c of chosen) if (c.field) seen.set(c.field, (seen.get(c.field) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([f]) => f);
}

/** `chosen` with column `index` taken for `field` (`''` or `null`: not used). */
export function choose(chosen: MappedColumn[], index: number, field: string | null): MappedColumn[] {
  return chosen.map((c, i) => (i === index ? { ...c, field: field || null } : c));
}
