import { describe, expect, it } from 'vitest';
import {
  PASS_PREFIX,
  addMinutes,
  cameraProblem,
  completePayload,
  decodeSize,
  hasPassPayload,
  defaultWindow,
  isPassPayload,
  parseLocal,
  passFieldOf,
  passFromText,
  passStatus,
  scannedPass,
  sortPasses,
  svgDataUrl,
  useLabel,
  windowLabel,
} from '../../src/logic/pass';
import type { PassRow } from '../../src/types';
import { shortTime } from '../../src/logic/time';
import zh from '../../src/locales/zh-CN';
import en from '../../src/locales/en';
import { bind } from './messages';

const zhShort = (at: string) => shortTime(bind(zh).t, at);
const enShort = (at: string) => shortTime(bind(en).t, at);

const pass = (valid_from: string, valid_to: string, extra: Partial<PassRow> = {}): PassRow => ({
  id: `p-${valid_from}`,
  number: '56AR2Q2T',
  household_id: 'h1',
  valid_from,
  valid_to,
  issued_by: '王海',
  payload: `${PASS_PREFIX}56AR2Q2T`,
  uses: [],
  ...extra,
});

describe('scanner input', () => {
  it('knows a payload by its prefix, in any case', () => {
    expect(isPassPayload('GRIDBOOK-PASS:56AR2Q2T')).toBe(true);
    expect(isPassPayload('  gridbook-pass:56ar2q2t')).toBe(true);
    expect(isPassPayload('GRIDBOOK-PASS')).toBe(false);
    expect(isPassPayload('56AR2Q2T')).toBe(false);
  });

  it('keeps only the number of a payload, and a typed number as typed', () => {
    expect(passFromText('GRIDBOOK-PASS:56AR2Q2T')).toBe('56AR2Q2T');
    expect(passFromText('gridbook-pass:56ar 2q2t ')).toBe('56AR2Q2T');
    // While the scanner is still typing the prefix, the text stays as it is.
    expect(passFromText('GRIDBOOK-PA')).toBe('GRIDBOOK-PA');
    expect(passFromText('GRIDBOOK-PASS:')).toBe('');
    expect(passFromText('56ar-2q2t')).toBe('56ar-2q2t');
    // A second scan into a field that already holds a number replaces it.
    expect(passFromText('56AR2Q2TGRIDBOOK-PASS:2345678Z')).toBe('2345678Z');
    expect(passFromText('GRIDBOOK-PASS:56AR2Q2Tgridbook-pass:23')).toBe('23');
  });

  it('knows when a payload typed into another field is complete', () => {
    expect(hasPassPayload('王GRIDBOOK-PASS:2')).toBe(true);
    expect(hasPassPayload('GRIDBOOK')).toBe(false);
    expect(completePayload('GRIDBOOK-PASS:2345678')).toBeNull();
    expect(completePayload('GRIDBOOK-PASS:2345678Z')).toBe('2345678Z');
    expect(completePayload('gridbook-pass:2345678z')).toBe('2345678Z');
    expect(completePayload('2345678Z')).toBeNull();
  });

  it('takes a decoded QR code as a pass only when it can be one', () => {
    expect(scannedPass('GRIDBOOK-PASS:56AR2Q2T')).toBe('56AR2Q2T');
    expect(scannedPass('56ar2q2t')).toBe('56AR2Q2T');
    expect(scannedPass('GRIDBOOK-PASS:')).toBeNull();
    expect(scannedPass('https://health.example/code?id=1')).toBeNull();
    expect(scannedPass('56AR2Q2O')).toBeNull(); // O is not in the alphabet
    expect(scannedPass('1234567')).toBeNull();
  });
});

describe('pass status on the app clock', () => {
  const p = pass('2024-05-01T10:00:00', '2024-05-02T10:00:00');
  it('is pending before the window, valid in it, expired from its end', () => {
    expect(passStatus(p, '2024-05-01T09:59')).toBe('pending');
    expect(passStatus(p, '2024-05-01T10:00')).toBe('valid');
    expect(passStatus(p, '2024-05-02T09:59')).toBe('valid');
    expect(passStatus(p, '2024-05-02T10:00')).toBe('expired');
    expect(passStatus(p, '2024-06-01T00:00')).toBe('expired');
  });
});

describe('pass window', () => {
  it('defaults to now for 24 hours, across midnight and month ends', () => {
    expect(defaultWindow('2024-05-01T10:07')).toEqual({ from: '2024-05-01T10:07', to: '2024-05-02T10:07' });
    expect(defaultWindow('2024-02-29T23:30')).toEqual({ from: '2024-02-29T23:30', to: '2024-03-01T23:30' });
    expect(addMinutes('2024-12-31T23:30', 60)).toBe('2025-01-01T00:30');
    expect(addMinutes('nonsense', 60)).toBe('nonsense');
  });
  it('parses only real local times', () => {
    expect(parseLocal('2024-05-01T10:07')?.getHours()).toBe(10);
    expect(parseLocal('2024-02-30T10:00')).toBeNull();
    expect(parseLocal('2024-05-01T24:00')).toBeNull();
    expect(parseLocal('05/01 10:00')).toBeNull();
  });
  it('is shown short: one day, or two ends', () => {
    expect(windowLabel(zhShort, '2024-05-01T10:00:00', '2024-05-01T18:00:00')).toBe('5月1日 10:00–18:00');
    expect(windowLabel(zhShort, '2024-05-01T10:00:00', '2024-05-02T10:00:00')).toBe('5月1日 10:00 – 5月2日 10:00');
    expect(windowLabel(enShort, '2024-05-01T10:00:00', '2024-05-02T10:00:00')).toBe('05-01 10:00 – 05-02 10:00');
  });
  it('maps the backend fields onto the two inputs', () => {
    expect(passFieldOf('valid_from')).toBe('from');
    expect(passFieldOf('valid_to')).toBe('to');
    expect(passFieldOf('household')).toBeNull();
    expect(passFieldOf(undefined)).toBeNull();
  });
});

describe('pass list', () => {
  it('lists the newest window first and shows uses', () => {
    const a = pass('2024-05-01T10:00:00', '2024-05-02T10:00:00');
    const b = pass('2024-05-03T10:00:00', '2024-05-04T10:00:00');
    expect(sortPasses([a, b]).map((p) => p.valid_from)).toEqual([b.valid_from, a.valid_from]);
    const use = { at: '2024-05-01T10:32:00', direction: 'out' as const, checkpoint_id: 'cp', entry_id: 'e' };
    expect(useLabel(zhShort, use, (d) => (d === 'out' ? '出' : '进'))).toBe('出 5月1日 10:32');
  });
  it('shows the QR SVG as an image URL, escaped', () => {
    const url = svgDataUrl('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>');
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(url).not.toMatch(/[<>"# ]/);
    expect(decodeURIComponent(url.split(',')[1])).toContain('<svg');
  });
});

describe('camera', () => {
  it('says what went wrong in words a volunteer can act on', () => {
    expect(cameraProblem(null)).toBe('noCamera');
    expect(cameraProblem({ name: 'NotFoundError' })).toBe('noCamera');
    expect(cameraProblem({ name: 'OverconstrainedError' })).toBe('noCamera');
    expect(cameraProblem({ name: 'NotAllowedError' })).toBe('denied');
    expect(cameraProblem({ name: 'NotReadableError' })).toBe('busy');
    expect(cameraProblem(new Error('boom'))).toBe('failed');
  });
  it('decodes frames at most 640 pixels wide', () => {
    expect(decodeSize(1920, 1080)).toEqual({ width: 640, height: 360 });
    expect(decodeSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(decodeSize(320, 240)).toEqual({ width: 320, height: 240 });
  });
});
