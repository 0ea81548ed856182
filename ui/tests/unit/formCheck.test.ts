import { beforeEach, describe, expect, it, vi } from 'vitest';

const checkField = vi.fn();
vi.mock('../../src/api', () => ({ api: { checkField: (...a: unknown[]) => checkField(...a) } }));
const { checkOnBlur, checkRequired, checkableOf } = await import('../../src/formCheck');

describe('inline validation', () => {
  beforeEach(() => {
    checkField.mockReset();
  });

  it('maps form keys to check_field fields', () => {
    expect(checkableOf('head.id_number')).toBe('id_number');
    expect(checkableOf('phone')).toBe('phone');
    expect(checkableOf('relation')).toBeNull();
  });

  it('shows the Chinese message and keeps the value', async () => {
    checkField.mockResolvedValue({ ok: false, message: '身份证号校验位不正确，请核对后重新输入' });
    const errors: Record<string, string> = {};
    const set = vi.fn();
    expect(await checkOnBlur(errors, 'head.id_number', '150581195803070021', set)).toBe(false);
    expect(checkField).toHaveBeenCalledWith('id_number', '150581195803070021');
    expect(errors['head.id_number']).toBe('身份证号校验位不正确，请核对后重新输入');
    expect(set).not.toHaveBeenCalled();
  });

  it('clears the error and applies the normalized value', async () => {
    checkField.mockResolvedValue({ ok: true, normalized: '15058119850615001X' });
    const errors: Record<string, string> = { id_number: 'old' };
    const set = vi.fn();
    expect(await checkOnBlur(errors, 'id_number', '15058119850615001x', set)).toBe(true);
    expect(errors.id_number).toBe('');
    expect(set).toHaveBeenCalledWith('15058119850615001X');
  });

  it('leaves a message set while the check was on its way (a refused submit)', async () => {
    let answer: (v: unknown) => void = () => {};
    checkField.mockReturnValue(new Promise((r) => (answer = r)));
    const errors: Record<string, string> = { id_number: '' };
    const pending = checkOnBlur(errors, 'id_number', '150581195803070020', vi.fn());
    errors.id_number = '该身份证号已登记在红星村3组18号（王秀英）';
    answer({ ok: true, normalized: '150581195803070020' });
    expect(await pending).toBe(true);
    expect(errors.id_number).toBe('该身份证号已登记在红星村3组18号（王秀英）');
  });

  it('does not call the backend for empty optional values', async () => {
    const errors: Record<string, string> = {};
    expect(await checkOnBlur(errors, 'phone', '  ', vi.fn())).toBe(true);
    expect(checkField).not.toHaveBeenCalled();
  });

  it('does not block the form when the check itself fails', async () => {
    checkField.mockRejectedValue({ kind: 'io', message: 'x' });
    const errors: Record<string, string> = {};
    expect(await checkOnBlur(errors, 'phone', '123', vi.fn())).toBe(true);
  });

  it('marks empty required fields', () => {
    const errors: Record<string, string> = {};
    expect(checkRequired(errors, { name: '', id_number: '1' }, (k) => `请填写${k}`)).toBe(false);
    expect(errors).toEqual({ name: '请填写name' });
  });
});
