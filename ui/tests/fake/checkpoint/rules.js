// The township's rules (判定规则) of the checkpoint fake, as staff edit them: the form parsed
// here (decisions by code or label, each risk area's date), then checked and kept as the
// backend keeps them by the real rules (`gridbook rules check`, ./judge.js).
import { DECISIONS } from '../../../src/logic/checkpoint';
import { checkRules } from './judge.js';
import { unavailable } from '../backend/gridbook.js';
import { enumOf, fake, Invalid, state, touched } from './state.js';

Object.assign(fake.commands, {
  rules: () => JSON.parse(JSON.stringify(state.rules)),
  set_rules: async ({ rules }) => {
    const r = rules || {};
    const decisions = {};
    for (const f of ['fever_decision', 'yellow_decision', 'red_decision', 'medium_risk_decision', 'high_risk_decision']) {
      decisions[f] = enumOf(f, '处置', r[f], DECISIONS);
    }
    const areas = (Array.isArray(r.risk_areas) ? r.risk_areas : []).map((a, i) => {
      const name = String((a && a.name) ?? '').trim();
      const level = enumOf('risk_areas', '风险等级', a && a.level, ['medium', 'high']);
      const since = String((a && a.since) ?? '').trim();
      const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since);
      const day = d && new Date(+d[1], +d[2] - 1, +d[3]);
      if (!d || day.getMonth() !== +d[2] - 1 || day.getDate() !== +d[3]) {
        throw new Invalid('risk_areas', `第${i + 1}个风险地区的起始日期“${since}”应为 YYYY-MM-DD`);
      }
      return { name, level, since };
    });
    const tenths = Number(r.fever_tenths);
    const candidate = { ...state.rules, fever_tenths: Number.isInteger(tenths) ? Math.min(Math.max(tenths, 0), 65535) : 0, ...decisions, risk_areas: areas };
    const kept = await checkRules(candidate);
    if (!kept) throw unavailable('检查规则');
    state.rules = kept;
    touched();
    return JSON.parse(JSON.stringify(state.rules));
  },
});
