import { describe, expect, it } from 'vitest';
import { maskId, maskPhone } from '../../src/logic/mask';

// The same cases as crates/domain/src/privacy.rs: one rule on both sides.
describe('maskId', () => {
  it('keeps the place of registration and the last 4 of a mainland ID', () => {
    expect(maskId('110101199003073931')).toBe('110101********3931');
    expect(maskId('11010119900307393X')).toBe('110101********393X');
    expect(maskId(' 110101199003073931 ')).toBe('110101********3931');
  });
  it('keeps only the first and last character of a short document number', () => {
    expect(maskId('E12345678')).toBe('E*******8');
    expect(maskId('E1234567')).toBe('E******7');
    expect(maskId('AB')).toBe('**');
  });
  it('shows nothing for nothing', () => {
    expect(maskId('')).toBe('');
    expect(maskId(null)).toBe('');
    expect(maskId(undefined)).toBe('');
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0471-6912345')).toBe('047****2345');
  });
  it('masks a short number to its ends, and a tiny one entirely', () => {
    expect(maskPhone('12345')).toBe('1***5');
    expect(maskPhone('12')).toBe('**');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe('');
  });
  it('never shows the middle digits', () => {
    for (const p of ['13800138000', '+8613800138000', '0471-6912345']) {
      expect(maskPhone(p)).not.toContain('0013');
    }
  });
});
