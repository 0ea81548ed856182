// The township overview's columns, and the list each figure opens.
import type { OverviewFigures } from '../types';
import { RISK_TAGS, VULNERABLE, codeKey } from './codes';
import { percent } from './reports';

/** A column of the overview: its figure, its label key, the header group it sits under. */
export interface OverviewColumn {
  key: OverviewKey;
  label: string;
  /** A longer explanation (the header's title). */
  hint?: string;
  group?: 'followUps' | 'checkpoint';
  /** How a non-zero value is coloured: warn (orange) or alert (red). */
  tone?: 'warn' | 'alert';
  /** The label on a phone's card, where no group header says what it is part of. */
  cardLabel?: string;
}

/** The state of a follow-up of the day, as the due list says it. */
export type FollowUpState = 'due' | 'done' | 'overdue' | 'missed';
export const FOLLOW_UP_STATES: FollowUpState[] = ['due', 'done', 'overdue', 'missed'];

/**
 * The kinds of isolation an open case can be in on a day: its policy's phase that day, or
 * `none` outside every phase (not started yet, or past its last day and not released).
 */
export const CASE_KINDS = ['centralized', 'home-isolation', 'home-monitoring', 'daily-monitoring', 'none'] as const;

/** A figure of one code: persons by risk tag or 七类人, open cases by kind of isolation. */
export type CodedKey = `tag:${string}` | `vul:${string}` | `kind:${string}`;

export type OverviewKey =
  | 'households'
  | 'persons'
  | 'persons_at_risk'
  | 'cases_active'
  | 'escalated'
  | FollowUpState
  | 'in'
  | 'out'
  | 'turned_back'
  | 'observed'
  | 'coverage'
  | CodedKey;

export const OVERVIEW_COLUMNS: OverviewColumn[] = [
  { key: 'households', label: 'reports.overview.households' },
  { key: 'persons', label: 'reports.overview.persons' },
  { key: 'cases_active', label: 'reports.overview.casesActive' },
  { key: 'escalated', label: 'reports.overview.escalated', hint: 'reports.overview.escalatedHint', tone: 'alert' },
  { key: 'due', label: 'reports.overview.due', group: 'followUps' },
  { key: 'done', label: 'reports.overview.done', group: 'followUps' },
  { key: 'overdue', label: 'reports.overview.overdue', group: 'followUps', tone: 'warn' },
  { key: 'missed', label: 'reports.overview.missed', group: 'followUps', tone: 'alert' },
  { key: 'in', label: 'reports.overview.in', group: 'checkpoint', cardLabel: 'reports.figure.checkpoint_in' },
  { key: 'out', label: 'reports.overview.out', group: 'checkpoint', cardLabel: 'reports.figure.checkpoint_out' },
  { key: 'turned_back', label: 'reports.overview.turnedBack', group: 'checkpoint', tone: 'warn' },
  { key: 'observed', label: 'reports.overview.observed', group: 'checkpoint', tone: 'alert' },
  { key: 'coverage', label: 'reports.overview.coverage' },
];

/** The sets of columns the overview shows one at a time, over the same rows. */
export type FigureSet = 'main' | 'tags' | 'vulnerable' | 'kinds';
export const FIGURE_SETS: FigureSet[] = ['main', 'tags', 'vulnerable', 'kinds'];

/** The columns of a set: the summary, persons by risk tag, by 七类人, open cases by kind. */
export function columnsOf(set: FigureSet): OverviewColumn[] {
  switch (set) {
    case 'main':
      return OVERVIEW_COLUMNS;
    case 'tags':
      return [
        { key: 'persons_at_risk', label: 'reports.overview.atRisk' },
        ...RISK_TAGS.map((c): OverviewColumn => ({ key: `tag:${c}`, label: codeKey('risk', c), tone: c === 'red-code' ? 'alert' : undefined })),
      ];
    case 'vulnerable':
      return VULNERABLE.map((c): OverviewColumn => ({ key: `vul:${c}`, label: codeKey('vulnerable', c) }));
    case 'kinds':
      return [
        { key: 'cases_active', label: 'reports.overview.casesActive' },
        ...CASE_KINDS.map(
          (k): OverviewColumn =>
            k === 'none'
              ? { key: `kind:${k}`, label: 'reports.overview.noKind', hint: 'reports.overview.noKindHint', tone: 'warn' }
              : { key: `kind:${k}`, label: `isolation.phaseKind.${k}` },
        ),
      ];
  }
}

/** The code of a coded key, and which map of the figures holds it. */
function coded(key: OverviewKey): { map: 'by_tag' | 'by_vulnerable' | 'cases_by_kind'; code: string } | null {
  const [prefix, code] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (prefix === 'tag') return { map: 'by_tag', code };
  if (prefix === 'vul') return { map: 'by_vulnerable', code };
  if (prefix === 'kind') return { map: 'cases_by_kind', code };
  return null;
}

/** The number of a row under a column (coverage as its share 0..1). */
export function figureOf(row: OverviewFigures, key: OverviewKey): number {
  const c = coded(key);
  if (c) return Number(row[c.map]?.[c.code] ?? 0);
  switch (key) {
    case 'in':
    case 'out':
    case 'turned_back':
    case 'observed':
      return Number(row.checkpoint?.[key] ?? 0);
    default:
      return Number(row[key as Exclude<OverviewKey, CodedKey | 'in' | 'out' | 'turned_back' | 'observed'>] ?? 0);
  }
}

/** A route the app has: a path and its query. */
export interface Link {
  path: string;
  query?: Record<string, string>;
}

/**
 * The list behind a figure of the village `villageId` (null: the township's totals) on `date`,
 * narrowed to its group `groupId` when the figure is a group's: the group's households, its
 * persons by risk tag or 七类人, its cases (where their households live; by kind of isolation
 * on the day), its follow-ups of the day in one state, and its households not covered. `checkpoints` are the
 * village's checkpoints: with exactly one, its entries of the day open; with several (or for
 * the township) the checkpoint screen, where one picks. Checkpoints are the village's, so a
 * group's crossings (it has none, see `groupHas`) would open the village's.
 */
export function figureLink(
  key: OverviewKey,
  villageId: string | null,
  date: string,
  checkpoints: string[],
  groupId?: string | null,
): Link {
  const unit: Record<string, string> = villageId ? { village: villageId, ...(groupId ? { group: groupId } : {}) } : {};
  const c = coded(key);
  if (c?.map === 'by_tag') return { path: '/persons', query: { ...unit, tag: c.code } };
  if (c?.map === 'by_vulnerable') return { path: '/persons', query: { ...unit, vulnerable: c.code } };
  if (c?.map === 'cases_by_kind') return { path: '/isolation', query: { ...unit, kind: c.code, date } };
  switch (key) {
    case 'households':
    case 'persons':
      return { path: '/households', query: unit };
    case 'persons_at_risk':
      return { path: '/persons', query: unit };
    case 'escalated':
      return { path: '/isolation', query: { ...unit, filter: 'escalated' } };
    case 'cases_active':
      return { path: '/isolation', query: unit };
    case 'due':
    case 'done':
    case 'overdue':
    case 'missed':
      return { path: '/followups', query: { ...unit, state: key, date } };
    case 'in':
    case 'out':
    case 'turned_back':
    case 'observed':
      return villageId && checkpoints.length === 1
        ? { path: `/checkpoint/${encodeURIComponent(checkpoints[0])}/entries`, query: { date } }
        : { path: '/checkpoint' };
    case 'coverage':
      return { path: '/coverage', query: unit };
    default:
      return { path: '/overview' };
  }
}

/** Whether a group has the figure `key`: checkpoints belong to the village, not to a group. */
export function groupHas(key: OverviewKey): boolean {
  return !['in', 'out', 'turned_back', 'observed'].includes(key);
}

/**
 * The 日报 screen of `date` (the date left out when it is `today`), narrowed to the village
 * `villageId` and within it to the group `groupId` (a group only with its village).
 */
export function reportsLink(date: string, today: string, villageId?: string | null, groupId?: string | null): Link {
  const query: Record<string, string> = {};
  if (date !== today) query.date = date;
  if (villageId) {
    query.village = villageId;
    if (groupId) query.group = groupId;
  }
  return { path: '/reports', query };
}

/** How many groups have not reported yet (missing) and how many reported after the deadline. */
export function groupsBehind(groups: { report: string }[]): { late: number; missing: number } {
  return {
    late: groups.filter((g) => g.report === 'late').length,
    missing: groups.filter((g) => g.report === 'missing').length,
  };
}

/**
 * A figure as shown: coverage as a percentage, counts with digit grouping. Coverage of a unit
 * without households is no share at all: a dash, not 0 %.
 */
export function shownFigure(row: OverviewFigures, key: OverviewKey): string {
  const n = figureOf(row, key);
  if (key !== 'coverage') return n.toLocaleString();
  return figureOf(row, 'households') ? percent(n) : '—';
}

/** The colour of a figure: coverage below 60 % red, below 90 % orange; counts by their column. */
export function figureTone(row: OverviewFigures, c: OverviewColumn): '' | 'zero' | 'warn' | 'alert' {
  const n = figureOf(row, c.key);
  if (c.key === 'coverage') {
    if (!figureOf(row, 'households')) return 'zero';
    return n < 0.6 ? 'alert' : n < 0.9 ? 'warn' : '';
  }
  return n > 0 && c.tone ? c.tone : n === 0 ? 'zero' : '';
}
