// What lists send, as the store's township/shown.rs makes them: ID numbers and phones masked
// (the one rule of src/logic/mask.ts) whatever the role, a household's card too. Full values
// come from the reveal command and the edit forms' loads (../files.js), which record each one.
import { maskId, maskPhone } from '../../../src/logic/mask';

/** A row with its `id_number` and `phone` masked (the fields it has). */
export function masked(row) {
  const out = { ...row };
  if (typeof out.id_number === 'string') out.id_number = maskId(out.id_number);
  if (typeof out.phone === 'string') out.phone = maskPhone(out.phone);
  return out;
}

/** A household's card: masked for every role. */
export function card(detail) {
  return { ...masked(detail), residents: detail.residents.map(masked) };
}
