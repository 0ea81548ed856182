// Rendering backend values (history entries, conflict values, errors) as text.
import type { ApiError } from '../types';
import { codeLabel, type CodeGroup } from './codes';
import { dayText, fullTime } from './time';

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

type Translate = (key: string, named?: Record<string, unknown>) => string;
type HasKey = (key: string) => boolean;

const FIELD_GROUP: Record<string, CodeGroup> = {
  tags: 'risk',
  vulnerable: 'vulnerable',
  residency: 'residency',
  relation: 'relation',
  gender: 'gender',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An event is one field keyed by its kind and its own id: "check.<uuid>", "vax.<uuid>". */
const EVENT_FIELD = /^([a-z_]+)\.[0-9a-f-]{36}$/i;

/** Field name → label ("id_number" → "身份证号", "check.<uuid>" → "核查"); unknown fields as they are. */
export function fieldLabel(t: Translate, te: HasKey, field: string | null | undefined): string {
  if (!field) return '';
  const name = EVENT_FIELD.exec(field)?.[1] ?? field;
  const key = `fields.${name}`;
  return te(key) ? t(key) : field;
}

/** Names of the records a value may point at (persons, households, groups, villages), by id. */
export type Names = (id: string) => string | undefined;

/**
 * One value of a field as text: codes become labels, booleans yes/no, empty a dash, events
 * their time and detail, record ids the record's name (never the raw id).
 */
export function formatValue(t: Translate, te: HasKey, field: string | null | undefined, v: unknown, names?: Names): string {
  if (v === null || v === undefined || v === '') return t('common.empty');
  const event = field ? EVENT_FIELD.exec(field)?.[1] : undefined;
  if (event && typeof v === 'string') return eventValue(t, te, event, v);
  if (typeof v === 'string' && UUID.test(v)) return names?.(v) ?? t('history.linked');
  const group = field ? FIELD_GROUP[field] : undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) return t('common.empty');
    return v.map((x) => formatValue(t, te, field, x)).join('、');
  }
  if (typeof v === 'boolean' || v === 'true' || v === 'false') {
    return v === true || v === 'true' ? t('common.yes') : t('common.no');
  }
  if (typeof v === 'string' && group) {
    // "+close-contact" / "-close-contact" edits, or a comma list of codes.
    const m = /^([+-])(.+)$/.exec(v);
    if (m) return `${m[1] === '+' ? '+' : '−'}${codeLabel(t, te, group, m[2])}`;
    return v
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => codeLabel(t, te, group, c))
      .join('、');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string' && ISO_DATETIME.test(v)) return fullTime(t, v) || v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return dayText(t, v);
  return String(v);
}

/** "2022-11-05T09:00:00|红星村-网格员01" → "2022年11月5日 09:00 · 红星村-网格员01"; "2022-11-09|positive" → "2022年11月9日 阳性". */
function eventValue(t: Translate, te: HasKey, kind: string, v: string): string {
  const [at, detail = ''] = v.split('|');
  const when = ISO_DATETIME.test(at) ? fullTime(t, at) || at : dayText(t, at);
  const resultKey = `isolation.test.${detail}`;
  const what = kind === 'test' && te(resultKey) ? t(resultKey) : detail;
  if (!what) return when;
  return kind === 'check' ? `${when} · ${what}` : `${when} ${what}`;
}

/**
 * A history value is "a JSON value, or an array of values when in conflict". For tag fields a
 * plain value is itself an array of codes, so only an array of arrays is a conflict there.
 */
export function isConflictValue(field: string | null | undefined, v: unknown): v is unknown[] {
  if (!Array.isArray(v)) return false;
  if (field === 'tags' || field === 'vulnerable') return v.length > 0 && v.every((x) => Array.isArray(x));
  return v.length > 1;
}

const KNOWN_KINDS = [
  'not_found', 'not_enrolled', 'offline', 'forbidden', 'conflict', 'io', 'storage', 'sync', 'internal',
  'untrusted_relay', 'cert_expired', 'cert_wrong_host',
];

/** The text to show for an error: the backend's Chinese message, or an English one for known kinds. */
export function errorText(t: Translate, locale: string, err: ApiError | unknown): string {
  const e = err as ApiError;
  const message = e && typeof e === 'object' && 'message' in e ? String(e.message) : String(err);
  if (locale !== 'zh-CN' && e && typeof e.kind === 'string' && KNOWN_KINDS.includes(e.kind)) {
    return t(`errors.${e.kind}`);
  }
  return message || t('errors.internal');
}
