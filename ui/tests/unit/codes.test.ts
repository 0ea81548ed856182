import { describe, expect, it } from 'vitest';
import zh from '../../src/locales/zh-CN';
import en from '../../src/locales/en';
import { CODE_GROUPS, codeFromLabel, codeKey, codeLabel, sortCodes, type CodeGroup } from '../../src/logic/codes';

function lookup(messages: unknown) {
  const t = (key: string) =>
    key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages) as string;
  const te = (key: string) => typeof t(key) === 'string';
  return { t, te };
}

describe('code ↔ label', () => {
  it('has a Chinese and an English label for every code', () => {
    for (const [group, codes] of Object.entries(CODE_GROUPS)) {
      for (const c of codes) {
        for (const m of [zh, en]) {
          const { t, te } = lookup(m);
          expect(te(codeKey(group as CodeGroup, c)), `${group}.${c}`).toBe(true);
          expect(t(codeKey(group as CodeGroup, c))).not.toBe('');
        }
      }
    }
  });

  it('uses the Chinese labels of the work plans', () => {
    const { t, te } = lookup(zh);
    expect(codeLabel(t, te, 'risk', 'close-contact')).toBe('密接');
    expect(codeLabel(t, te, 'risk', 'secondary-contact')).toBe('次密接');
    expect(codeLabel(t, te, 'risk', 'medium-risk')).toBe('中风险地区来返');
    expect(codeLabel(t, te, 'vulnerable', 'elderly-alone')).toBe('独居老人');
    expect(codeLabel(t, te, 'vulnerable', 'dialysis')).toBe('血透患者');
    expect(codeLabel(t, te, 'residency', 'tenant')).toBe('租户');
    expect(codeLabel(t, te, 'relation', 'child-in-law')).toBe('儿媳女婿');
    expect(codeLabel(t, te, 'gender', 'female')).toBe('女');
  });

  it('shows an unknown code (from a newer backend) as it is', () => {
    const { t, te } = lookup(zh);
    expect(codeLabel(t, te, 'risk', 'some-new-tag')).toBe('some-new-tag');
  });

  it('maps every label back to its code', () => {
    for (const [group, codes] of Object.entries(CODE_GROUPS)) {
      for (const c of codes) {
        const { t } = lookup(zh);
        expect(codeFromLabel(zh, group as CodeGroup, t(codeKey(group as CodeGroup, c)))).toBe(c);
      }
    }
    expect(codeFromLabel(zh, 'risk', ' 红码 ')).toBe('red-code');
    expect(codeFromLabel(zh, 'risk', '绿码')).toBeNull();
  });

  it('sorts codes in canonical order, unknown last, without duplicates', () => {
    expect(sortCodes('risk', ['red-code', 'zz', 'overseas', 'red-code'])).toEqual(['overseas', 'red-code', 'zz']);
  });
});

describe('locales', () => {
  function keys(o: unknown, prefix = ''): string[] {
    return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  }
  it('zh-CN and en have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });
  it('messages use no characters vue-i18n would parse as syntax', () => {
    for (const m of [zh, en]) {
      for (const k of keys(m)) {
        const v = lookup(m).t(k);
        expect(v, k).not.toMatch(/[@|$]/);
      }
    }
  });
});
