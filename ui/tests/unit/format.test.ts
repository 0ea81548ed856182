import { describe, expect, it } from 'vitest';
import zh from '../../src/locales/zh-CN';
import en from '../../src/locales/en';
import { errorText, fieldLabel, formatValue, isConflictValue } from '../../src/logic/format';
import { bind } from './messages';


describe('value formatting', () => {
  const { t, te } = bind(zh);
  it('shows codes as labels, lists with 、, booleans as 是/否, empties as （空）', () => {
    expect(formatValue(t, te, 'tags', ['close-contact', 'red-code'])).toBe('密接、红码');
    expect(formatValue(t, te, 'tags', 'overseas,yellow-code')).toBe('境外返乡、黄码');
    expect(formatValue(t, te, 'tags', '+close-contact')).toBe('+密接');
    expect(formatValue(t, te, 'residency', 'tenant')).toBe('租户');
    expect(formatValue(t, te, 'works_away', 'true')).toBe('是');
    expect(formatValue(t, te, 'works_away', false)).toBe('否');
    expect(formatValue(t, te, 'phone', null)).toBe('（空）');
    expect(formatValue(t, te, 'phone', '13812345678')).toBe('13812345678');
    expect(formatValue(t, te, 'last_verified', new Date(2024, 4, 1, 9, 5).toISOString())).toBe('2024年5月1日 09:05');
  });
  it('labels fields', () => {
    expect(fieldLabel(t, te, 'id_number')).toBe('身份证号');
    expect(fieldLabel(t, te, 'mystery')).toBe('mystery');
    // Events are fields keyed by kind and id: the kind is the label.
    expect(fieldLabel(t, te, 'check.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b')).toBe('核查');
    expect(fieldLabel(t, te, 'vax.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b')).toBe('疫苗接种');
  });
  it('shows events as time and detail, record ids as names', () => {
    const ev = 'test.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b';
    expect(formatValue(t, te, ev, '2022-11-09|positive')).toBe('2022年11月9日 阳性');
    expect(formatValue(t, te, 'vax.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b', '2021-08-16|科兴中维')).toBe('2021年8月16日 科兴中维');
    expect(formatValue(t, te, 'check.5b2e8f90-1c3d-4e5f-8a7b-9c0d1e2f3a4b', '2022-11-05T09:00:00|红星村-网格员01')).toBe(
      '2022年11月5日 09:00 · 红星村-网格员01',
    );
    const id = 'de923a63-3fb8-4106-93e8-080cf8c938aa';
    const names = (x: string) => (x === id ? '吴俊华' : undefined);
    expect(formatValue(t, te, 'head_person_id', id, names)).toBe('吴俊华');
    expect(formatValue(t, te, 'group_id', 'a6619789-518c-4dcc-8e64-864db2a624e8', names)).toBe('关联记录');
    expect(formatValue(t, te, 'group_id', 'a6619789-518c-4dcc-8e64-864db2a624e8')).toBe('关联记录');
  });
  it('tells a conflict from a list value', () => {
    expect(isConflictValue('phone', ['1', '2'])).toBe(true);
    expect(isConflictValue('phone', '1')).toBe(false);
    expect(isConflictValue('tags', ['close-contact', 'red-code'])).toBe(false);
    expect(isConflictValue('tags', [['close-contact'], []])).toBe(true);
  });
});

describe('error text', () => {
  it('shows the Chinese message in zh-CN', () => {
    const { t } = bind(zh);
    expect(errorText(t, 'zh-CN', { kind: 'not_found', message: '户不存在或已删除' })).toBe('户不存在或已删除');
  });
  it('maps known kinds in English and keeps the message otherwise', () => {
    const { t } = bind(en);
    expect(errorText(t, 'en', { kind: 'offline', message: '网络不通' })).toBe('No network, try again later');
    expect(errorText(t, 'en', { kind: 'invalid', field: 'id_number', message: '身份证号校验位不正确' })).toBe('身份证号校验位不正确');
    expect(errorText(t, 'en', 'boom')).toBe('boom');
  });
  it('tells each refused relay certificate apart, in English too', () => {
    const { t } = bind(en);
    const told = ['cert_expired', 'cert_wrong_host', 'untrusted_relay'].map((kind) => errorText(t, 'en', { kind, message: '证书' }));
    expect(told[0]).toContain("this device's date");
    expect(told[1]).toContain('does not match');
    expect(told[2]).toContain("not the township's relay");
    expect(new Set(told).size).toBe(3);
    const zhT = bind(zh).t;
    expect(errorText(zhT, 'zh-CN', { kind: 'cert_expired', message: '中继的证书已过期' })).toBe('中继的证书已过期');
  });
});
