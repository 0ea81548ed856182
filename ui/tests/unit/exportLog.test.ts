import { describe, expect, it } from 'vitest';
import { revealedFields } from '../../src/logic/exportLog';

describe('revealedFields', () => {
  it('names the one field a tap showed', () => {
    expect(revealedFields('id_number')).toBe('id_number');
    expect(revealedFields('phone')).toBe('phone');
  });
  it('names both for a list that showed ID numbers and phones', () => {
    expect(revealedFields('id_number,phone')).toBe('both');
  });
  it('reads an entry without a field as an ID number, as before', () => {
    expect(revealedFields(null)).toBe('id_number');
    expect(revealedFields('')).toBe('id_number');
  });
});
