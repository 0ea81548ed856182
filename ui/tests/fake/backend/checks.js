// The fake backend's field checks: the domain's rules, with the backend's Chinese messages.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);
export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}
function validDate(y, m, d) {
  const dt = new Date(y, m - 1, d);
  return dt.getFullYear() === y && dt.getMonth() === m - 1 && dt.getDate() === d;
}
export function checkIdNumber(raw) {
  const v = String(raw || '').replace(/\s+/g, '').toUpperCase();
  if (!v) return { ok: false, message: '请填写身份证号' };
  // Passports and 港澳台 permits.
  if (/^[A-Z]{1,2}\d{7,9}$/.test(v)) return { ok: true, normalized: v };
  if (v.length !== 18) return { ok: false, message: `身份证号应为18位，现在是${v.length}位` };
  if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, message: '身份证号前17位应为数字，最后一位为数字或X' };
  if (!PROVINCES.has(Number(v.slice(0, 2)))) return { ok: false, message: '身份证号前6位地区码无效' };
  const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
  if (y < 1900 || !validDate(y, m, d) || new Date(y, m - 1, d) > new Date()) {
    return { ok: false, message: '身份证号中的出生日期无效' };
  }
  if (checkChar(v.slice(0, 17)) !== v[17]) return { ok: false, message: '身份证号校验不通过：某一位可能输错了，请逐位核对' };
  return { ok: true, normalized: v };
}
export function checkPhone(raw) {
  const v = String(raw || '').replace(/[\s]+/g, '');
  if (!v) return { ok: true, normalized: '' };
  if (/^1[3-9]\d{9}$/.test(v)) return { ok: true, normalized: v };
  const m = /^(0\d{2,3})-?(\d{7,8})$/.exec(v);
  if (m) return { ok: true, normalized: `${m[1]}-${m[2]}` };
  return { ok: false, message: '电话号码格式不正确：手机号为11位，座机需带区号（如0818-8912653）' };
}
const PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳使领]$/;
function checkPlate(raw) {
  const v = String(raw || '').replace(/[\s·.-]+/g, '').toUpperCase();
  if (!v) return { ok: true, normalized: '' };
  if (PLATE.test(v)) return { ok: true, normalized: v };
  return { ok: false, message: '车牌号格式不正确（如：蒙G12345）' };
}
function checkName(raw) {
  const v = String(raw || '').trim();
  if (!v) return { ok: false, message: '请填写姓名' };
  if (v.length > 20) return { ok: false, message: '姓名不能超过20个字' };
  if (/\d/.test(v)) return { ok: false, message: '姓名不能包含数字' };
  return { ok: true, normalized: v };
}
function checkAddress(raw) {
  const v = String(raw || '').trim();
  if (!v) return { ok: false, message: '请填写地址' };
  if (v.length > 100) return { ok: false, message: '地址不能超过100个字' };
  return { ok: true, normalized: v };
}
export const CHECKS = { id_number: checkIdNumber, phone: checkPhone, plate: checkPlate, name: checkName, address: checkAddress };

export class Invalid {
  constructor(field, message) {
    this.kind = 'invalid';
    this.field = field;
    this.message = message;
  }
}
export function must(field, value, errField) {
  const r = CHECKS[field](value);
  if (!r.ok) throw new Invalid(errField || field, r.message);
  return r.normalized;
}
export const notFound = (what) => ({ kind: 'not_found', message: `${what}不存在或已删除` });
