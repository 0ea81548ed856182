// The township's rules (判定规则) of the checkpoint fake: the suggestion for an entry, by the
// UI's own rules (src/logic/checkpoint.ts), and the rules as staff edit them.
import { DECISIONS, localSuggestion, severity } from '../../../src/logic/checkpoint';
import { enumOf, fake, Invalid, LABEL, state, touched } from './state.js';

const SUFFIXES = ['特别行政区', '自治区', '自治州', '自治县', '街道', '社区', '省', '市', '区', '县', '州', '镇', '乡', '村'];
export const fold = (s) => String(s).replace(/\s+/g, '').toLowerCase();
function stem(name) {
  for (const s of SUFFIXES) {
    if (name.endsWith(s) && [...name].length - [...s].length >= 2) return name.slice(0, -s.length);
  }
  return name;
}
/** The listed areas `text` names (in full, or without its 市/区/县…), of those in force. */
function matchAreas(text, areas) {
  const t = fold(text);
  if (!t) return [];
  return areas.filter((a) => t.includes(fold(a.name)) || t.includes(stem(fold(a.name))));
}
/** The backend's texts of a reason the UI's rules give (src/logic/checkpoint.ts). */
function reasonText(r, x) {
  const level = x.code === 'risk-area-high' ? 'high' : 'medium';
  switch (x.code) {
    case 'fever': {
      const limit = (r.fever_tenths / 10).toFixed(1);
      return [`体温${x.detail}℃，达到发热标准${limit}℃`, `temperature ${x.detail} °C is at or above the fever threshold ${limit} °C`];
    }
    case 'health-code-yellow':
    case 'health-code-red': {
      const code = x.code.slice('health-code-'.length);
      return [`健康码为${LABEL[code]}`, `health code is ${code}`];
    }
    case 'risk-area-unlisted':
      return [`申报到过风险地区“${x.detail}”，当前名单中没有`, `declared risk area '${x.detail}' is not on the current list`];
    default:
      return [`14天内到过${LABEL[level]}地区：${x.detail}`, `visited ${level} risk area ${x.detail} in the last 14 days`];
  }
}
/**
 * The township's rules applied to a valid entry, by the UI's own localSuggestion: the areas
 * are the listed ones (in force on `day`) that the declared areas or the travel text name,
 * then each declared area that names none of them (unlisted).
 */
export function suggest(v, day) {
  const inForce = { ...state.rules, risk_areas: state.rules.risk_areas.filter((a) => a.since <= day) };
  const listed = matchAreas([...v.areas, v.travel].join('|'), inForce.risk_areas).map((a) => a.name);
  const unlisted = v.areas.filter((name) => !matchAreas(name, inForce.risk_areas).length);
  const temp = (v.temperature_tenths / 10).toFixed(1);
  const { decision, reasons: found } = localSuggestion(inForce, { temp, code: v.health_code, areas: [...listed, ...unlisted] });
  const reasons = found.map((x) => {
    const [zh, en] = reasonText(inForce, x);
    return { code: x.code, zh, en, decision: x.decision };
  });
  if (!reasons.length) {
    reasons.push({ code: 'all-clear', zh: '体温正常、绿码、14天内无中高风险地区旅居史', en: 'normal temperature, green code, no medium- or high-risk travel in 14 days', decision: 'allow' });
  }
  return { decision, reasons };
}

Object.assign(fake.commands, {
  rules: () => JSON.parse(JSON.stringify(state.rules)),
  set_rules: ({ rules }) => {
    const r = rules || {};
    const tenths = Number(r.fever_tenths);
    if (!Number.isInteger(tenths) || tenths < 370 || tenths > 385) throw new Invalid('fever_tenths', '发热标准应在37.0–38.5℃之间');
    const decisions = {};
    for (const f of ['fever_decision', 'yellow_decision', 'red_decision', 'medium_risk_decision', 'high_risk_decision']) {
      decisions[f] = enumOf(f, '处置', r[f], DECISIONS);
    }
    if (decisions.fever_decision === 'allow') throw new Invalid('fever_decision', '发热人员不能设为直接放行');
    if (decisions.red_decision === 'allow') throw new Invalid('red_decision', '红码人员不能设为直接放行');
    if (severity(decisions.high_risk_decision) < severity(decisions.medium_risk_decision)) {
      throw new Invalid('high_risk_decision', '高风险地区的处置不能比中风险地区宽松');
    }
    const areas = [];
    const seen = [];
    (Array.isArray(r.risk_areas) ? r.risk_areas : []).forEach((a, i) => {
      const name = String((a && a.name) ?? '').trim();
      const key = fold(name);
      const len = [...key].length;
      if (len < 2 || len > 50) throw new Invalid('risk_areas', `第${i + 1}个风险地区名称应为2–50个字`);
      if (seen.includes(key)) throw new Invalid('risk_areas', `风险地区“${name}”重复`);
      seen.push(key);
      const level = enumOf('risk_areas', '风险等级', a.level, ['medium', 'high']);
      const since = String(a.since ?? '').trim();
      const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since);
      const day = d && new Date(+d[1], +d[2] - 1, +d[3]);
      if (!d || day.getMonth() !== +d[2] - 1 || day.getDate() !== +d[3]) {
        throw new Invalid('risk_areas', `第${i + 1}个风险地区的起始日期“${since}”应为 YYYY-MM-DD`);
      }
      areas.push({ name, level, since });
    });
    state.rules = { fever_tenths: tenths, ...decisions, risk_areas: areas };
    touched();
    return JSON.parse(JSON.stringify(state.rules));
  },
});
