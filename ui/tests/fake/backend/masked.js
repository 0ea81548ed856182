// What lists send, as the store's township/shown.rs makes them: ID numbers and phones masked
// (the one rule of src/logic/mask.ts) whatever the role; a household's card in full only for a
// role that may see its village (mayReveal), masked for any other. Full values come from the
// reveal command, which records each one.
import { maskId, maskPhone, mayReveal } from '../../../src/logic/mask';
import { state } from './state.js';

/** A row with its `id_number` and `phone` masked (the fields it has). */
export function masked(row) {
  const out = { ...row };
  if (typeof out.id_number === 'string') out.id_number = maskId(out.id_number);
  if (typeof out.phone === 'string') out.phone = maskPhone(out.phone);
  return out;
}

/** A household's card as this device's role may see it. */
export function card(detail) {
  if (mayReveal(state, detail.village_id)) return detail;
  return { ...masked(detail), residents: detail.residents.map(masked) };
}
