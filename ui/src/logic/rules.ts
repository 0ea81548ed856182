// Pure helpers of the township's decision rules editor (处置规则): the fever threshold as typed,
// the conditions and their decisions, the risk-area list, and where a backend error belongs.
import type { Decision, DecisionRules, RiskArea } from '../types';
import { tempTenths } from './checkpoint';

/** The conditions a decision is set for, in the order of the screen. */
export const RULE_CONDITIONS = [
  'fever_decision',
  'yellow_decision',
  'red_decision',
  'medium_risk_decision',
  'high_risk_decision',
] as const;
export type RuleCondition = (typeof RULE_CONDITIONS)[number];

/** "37.3", "37.3℃", "３７．３" → 373; null when it is not a temperature at all. Whether it is an
 * accepted threshold is the backend's to say (set_rules). */
export function parseFever(text: string): number | null {
  return tempTenths(text);
}

/** 373 → "37.3". */
export function feverText(tenths: number): string {
  return (tenths / 10).toFixed(1);
}

/** A copy to edit, the since dates as YYYY-MM-DD. */
export function editableRules(r: DecisionRules): DecisionRules {
  return { ...r, risk_areas: r.risk_areas.map((a) => ({ ...a, since: a.since.slice(0, 10) })) };
}

/** The area appended to the list (the backend checks the name: length, duplicates). */
export function addArea(list: RiskArea[], area: RiskArea): RiskArea[] {
  return [...list, { name: area.name.trim(), level: area.level, since: area.since.trim() }];
}

export function removeArea(list: RiskArea[], index: number): RiskArea[] {
  return list.filter((_, i) => i !== index);
}

/** Rules as set_rules takes them: the typed fever threshold in tenths. */
export function rulesPayload(r: DecisionRules, feverTenths: number): DecisionRules {
  return {
    ...r,
    fever_tenths: feverTenths,
    fever_decision: r.fever_decision,
    yellow_decision: r.yellow_decision,
    red_decision: r.red_decision,
    medium_risk_decision: r.medium_risk_decision,
    high_risk_decision: r.high_risk_decision,
    risk_areas: r.risk_areas.map((a) => ({ name: a.name.trim(), level: a.level, since: a.since.trim() })),
  };
}

/** Two rule sets are the same (nothing to save). */
export function sameRules(a: DecisionRules, b: DecisionRules): boolean {
  return JSON.stringify(rulesPayload(a, a.fever_tenths)) === JSON.stringify(rulesPayload(b, b.fever_tenths));
}

/** The editor's key a set_rules error belongs to: the threshold, a condition, or the areas. */
export function rulesFieldOf(field: string | undefined | null): 'fever_tenths' | RuleCondition | 'risk_areas' | null {
  if (!field) return null;
  const f = field.replace(/^rules\./, '').replace(/\[\d+\].*$|\.\d+.*$/, '');
  if (f === 'fever_tenths' || f === 'fever') return 'fever_tenths';
  if (f === 'risk_areas' || f === 'name' || f === 'level' || f === 'since') return 'risk_areas';
  return (RULE_CONDITIONS as readonly string[]).includes(f) ? (f as RuleCondition) : null;
}

/** Decisions in the order of the buttons: least strict first. */
export const RULE_DECISIONS: Decision[] = ['allow', 'turn-back', 'observe'];
