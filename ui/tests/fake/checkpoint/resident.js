// The ledger resident picked at a checkpoint, as the store's checkpoint/resident.rs has it: a
// role that may not see the village in full gets the match masked (a whole ID number typed is
// shown back as typed), and an entry names the resident by `person_id`; the ID number (and a
// phone the form holds masked) come from the ledger. An id that is no living person of the
// checkpoint's village is refused on the field `person_id`.
import { maskId, maskPhone, mayReveal } from '../../../src/logic/mask';
import { masked } from '../backend/masked.js';
import { fake, Invalid } from './state.js';

const compact = (s) => String(s ?? '').replace(/\s/g, '').toUpperCase();

/** The living person `personId` of the village of checkpoint `cp`, or the store's refusal. */
function residentOf(cp, personId) {
  const p = fake.state.persons.get(String(personId ?? '').trim());
  const h = p ? fake.state.households.get(p.household_id) : null;
  if (!p || p.deleted || !h || h.deleted || h.village_id !== cp.village_id) {
    throw new Invalid('person_id', '所选居民不在本卡口所在村（社区）的台账中，请重新查找或按访客登记');
  }
  return p;
}

/** `form` with the identity of its resident (`person_id`) filled from the ledger, if it names one. */
export function withResident(form, cp) {
  if (!form.person_id || !String(form.person_id).trim()) return { ...form, person_id: null };
  const p = residentOf(cp, form.person_id);
  const typed = compact(form.id_number);
  if (typed && typed !== compact(p.id_number) && typed !== compact(maskId(p.id_number))) {
    throw new Invalid('id_number', '身份证号与所选台账居民不符：请解除关联后重新填写');
  }
  const phone = p.phone && String(form.phone ?? '').trim() === maskPhone(p.phone) ? p.phone : form.phone;
  return { ...form, id_number: p.id_number, phone, person_id: p.id };
}

/** The match's hits as this device's role may see them at checkpoint `cp` for `query`. */
export function shownHits(cp, query, hits) {
  if (mayReveal(fake.state, cp.village_id)) return hits;
  const typed = compact(query);
  return hits.map((h) => {
    const out = masked(h);
    if (h.matched === 'control' || compact(h.id_number) === typed) out.id_number = h.id_number;
    return out;
  });
}
