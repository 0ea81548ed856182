import { describe, expect, it } from 'vitest';
import {
  conflictValueString,
  emptyPerson,
  householdEdits,
  householdInput,
  personEdits,
  personInput,
  personModel,
  tagEdits,
} from '../../src/logic/edits';
import type { Person } from '../../src/types';

const person: Person = {
  id: 'p1',
  household_id: 'h1',
  name: '王秀英',
  gender: 'female',
  id_kind: 'resident_id',
  id_number: '150581195803070020',
  birth_date: '1958-03-07',
  phone: '13812345678',
  relation: 'head',
  residency: 'registered',
  tags: ['close-contact'],
  vulnerable: ['chronic'],
  works_away: false,
  plate: null,
  address: null,
  doses: 3,
  last_test: null,
  merged_into: null,
  merged: [],
};

describe('tag edits', () => {
  it('sends +code for added and -code for removed tags', () => {
    expect(tagEdits('tags', ['close-contact'], ['close-contact', 'red-code'])).toEqual([['tags', '+red-code']]);
    expect(tagEdits('tags', ['close-contact', 'red-code'], [])).toEqual([
      ['tags', '-close-contact'],
      ['tags', '-red-code'],
    ]);
    expect(tagEdits('vulnerable', ['chronic'], ['elderly-alone'])).toEqual([
      ['vulnerable', '+elderly-alone'],
      ['vulnerable', '-chronic'],
    ]);
  });
  it('sends nothing when only the order changed', () => {
    expect(tagEdits('tags', ['red-code', 'overseas'], ['overseas', 'red-code'])).toEqual([]);
  });
  it('orders additions canonically, whatever order they were ticked in', () => {
    expect(tagEdits('tags', [], ['yellow-code', 'overseas'])).toEqual([
      ['tags', '+overseas'],
      ['tags', '+yellow-code'],
    ]);
  });
});

describe('person edits', () => {
  it('lists only the changed fields, trimmed', () => {
    const before = personModel(person);
    const after = { ...before, phone: ' 13900001111 ', tags: [], vulnerable: ['chronic', 'disabled'], works_away: true };
    expect(personEdits(before, after)).toEqual([
      ['phone', '13900001111'],
      ['works_away', 'true'],
      ['tags', '-close-contact'],
      ['vulnerable', '+disabled'],
    ]);
  });
  it('is empty when nothing changed (whitespace only)', () => {
    const before = personModel(person);
    expect(personEdits(before, { ...before, name: '王秀英 ' })).toEqual([]);
  });
  it('clears a field with an empty string', () => {
    const before = personModel(person);
    expect(personEdits(before, { ...before, phone: '' })).toEqual([['phone', '']]);
  });
  it('does not share arrays with the record it came from', () => {
    const m = personModel(person);
    m.tags.push('red-code');
    expect(person.tags).toEqual(['close-contact']);
  });
});

describe('household edits and inputs', () => {
  it('compares address, phone, group and head', () => {
    const before = { village_id: 'v', group_id: 'g1', address: 'A', phone: '', head_person_id: 'p1' };
    expect(householdEdits(before, { ...before, group_id: 'g2', head_person_id: 'p2' })).toEqual([
      ['group_id', 'g2'],
      ['head_person_id', 'p2'],
    ]);
  });
  it('builds add_person input without empty optionals', () => {
    const m = { ...emptyPerson(), name: ' 赵一 ', id_number: '15058119850615001X ', tags: ['red-code', 'overseas'] };
    expect(personInput(m)).toEqual({
      name: '赵一',
      idNumber: '15058119850615001X',
      tags: ['overseas', 'red-code'],
      vulnerable: [],
    });
  });
  it('builds add_household input with the head as 户主', () => {
    const h = { village_id: 'v1', group_id: '', address: ' 红星村3组18号 ', phone: '0475-8912653', head_person_id: '' };
    const head = { ...emptyPerson(''), name: '王秀英', id_number: '150581195803070020', phone: '13812345678' };
    expect(householdInput(h, head)).toEqual({
      villageId: 'v1',
      address: '红星村3组18号',
      phone: '0475-8912653',
      head: {
        name: '王秀英',
        idNumber: '150581195803070020',
        phone: '13812345678',
        relation: 'head',
        tags: [],
        vulnerable: [],
      },
    });
  });
  it('turns a picked conflict value into the string resolve_conflict takes', () => {
    expect(conflictValueString('13900002222')).toBe('13900002222');
    expect(conflictValueString(['close-contact', 'red-code'])).toBe('close-contact,red-code');
    expect(conflictValueString(true)).toBe('true');
    expect(conflictValueString(null)).toBe('');
    expect(conflictValueString(3)).toBe('3');
  });
});
