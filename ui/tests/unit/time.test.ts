import { describe, expect, it } from 'vitest';
import { ageOn, dayText, daysSince, formatDate, formatDateTime, fullTime, parseTime, relativeTime, shortTime } from '../../src/logic/time';
import zhMessages from '../../src/locales/zh-CN';
import enMessages from '../../src/locales/en';
import { bind } from './messages';

const t = (k: string, n?: Record<string, unknown>) => (n ? `${k}:${Object.values(n).join(',')}` : k);
const now = new Date(2024, 4, 10, 15, 30);

describe('time', () => {
  it('parses ISO timestamps and bare local dates', () => {
    expect(parseTime('2024-05-01')?.getDate()).toBe(1);
    expect(parseTime('garbage')).toBeNull();
    expect(parseTime(null)).toBeNull();
  });
  it('counts calendar days', () => {
    expect(daysSince(new Date(2024, 4, 10, 1).toISOString(), now)).toBe(0);
    expect(daysSince(new Date(2024, 4, 9, 23).toISOString(), now)).toBe(1);
    expect(daysSince('2024-05-03', now)).toBe(7);
    expect(daysSince(null, now)).toBeNull();
  });
  it('says how long ago, briefly', () => {
    expect(relativeTime(t, null, now)).toBe('time.never');
    expect(relativeTime(t, new Date(2024, 4, 10, 15, 29, 40).toISOString(), now)).toBe('time.justNow');
    expect(relativeTime(t, new Date(2024, 4, 10, 15, 5).toISOString(), now)).toBe('time.minutesAgo:25');
    expect(relativeTime(t, new Date(2024, 4, 10, 8, 5).toISOString(), now)).toBe('time.today:08:05');
    expect(relativeTime(t, new Date(2024, 4, 9, 20, 0).toISOString(), now)).toBe('time.yesterday:20:00');
    expect(relativeTime(t, '2024-05-09', now)).toBe('time.yesterdayDate');
    expect(relativeTime(t, new Date(2024, 4, 1, 20, 0).toISOString(), now)).toBe('time.daysAgo:9');
    expect(relativeTime(t, '2023-12-01', now)).toBe('time.day:2023,12,1,2023-12-01');
  });
  it('formats full times and ages', () => {
    expect(fullTime(t, new Date(2024, 0, 2, 3, 4).toISOString())).toBe('time.day:2024,1,2,2024-01-02 03:04');
    expect(ageOn('1958-03-07', now)).toBe(66);
    expect(ageOn('1958-06-07', now)).toBe(65);
    expect(ageOn(null, now)).toBeNull();
  });
  it('writes a day without its weekday the way the language does', () => {
    const zh = (_k: string, n?: Record<string, unknown>) => `${n?.y}年${n?.m}月${n?.d}日`;
    expect(dayText(zh, '2026-12-05')).toBe('2026年12月5日');
    expect(dayText(zh, '2026-01-04T08:05')).toBe('2026年1月4日');
    expect(dayText(zh, '下周')).toBe('下周');
    expect(dayText(zh, null)).toBe('');
  });
  it('writes a time within the year short, the way the language does', () => {
    expect(shortTime(bind(zhMessages).t, '2026-05-01T10:00:00')).toBe('5月1日 10:00');
    expect(shortTime(bind(zhMessages).t, '2026-12-05T08:05')).toBe('12月5日 08:05');
    expect(shortTime(bind(enMessages).t, '2026-05-01T10:00')).toBe('05-01 10:00');
    expect(shortTime(bind(zhMessages).t, '2026-05-01')).toBe('2026-05-01');
  });
  it('writes a local date and time the way the language does', () => {
    expect(formatDateTime('2026-12-05T14:00', 'zh-CN')).toBe('2026年12月5日 周六 14:00');
    expect(formatDateTime('2026-01-04T08:05', 'zh-CN')).toBe('2026年1月4日 周日 08:05');
    expect(formatDateTime('2026-12-05T14:00', 'en')).toBe('Sat 2026-12-05 14:00');
    expect(formatDateTime('12/05/2026', 'zh-CN')).toBe('');
    expect(formatDate('2026-12-01', 'zh-CN')).toBe('2026年12月1日 周二');
    expect(formatDate('2026-12-01', 'en')).toBe('Tue 2026-12-01');
    expect(formatDate('', 'zh-CN')).toBe('');
  });
});
