// Dates as grid workers read them: "3 天前", "今天 10:32", or a plain date.

const DAY = 86_400_000;

export function parseTime(s: string | null | undefined): Date | null {
  if (!s) return null;
  // A bare date ("2024-05-01") is a local day, not UTC midnight.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between `s` and `now` (0 = today); null when never. */
export function daysSince(s: string | null | undefined, now: Date = new Date()): number | null {
  const d = parseTime(s);
  if (!d) return null;
  return Math.max(0, Math.round((startOfDay(now) - startOfDay(d)) / DAY));
}

const pad = (n: number) => String(n).padStart(2, '0');

export function hhmm(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ymd(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export type Translate = (key: string, named?: Record<string, unknown>) => string;

/** Short relative time for the sync bar and lists. */
export function relativeTime(t: Translate, s: string | null | undefined, now: Date = new Date()): string {
  const d = parseTime(s);
  if (!d) return t('time.never');
  const ms = now.getTime() - d.getTime();
  if (ms < 60_000 && ms > -60_000) return t('time.justNow');
  if (ms > 0 && ms < 3_600_000) return t('time.minutesAgo', { n: Math.floor(ms / 60_000) });
  const days = daysSince(s, now) ?? 0;
  const hasClock = !/^\d{4}-\d{2}-\d{2}$/.test(s ?? '');
  if (days === 0) return hasClock ? t('time.today', { time: hhmm(d) }) : t('time.todayDate');
  if (days === 1) return hasClock ? t('time.yesterday', { time: hhmm(d) }) : t('time.yesterdayDate');
  if (days < 30) return t('time.daysAgo', { n: days });
  return dayText(t, ymd(d));
}

/**
 * A day ("YYYY-MM-DD", or the day of "YYYY-MM-DDTHH:MM…") as the language writes it, without
 * the weekday: "2026年12月5日" in Chinese, "2026-12-05" in English; any other text as it is.
 */
export function dayText(t: Translate, s: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s ?? '');
  if (!m) return s ?? '';
  return t('time.day', { y: +m[1], m: +m[2], d: +m[3], iso: `${m[1]}-${m[2]}-${m[3]}` });
}

/**
 * A local time ("YYYY-MM-DDTHH:MM…") within the year, short, as the language writes it:
 * "5月1日 10:00" in Chinese, "05-01 10:00" in English; any other text as it is.
 */
export function shortTime(t: Translate, at: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at ?? '');
  if (!m) return at ?? '';
  return `${t('time.monthDay', { m: +m[2], d: +m[3], md: `${m[2]}-${m[3]}` })} ${m[4]}:${m[5]}`;
}

/** Full local time for history entries: "2026年12月5日 14:05". */
export function fullTime(t: Translate, s: string | null | undefined): string {
  const d = parseTime(s);
  if (!d) return '';
  return `${dayText(t, ymd(d))} ${hhmm(d)}`;
}

/** Age in whole years on `now`, from "YYYY-MM-DD"; null when unknown. */
export function ageOn(birth: string | null | undefined, now: Date = new Date()): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(birth ?? '');
  if (!m) return null;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  let age = now.getFullYear() - y;
  if (now.getMonth() + 1 < mo || (now.getMonth() + 1 === mo && now.getDate() < d)) age--;
  return age >= 0 && age < 150 ? age : null;
}

const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** A local "YYYY-MM-DD" as the language writes it: "2026年12月5日 周六", "Sat 2026-12-05"; empty otherwise. */
export function formatDate(s: string | null | undefined, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s ?? '');
  if (!m) return '';
  return formatDateTime(`${s}T00:00`, locale).slice(0, -6);
}

/**
 * A local "YYYY-MM-DDTHH:MM" as the language writes it: "2026年12月5日 周六 14:00" in Chinese,
 * "Sat 2026-12-05 14:00" otherwise; empty when it is not such a time.
 */
export function formatDateTime(s: string | null | undefined, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(s ?? '');
  if (!m) return '';
  const day = new Date(+m[1], +m[2] - 1, +m[3]).getDay();
  if (locale === 'zh-CN') return `${+m[1]}年${+m[2]}月${+m[3]}日 ${WEEKDAYS_ZH[day]} ${m[4]}:${m[5]}`;
  const en = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][day];
  return `${en} ${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}`;
}
