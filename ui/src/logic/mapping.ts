// The column mapping of an imported file (what each column is taken for), as the import screen
// shows it for confirmation: the township's changes to what was detected are sent back as the
// overrides (the CLI's `--map`). A column the backend numbered is sent by its position, so a
// column with no header, or with the same header as another, is named unambiguously. Pure
// functions, tested without a window.
import type { ColumnChoice, ListColumn } from '../types';

/** A column and the field it is taken for (`null`: not used); `column` (0 for A), `letter`
 * and `repeated` as the backend described it, when it did. */
export interface MappedColumn {
  header: string;
  field: string | null;
  column?: number;
  letter?: string;
  repeated?: boolean;
}

/** The columns as the backend described them, to show and to change. */
export function fromColumns(columns: ListColumn[]): MappedColumn[] {
  return columns.map((c) => {
    const m: MappedColumn = { header: c.header, field: c.field };
    if (typeof c.column === 'number') Object.assign(m, { column: c.column, letter: c.letter, repeated: c.repeated });
    return m;
  });
}

/** The column's identity: its position when known, else its header. */
const keyOf = (c: MappedColumn) => (typeof c.column === 'number' ? `#${c.column}` : `h:${c.header}`);

/** The columns whose field the person changed from what was detected, in file order. */
export function overrides(detected: MappedColumn[], chosen: MappedColumn[]): ColumnChoice[] {
  const before = new Map(detected.map((c) => [keyOf(c), c.field]));
  return chosen
    .filter((c) => (before.get(keyOf(c)) ?? null) !== c.field)
    .map((c) => (typeof c.column === 'number' ? { header: c.header, column: c.column, field: c.field } : { header: c.header, field: c.field }));
}

/** The columns as a check made with the person's choices read them, when they are the same
 * columns as `chosen` (a field the backend moved, e.g. from a repeated header's other column,
 * is then shown where it went); `null` when the columns differ. */
export function settled(chosen: MappedColumn[], columns: ListColumn[]): MappedColumn[] | null {
  const now = fromColumns(columns);
  const same = now.length === chosen.length && now.every((c, i) => keyOf(c) === keyOf(chosen[i]));
  return same ? now : null;
}

/** How the column is named to the person: its header, with its letter when another column
 * has the same header (联系电话（第H列）), or 第C列（无表头） when it has none. */
export function columnName(c: MappedColumn, t: (key: string, named: Record<string, unknown>) => string): string {
  if (c.letter === undefined) return c.header;
  if (!c.header.trim()) return t('files.columnNoHeader', { letter: c.letter });
  return c.repeated ? t('files.columnRepeated', { header: c.header, letter: c.letter }) : c.header;
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
