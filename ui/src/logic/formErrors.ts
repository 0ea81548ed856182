// Putting an error from the backend under the field it is about, without touching the input.
import type { ApiError } from '../types';

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Maps the backend's field name ("idNumber", "id_number", "input.head.idNumber", "head.phone")
 * onto one of the form's keys (e.g. "head.id_number"), or null when the form has no such field.
 * Exact matches win; a bare name falls back to the same name under "head." (add_household).
 */
export function mapApiField(field: string | undefined, known: readonly string[]): string | null {
  if (!field) return null;
  const parts = field
    .split('.')
    .map(snake)
    .filter((p) => p !== 'input' && p !== 'person' && p !== 'edits');
  const name = parts.join('.');
  if (known.includes(name)) return name;
  const alias: Record<string, string> = { id: 'id_number', idnumber: 'id_number', group: 'group_id', village: 'village_id' };
  const last = parts[parts.length - 1] ?? '';
  const leaf = alias[last] ?? last;
  const prefix = parts.slice(0, -1).join('.');
  const candidates = [prefix ? `${prefix}.${leaf}` : leaf, leaf, `head.${leaf}`];
  for (const c of candidates) if (known.includes(c)) return c;
  return null;
}

/**
 * Writes `err` into `errors` under its field. Returns the key used, or null when the error
 * belongs to no field (the caller shows it as a toast instead).
 */
export function applyApiError(errors: Record<string, string>, err: ApiError, known: readonly string[]): string | null {
  const key = mapApiField(err.field, known);
  if (!key) return null;
  errors[key] = err.message;
  return key;
}

export function clearErrors(errors: Record<string, string>): void {
  for (const k of Object.keys(errors)) errors[k] = '';
}

export function hasErrors(errors: Record<string, string>): boolean {
  return Object.values(errors).some((v) => !!v);
}
