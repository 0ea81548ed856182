// Temporary passes (临时通行证) of the checkpoint fake: issued to a household for a window,
// with their QR code; refused when used twice, out of their window or unknown.
import { PASS_PREFIX, parseLocal } from '../../../src/logic/pass';
import { checkpointOf, enumOf, fake, int, Invalid, localAt, notFound, now, state, touched, uuid, zhShortTime } from './state.js';
import { withResident } from './resident.js';
import { qrSvg } from './qr.js';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
function checkValue(values) {
  let factor = 2, sum = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    const addend = factor * values[i];
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return (32 - (sum % 32)) % 32;
}
export function passNumber(values) {
  return values.map((v) => ALPHABET[v]).join('') + ALPHABET[checkValue(values)];
}
export function parsePass(text) {
  let raw = String(text ?? '').trim();
  // A scanned QR code holds the payload: the prefix goes, in any case.
  if (raw.slice(0, PASS_PREFIX.length).toUpperCase() === PASS_PREFIX) raw = raw.slice(PASS_PREFIX.length);
  const n = raw
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-－—]/g, '')
    .toUpperCase();
  const err = (m) => new Invalid('pass_number', m);
  if (!n) throw err('请输入通行证号');
  if (n.length !== 8) throw err('通行证号应为8位');
  const values = [...n].map((c) => ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) throw err('通行证号只含数字2–9和字母（无O、I）');
  if (checkValue(values.slice(0, 7)) !== values[7]) throw err('通行证号校验位不符，请核对');
  return n;
}
export function issuePass(householdId, fromMs, toMs, issuedBy = '王海', number = null) {
  let n = number ? parsePass(number) : null;
  while (!n || state.passes.some((p) => p.number === n)) n = passNumber(Array.from({ length: 7 }, () => int(0, 31)));
  const pass = {
    id: uuid('pass'),
    number: n,
    household_id: householdId,
    valid_from: localAt(new Date(fromMs)),
    valid_to: localAt(new Date(toMs)),
    issued_by: issuedBy,
    uses: [],
  };
  state.passes.push(pass);
  return pass.number;
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
/** Local 'YYYY-MM-DDTHH:MM' of a pass window, strictly as issue_pass takes it. */
function passTime(field, raw) {
  const text = String(raw ?? '').trim();
  const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) ? parseLocal(text) : null;
  if (!d) throw new Invalid(field, `时间“${text}”应为 YYYY-MM-DDTHH:MM`);
  return d.getTime();
}
/** The domain's MAX_PASS_WINDOW_HOURS. */
const MAX_PASS_HOURS = 24;

export function passRefusal(number, direction, idNumber, now) {
  const pass = state.passes.find((p) => p.number === number);
  if (!pass) throw { kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' };
  const outs = pass.uses.filter((u) => u.direction === 'out');
  const refuse = (code, message) => ({ kind: 'refused', code, message });
  if (direction === 'in') {
    return outs.some((u) => u.id_number === idNumber) ? null : refuse('not-out-on-pass', '此人未凭此通行证外出，不能凭证返回');
  }
  const at = localAt(now);
  if (at < pass.valid_from) return refuse('not-yet-valid', `通行证尚未生效，${zhShortTime(pass.valid_from)}起可用`);
  if (at >= pass.valid_to) return refuse('expired', `通行证已于${zhShortTime(pass.valid_to)}过期`);
  if (outs.length) {
    const first = outs.map((u) => u.at).sort()[0];
    return refuse('already-used', `本户已有一人于${zhShortTime(first)}凭此证外出，每户每时段限一人`);
  }
  return null;
}

Object.assign(fake.commands, {
  check_pass: ({ number, direction, idNumber, checkpoint, personId }) => {
    const dir = enumOf('direction', '进出方向', direction, ['in', 'out']);
    // A resident picked from the match: the ledger's ID number (the screen holds it masked).
    const id = checkpoint && personId ? withResident({ id_number: idNumber, phone: '', person_id: personId }, checkpointOf(checkpoint)).id_number : idNumber;
    const refusal = passRefusal(parsePass(number), dir, String(id ?? '').trim().toUpperCase(), now());
    if (refusal) throw refusal;
    return null;
  },
  issue_pass: ({ household, from, to }) => {
    const fromMs = passTime('valid_from', from);
    const toMs = passTime('valid_to', to);
    if (toMs <= fromMs) throw new Invalid('valid_to', '通行证结束时间应晚于开始时间');
    if (toMs - fromMs > MAX_PASS_HOURS * 3600 * 1000) throw new Invalid('valid_to', `通行证时段最长${MAX_PASS_HOURS}小时，更长请分次发放`);
    const h = fake.state.households.get(String(household ?? ''));
    if (!h || h.deleted) throw notFound('户');
    const number = issuePass(h.id, fromMs, toMs, fake.state.device_name);
    touched();
    return publicPass(state.passes.find((p) => p.number === number));
  },
  passes: ({ household }) => {
    const h = fake.state.households.get(String(household ?? ''));
    if (!h || h.deleted) throw notFound('户');
    return state.passes
      .filter((p) => p.household_id === h.id)
      .sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0))
      .map(publicPass);
  },
  pass_qr: ({ number }) => {
    const n = parsePass(number);
    if (!state.passes.some((p) => p.number === n)) throw { kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' };
    return qrSvg(PASS_PREFIX + n);
  },
});
