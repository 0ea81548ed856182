import { describe, expect, it } from 'vitest';
import { normalizeCode, parseEnrollQr } from '../../src/logic/enroll';

describe('enrollment codes', () => {
  it('normalizes a typed code and refuses what is not one', () => {
    expect(normalizeCode('abcd-efgh')).toBe('ABCD-EFGH');
    expect(normalizeCode(' AB CD EF GH ')).toBe('ABCD-EFGH');
    expect(normalizeCode('ABCDEFGH')).toBe('ABCD-EFGH');
    expect(normalizeCode('ABCD-EFG0')).toBeNull();
    expect(normalizeCode('ABCD-EFG')).toBeNull();
    expect(normalizeCode('a'.repeat(64))).toBeNull();
  });

  it('reads the relay and the code from the QR text', () => {
    expect(parseEnrollQr('gridbook:enroll?relay=https://relay.example.cn:7878&code=ABCD-EFGH')).toEqual({
      relay: 'https://relay.example.cn:7878',
      code: 'ABCD-EFGH',
    });
    expect(parseEnrollQr('gridbook:enroll?relay=http://h/x%3Fa%3D1%26b&code=abcd-efgh')).toEqual({
      relay: 'http://h/x?a=1&b',
      code: 'ABCD-EFGH',
    });
    expect(parseEnrollQr('gridbook:enroll?code=ABCD-EFGH')).toEqual({ relay: null, code: 'ABCD-EFGH' });
    expect(parseEnrollQr('gridbook:enroll?relay=javascript:alert(1)&code=ABCD-EFGH')).toEqual({ relay: null, code: 'ABCD-EFGH' });
    expect(parseEnrollQr('gridbook:enroll?code=nope')).toBeNull();
    expect(parseEnrollQr('GBPASS:123')).toBeNull();
  });

  it('reads the township CA the QR code pins, and refuses a pin that does not read', () => {
    const fp = '0A'.repeat(32);
    expect(parseEnrollQr(`gridbook:enroll?relay=https://10.0.0.2:7878&code=ABCD-EFGH&ca=${fp}`)).toEqual({
      relay: 'https://10.0.0.2:7878',
      code: 'ABCD-EFGH',
      ca: '0a'.repeat(32),
    });
    expect(parseEnrollQr('gridbook:enroll?relay=https://10.0.0.2:7878&code=ABCD-EFGH&ca=0a0a')).toBeNull();
    expect(parseEnrollQr('gridbook:enroll?code=ABCD-EFGH')?.ca).toBeUndefined();
  });
});
