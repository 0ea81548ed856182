// Building the `edits` lists for set_person / set_household, and the inputs for add_*.
// Tags are sent as "+code" / "-code" so that two devices adding different tags both win
// (a full list from each device would make one overwrite the other).
import type { Edit, HouseholdDetail, HouseholdInput, Person, PersonInput, Relation, Residency, RiskTag, Vulnerable } from '../types';
import { sortCodes } from './codes';

export interface PersonModel {
  name: string;
  id_number: string;
  phone: string;
  relation: string;
  residency: string;
  tags: string[];
  vulnerable: string[];
  works_away: boolean;
  plate: string;
  address: string;
}

export interface HouseholdModel {
  village_id: string;
  group_id: string;
  address: string;
  phone: string;
  head_person_id: string;
}

export function emptyPerson(relation = ''): PersonModel {
  return {
    name: '',
    id_number: '',
    phone: '',
    relation,
    residency: '',
    tags: [],
    vulnerable: [],
    works_away: false,
    plate: '',
    address: '',
  };
}

export function personModel(p: Person): PersonModel {
  return {
    name: p.name ?? '',
    id_number: p.id_number ?? '',
    phone: p.phone ?? '',
    relation: p.relation ?? '',
    residency: p.residency ?? '',
    tags: [...(p.tags ?? [])],
    vulnerable: [...(p.vulnerable ?? [])],
    works_away: !!p.works_away,
    plate: p.plate ?? '',
    address: p.address ?? '',
  };
}

export function householdModel(h: HouseholdDetail): HouseholdModel {
  return {
    village_id: h.village_id,
    group_id: h.group_id ?? '',
    address: h.address ?? '',
    phone: h.phone ?? '',
    head_person_id: h.head_person_id ?? '',
  };
}

/** "+code" for every code added, "-code" for every code removed, in canonical order. */
export function tagEdits(field: 'tags' | 'vulnerable', before: string[], after: string[]): Edit[] {
  const group = field === 'tags' ? 'risk' : 'vulnerable';
  const was = new Set(before);
  const now = new Set(after);
  const edits: Edit[] = [];
  for (const c of sortCodes(group, now)) if (!was.has(c)) edits.push([field, `+${c}`]);
  for (const c of sortCodes(group, was)) if (!now.has(c)) edits.push([field, `-${c}`]);
  return edits;
}

const PERSON_SCALARS = ['name', 'id_number', 'phone', 'relation', 'residency', 'plate', 'address'] as const;

export function personEdits(before: PersonModel, after: PersonModel): Edit[] {
  const edits: Edit[] = [];
  for (const f of PERSON_SCALARS) {
    const a = (after[f] ?? '').trim();
    if (a !== (before[f] ?? '').trim()) edits.push([f, a]);
  }
  if (after.works_away !== before.works_away) edits.push(['works_away', String(after.works_away)]);
  edits.push(...tagEdits('tags', before.tags, after.tags));
  edits.push(...tagEdits('vulnerable', before.vulnerable, after.vulnerable));
  return edits;
}

export function householdEdits(before: HouseholdModel, after: HouseholdModel): Edit[] {
  const edits: Edit[] = [];
  for (const f of ['address', 'phone', 'group_id', 'head_person_id'] as const) {
    const a = (after[f] ?? '').trim();
    if (a !== (before[f] ?? '').trim()) edits.push([f, a]);
  }
  return edits;
}

function opt(s: string): string | undefined {
  const v = s.trim();
  return v ? v : undefined;
}

export function personInput(m: PersonModel): PersonInput {
  // The form's pickers offer only the codes of logic/codes.ts; the store refuses any other.
  const p: PersonInput = {
    name: m.name.trim(),
    idNumber: m.id_number.trim(),
    tags: sortCodes('risk', m.tags) as RiskTag[],
    vulnerable: sortCodes('vulnerable', m.vulnerable) as Vulnerable[],
  };
  const phone = opt(m.phone);
  if (phone) p.phone = phone;
  const relation = opt(m.relation);
  if (relation) p.relation = relation as Relation;
  const residency = opt(m.residency);
  if (residency) p.residency = residency as Residency;
  const plate = opt(m.plate);
  if (plate) p.plate = plate;
  return p;
}

export function householdInput(h: HouseholdModel, head: PersonModel): HouseholdInput {
  const input: HouseholdInput = {
    villageId: h.village_id,
    address: h.address.trim(),
    head: personInput({ ...head, relation: head.relation || 'head' }),
  };
  const groupId = opt(h.group_id);
  if (groupId) input.groupId = groupId;
  const phone = opt(h.phone);
  if (phone) input.phone = phone;
  return input;
}

/** The string form resolve_conflict takes for a value picked from a conflict. */
export function conflictValueString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => String(x)).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
