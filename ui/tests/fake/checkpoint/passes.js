// Temporary passes (临时通行证) of the checkpoint fake: issued to a household for a window,
// with their QR code; refused when used twice, out of their window or unknown. The numbers,
// windows, refusals and QR codes are the app's own: a number is read and a crossing judged by
// `gridbook pass verify`, a pass issued by `gridbook pass issue-check` and its QR code drawn by
// `gridbook pass qr` (../backend/gridbook.js).
import { PASS_PREFIX } from '../../../src/logic/pass';
import { ask, unavailable } from '../backend/gridbook.js';
import { checkpointOf, enumOf, fake, localAt, notFound, now, state, touched, uuid } from './state.js';
import { withResident } from './resident.js';

/** A pass number as typed or scanned, as the store keeps it; the store's refusal otherwise. */
export async function parsePass(text) {
  const r = await ask('pass verify', { number: String(text ?? '') });
  if (!r) throw unavailable('读取通行证号');
  return r.number;
}

/** Records a pass of `number` (a valid one: the demo's) without asking the command line. */
export function seedPass(householdId, fromMs, toMs, issuedBy, number) {
  state.passes.push({
    id: uuid('pass'),
    number,
    household_id: householdId,
    valid_from: localAt(new Date(fromMs)),
    valid_to: localAt(new Date(toMs)),
    issued_by: issuedBy,
    uses: [],
  });
  return number;
}
/** A pass as the passes command lists it: the uses without the person's ID number. */
const publicPass = (p) => ({
  id: p.id,
  number: p.number,
  household_id: p.household_id,
  valid_from: p.valid_from,
  valid_to: p.valid_to,
  issued_by: p.issued_by,
  payload: PASS_PREFIX + p.number,
  uses: p.uses.map((u) => ({ at: u.at, direction: u.direction, checkpoint_id: u.checkpoint_id, entry_id: u.entry_id })),
});
const notFoundPass = () => ({ kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' });

/**
 * Whether the person with `idNumber` may cross `direction` on the pass `number` at `now`, by the
 * store's rule (`gridbook pass verify`): null, or the refusal { kind, code, message }.
 */
export async function passRefusal(number, direction, idNumber, now) {
  const pass = state.passes.find((p) => p.number === number);
  if (!pass) throw notFoundPass();
  const r = await ask('pass verify', {
    number,
    crossing: {
      valid_from: pass.valid_from,
      valid_to: pass.valid_to,
      at: localAt(now),
      direction,
      id_number: idNumber,
      uses: pass.uses.map((u) => ({ at: u.at, direction: u.direction, id_number: u.id_number })),
    },
  });
  if (!r) throw unavailable('检查通行证');
  return r.ok ? null : { kind: 'refused', code: r.code, message: r.message, message_en: r.message_en };
}

Object.assign(fake.commands, {
  check_pass: async ({ number, direction, idNumber, checkpoint, personId }) => {
    const dir = enumOf('direction', '进出方向', direction, ['in', 'out']);
    // A resident picked from the match: the ledger's ID number (the screen holds it masked).
    const id = checkpoint && personId ? withResident({ id_number: idNumber, phone: '', person_id: personId }, checkpointOf(checkpoint)).id_number : idNumber;
    const refusal = await passRefusal(await parsePass(number), dir, String(id ?? '').trim().toUpperCase(), now());
    if (refusal) throw refusal;
    return null;
  },
  issue_pass: async ({ household, from, to }) => {
    const issue = async () => {
      const r = await ask('pass issue-check', { from: String(from ?? ''), to: String(to ?? ''), issued_by: fake.state.device_name ?? null });
      if (!r) throw unavailable('发放通行证');
      return r;
    };
    let r = await issue();
    const h = fake.state.households.get(String(household ?? ''));
    if (!h || h.deleted) throw notFound('户');
    while (state.passes.some((p) => p.number === r.number)) r = await issue();
    const pass = { id: uuid('pass'), number: r.number, household_id: h.id, valid_from: r.valid_from, valid_to: r.valid_to, issued_by: r.issued_by, uses: [] };
    state.passes.push(pass);
    touched();
    return publicPass(pass);
  },
  passes: ({ household }) => {
    const h = fake.state.households.get(String(household ?? ''));
    if (!h || h.deleted) throw notFound('户');
    return state.passes
      .filter((p) => p.household_id === h.id)
      .sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0))
      .map(publicPass);
  },
  // As the app's: any valid number is drawn, issued here or not.
  pass_qr: async ({ number }) => {
    const svg = await ask('pass qr', { number: String(number ?? '') });
    if (!svg) throw unavailable('生成二维码');
    return svg;
  },
});
