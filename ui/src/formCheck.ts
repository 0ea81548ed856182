// Inline validation for the forms: check_field on blur, required fields before submit.
import { api } from './api';
import type { CheckableField } from './types';

export type Errors = Record<string, string>;

/** Form key ("head.id_number") → the field check_field knows ("id_number"). */
export function checkableOf(key: string): CheckableField | null {
  const leaf = key.split('.').pop() ?? '';
  return (['name', 'id_number', 'phone', 'plate', 'address'] as const).find((f) => f === leaf) ?? null;
}

/**
 * Asks the backend about one value. Empty optional values are fine (no call). On success the
 * normalized value (e.g. "x" → "X", spaces removed) is handed to `setNormalized`. An answer
 * that arrives after the field's message changed (a submit refused meanwhile) leaves the
 * newer message in place.
 */
export async function checkOnBlur(
  errors: Errors,
  key: string,
  value: string,
  setNormalized: (v: string) => void,
): Promise<boolean> {
  const field = checkableOf(key);
  const v = value.trim();
  if (!field || !v) {
    return !errors[key];
  }
  const before = errors[key];
  try {
    const r = await api.checkField(field, v);
    const stale = errors[key] !== before;
    if (r.ok) {
      if (!stale) errors[key] = '';
      if (r.normalized && r.normalized !== value) setNormalized(r.normalized);
      return true;
    }
    if (!stale) errors[key] = r.message || '';
    return false;
  } catch {
    // The backend will validate again on submit; don't block typing on a failed check.
    return true;
  }
}

/** Marks every empty required field; returns true when all are filled. */
export function checkRequired(
  errors: Errors,
  required: Record<string, string>,
  message: (key: string) => string,
): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(required)) {
    if (!value.trim()) {
      errors[key] = message(key);
      ok = false;
    }
  }
  return ok;
}

/** Scrolls the first field with an error into view. */
export function scrollToFirstError(root: HTMLElement | null, errors: Errors): void {
  const key = Object.keys(errors).find((k) => errors[k]);
  if (!root || !key) return;
  const el = root.querySelector(`[data-field="${key}"]`);
  el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}
