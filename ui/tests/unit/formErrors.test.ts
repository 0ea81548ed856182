import { describe, expect, it } from 'vitest';
import { applyApiError, clearErrors, hasErrors, mapApiField } from '../../src/logic/formErrors';

const HOUSEHOLD_FORM = ['village_id', 'group_id', 'address', 'phone', 'head.name', 'head.id_number', 'head.phone', 'head.plate'];
const PERSON_FORM = ['name', 'id_number', 'phone', 'plate', 'relation', 'residency', 'address'];

describe('form error mapping', () => {
  it('accepts the backend field in snake_case, camelCase or dotted', () => {
    expect(mapApiField('id_number', PERSON_FORM)).toBe('id_number');
    expect(mapApiField('idNumber', PERSON_FORM)).toBe('id_number');
    expect(mapApiField('person.idNumber', PERSON_FORM)).toBe('id_number');
    expect(mapApiField('input.head.idNumber', HOUSEHOLD_FORM)).toBe('head.id_number');
    expect(mapApiField('head.id_number', HOUSEHOLD_FORM)).toBe('head.id_number');
  });
  it("falls back to the head's field in the household form", () => {
    expect(mapApiField('id_number', HOUSEHOLD_FORM)).toBe('head.id_number');
    expect(mapApiField('name', HOUSEHOLD_FORM)).toBe('head.name');
    // …but a field the household itself has stays on the household.
    expect(mapApiField('phone', HOUSEHOLD_FORM)).toBe('phone');
    expect(mapApiField('villageId', HOUSEHOLD_FORM)).toBe('village_id');
    expect(mapApiField('groupId', HOUSEHOLD_FORM)).toBe('group_id');
  });
  it('returns null for unknown or missing fields', () => {
    expect(mapApiField(undefined, PERSON_FORM)).toBeNull();
    expect(mapApiField('temperature', PERSON_FORM)).toBeNull();
  });
  it('puts the message under the field and leaves the others alone', () => {
    const errors: Record<string, string> = { phone: '' };
    const key = applyApiError(errors, { kind: 'invalid', field: 'id_number', message: '身份证号校验位不正确' }, HOUSEHOLD_FORM);
    expect(key).toBe('head.id_number');
    expect(errors['head.id_number']).toBe('身份证号校验位不正确');
    expect(errors.phone).toBe('');
    expect(hasErrors(errors)).toBe(true);
    clearErrors(errors);
    expect(hasErrors(errors)).toBe(false);
  });
  it('reports an error with no field so the caller can toast it', () => {
    const errors: Record<string, string> = {};
    expect(applyApiError(errors, { kind: 'io', message: '磁盘已满' }, PERSON_FORM)).toBeNull();
    expect(errors).toEqual({});
  });
});
