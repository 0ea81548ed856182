import { describe, expect, it } from 'vitest';
import {
  RULE_CONDITIONS,
  addArea,
  editableRules,
  feverText,
  parseFever,
  removeArea,
  rulesFieldOf,
  rulesPayload,
  sameRules,
} from '../../src/logic/rules';
import type { DecisionRules } from '../../src/types';

const RULES: DecisionRules = {
  fever_tenths: 373,
  fever_decision: 'observe',
  yellow_decision: 'turn-back',
  red_decision: 'observe',
  medium_risk_decision: 'observe',
  high_risk_decision: 'observe',
  risk_areas: [{ name: '满洲里市', level: 'high', since: '2024-05-01' }],
  isolation_out_decision: 'turn-back',
  referral_decision: 'observe',
  monitoring_out_decision: 'turn-back',
  monitoring_allowed_purposes: ['就医', '核酸'],
};

describe('rules editor', () => {
  it('reads the fever threshold as typed', () => {
    expect(parseFever('37.3')).toBe(373);
    expect(parseFever('３７．５℃')).toBe(375);
    expect(parseFever('39')).toBe(390); // the backend refuses it with its own message
    expect(parseFever('abc')).toBeNull();
    expect(feverText(380)).toBe('38.0');
  });

  it('lists the five conditions of DecisionRules an entry is judged by (the control-state ones are kept as they are)', () => {
    const control = ['isolation_out_decision', 'referral_decision', 'monitoring_out_decision'];
    expect([...RULE_CONDITIONS].sort()).toEqual(
      Object.keys(RULES).filter((k) => k.endsWith('_decision') && !control.includes(k)).sort(),
    );
  });

  it('adds and removes areas without touching the list it was given', () => {
    const added = addArea(RULES.risk_areas, { name: ' 大连市 ', level: 'medium', since: '2024-05-03' });
    expect(added).toEqual([...RULES.risk_areas, { name: '大连市', level: 'medium', since: '2024-05-03' }]);
    expect(RULES.risk_areas).toHaveLength(1);
    expect(removeArea(added, 0)).toEqual([{ name: '大连市', level: 'medium', since: '2024-05-03' }]);
  });

  it('sends every field of DecisionRules, the threshold as typed', () => {
    const out = rulesPayload(editableRules({ ...RULES, risk_areas: [{ name: '江夏区', level: 'medium', since: '2024-05-01T00:00:00' }] }), 375);
    expect(out).toEqual({ ...RULES, fever_tenths: 375, risk_areas: [{ name: '江夏区', level: 'medium', since: '2024-05-01' }] });
    expect(sameRules(RULES, editableRules(RULES))).toBe(true);
    expect(sameRules(RULES, { ...RULES, yellow_decision: 'observe' })).toBe(false);
  });

  it('puts a backend error under the part it names', () => {
    expect(rulesFieldOf('fever_tenths')).toBe('fever_tenths');
    expect(rulesFieldOf('rules.fever_tenths')).toBe('fever_tenths');
    expect(rulesFieldOf('risk_areas')).toBe('risk_areas');
    expect(rulesFieldOf('risk_areas[2].name')).toBe('risk_areas');
    expect(rulesFieldOf('red_decision')).toBe('red_decision');
    expect(rulesFieldOf('high_risk_decision')).toBe('high_risk_decision');
    expect(rulesFieldOf('other')).toBeNull();
    expect(rulesFieldOf(undefined)).toBeNull();
  });
});
