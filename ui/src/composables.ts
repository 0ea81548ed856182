import { onBeforeUnmount, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { codeLabel, type CodeGroup } from './logic/codes';
import { errorText, fieldLabel, formatValue, type Names } from './logic/format';
import { dayText, fullTime, relativeTime, shortTime } from './logic/time';

const WIDE = '(min-width: 768px)';
const wide = ref(typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(WIDE).matches : false);
let watching = false;

/** True on laptops and tablets (≥ 768 px): list and detail side by side. */
export function useWide() {
  if (!watching && typeof window !== 'undefined' && window.matchMedia) {
    watching = true;
    window.matchMedia(WIDE).addEventListener('change', (e) => (wide.value = e.matches));
  }
  return wide;
}

/** Translation helpers bound to the current locale. */
export function useText() {
  const { t, te, locale } = useI18n();
  const tt = (k: string, named?: Record<string, unknown>) => (named ? t(k, named) : t(k));
  const has = (k: string) => te(k);
  return {
    t,
    te: has,
    locale,
    code: (group: CodeGroup, c: string) => codeLabel(tt, has, group, c),
    field: (f: string | null | undefined) => fieldLabel(tt, has, f),
    value: (f: string | null | undefined, v: unknown, names?: Names) => formatValue(tt, has, f, v, names),
    ago: (s: string | null | undefined) => relativeTime(tt, s),
    /** A day as the language writes it (2026年12月5日), never an ISO date in Chinese. */
    day: (s: string | null | undefined) => dayText(tt, s),
    /** A day and time as the language writes it (2026年12月5日 14:05). */
    when: (s: string | null | undefined) => fullTime(tt, s),
    /** A time within the year, short (5月1日 10:00). */
    short: (s: string | null | undefined) => shortTime(tt, s),
    role: (r: string) => (has(`settings.roles.${r}`) ? tt(`settings.roles.${r}`) : r),
    err: (e: unknown) => errorText(tt, locale.value, e),
  };
}

/** Runs `fn` every `ms` while the component lives (e.g. to refresh "3 分钟前"). */
export function useInterval(fn: () => void, ms: number) {
  const id = setInterval(fn, ms);
  onBeforeUnmount(() => clearInterval(id));
}
