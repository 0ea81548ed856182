// What lists send, as the store's township/shown.rs makes them: ID numbers and phones masked
// (the one rule of src/logic/mask.ts) whatever the role, a household's card, the values of a
// conflict and a record's history too. Full values come from the reveal commands and the edit
// forms' loads (../files.js), which record each one.
import { maskId, maskPhone } from '../../../src/logic/mask';

/** A row with its `id_number` and `phone` masked (the fields it has). */
export function masked(row) {
  const out = { ...row };
  if (typeof out.id_number === 'string') out.id_number = maskId(out.id_number);
  if (typeof out.phone === 'string') out.phone = maskPhone(out.phone);
  return out;
}

/** `v`, a value of field `field` (a text, or a conflict's list), masked when it is an ID number or a phone. */
export function maskedValue(field, v) {
  if (Array.isArray(v)) return v.map((x) => maskedValue(field, x));
  if (typeof v !== 'string') return v;
  return field === 'id_number' ? maskId(v) : field === 'phone' ? maskPhone(v) : v;
}

/** A conflict with its values as a screen gets them. */
export function maskedConflict(c) {
  return { ...c, values: c.values.map((v) => maskedValue(c.field, v)) };
}

/** A history entry with its old and new values as a screen gets them. */
export function maskedEntry(e) {
  return { ...e, old: maskedValue(e.field, e.old), new: maskedValue(e.field, e.new) };
}

/** A household's card: masked for every role, the values of its conflicts too. */
export function card(detail) {
  return {
    ...masked(detail),
    residents: detail.residents.map(masked),
    conflicts: (detail.conflicts ?? []).map(maskedConflict),
  };
}
