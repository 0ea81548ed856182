// The fake backend's field checks are the store's own: every value is asked of the `gridbook`
// command line (`field check`, ./gridbook.js), which answers with the validators and the
// messages of a write. Without it (`npm run dev`) nothing can be checked and a write that
// needs a check is refused as unavailable.
import { ask, unavailable } from './gridbook.js';

/**
 * The answers for [field, value] pairs, in order: { ok: true, normalized } or { ok: false,
 * field, message, message_en }. Fields: name, id_number, phone, plate, address, temperature.
 */
export async function checkFields(pairs) {
  if (!pairs.length) return [];
  const fields = pairs.map(([field, value]) => ({ field, value: String(value ?? '') }));
  const r = await ask('field check', { fields });
  if (!r) throw unavailable('检查字段');
  return r;
}
export const checkField = async (field, value) => (await checkFields([[field, value]]))[0];
export const checkIdNumber = (value) => checkField('id_number', value);
export const checkPhone = (value) => checkField('phone', value);

export class Invalid {
  constructor(field, message) {
    this.kind = 'invalid';
    this.field = field;
    this.message = message;
  }
}

/**
 * The values of [field, value, errField?] triples as the store keeps them, checked in order;
 * the first refused one is thrown as Invalid with the store's message, under `errField` when
 * given (a form's own key, e.g. "head.id_number").
 */
export async function mustAll(triples) {
  const answers = await checkFields(triples.map(([field, value]) => [field, value]));
  return answers.map((r, i) => {
    if (!r.ok) throw new Invalid(triples[i][2] || triples[i][0], r.message);
    return r.normalized;
  });
}
/** One value as the store keeps it, or Invalid (see mustAll). */
export const must = async (field, value, errField) => (await mustAll([[field, value, errField]]))[0];
export const notFound = (what) => ({ kind: 'not_found', message: `${what}不存在或已删除` });
