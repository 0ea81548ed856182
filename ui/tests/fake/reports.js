// The fake backend's township overview and daily report commands, added to
// window.__fake.commands (see backend/). A small fixed fixture, not the store's logic:
// the first two groups of each of the three villages report by 17:00, each village by 18:00;
// today starts with one group late (新华村1组), groups and villages missing (红星村2组, 红星村),
// a zero report (新华村2组), the others in on time. Figures are fixed per group (a village's are
// its groups' sum); one group carries a key the UI has no label for (`vaccinations`). The
// overview's drill-down lists these reporting groups with their households and persons from
// the ledger and fixed follow-up figures (OVERVIEW_GROUPS). Submitting
// flips a unit to in (late after its deadline at the fake clock); a second submission keeps the
// first (a unit counts once). Other days start with nothing in.
//
// Options (window.__FAKE_OPTS): now ('YYYY-MM-DDTHH:MM', local) starts the clock there, as in
// checkpoint/. Tests reach the fixture through window.__fake.reports.
import { reportState } from '../../src/logic/reports';
import { householdRow, ordered } from './backend/records.js';

(function installFakeReports() {
  const g = globalThis;
  if (!g.__fake || g.__fake.reports) return;
  const fake = g.__fake;
  const { state, commands } = fake;
  const { uuid, Invalid, notFound, touched } = fake.lib;
  const opts = g.__FAKE_OPTS || {};

  const started = Date.now();
  const start = opts.now ? new Date(`${opts.now.slice(0, 16)}:00`).getTime() : started;
  const pad = (n) => String(n).padStart(2, '0');
  const local = (d) =>
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const now = () => local(new Date(start + (Date.now() - started)));
  const today = local(new Date(start)).slice(0, 10);

  const DEADLINE = { group: '17:00:00', village: '18:00:00' };
  const f = (a) => ({
    registered_risk: a[0],
    isolation_home_isolation: a[1],
    isolation_centralized: a[2],
    isolation_home_monitoring: a[3],
    cases_started: a[4],
    cases_released: a[5],
    checks_done: a[6],
    checks_missed: a[7],
    referrals: a[8],
    tests_done: a[9],
    tests_positive: a[10],
    checkpoint_in: a[11],
    checkpoint_out: a[12],
    turned_back: a[13],
    observed: a[14],
    households_verified: a[15],
  });
  const GROUP_FIGURES = {
    'v-hongxing-g1': f([2, 3, 0, 1, 1, 0, 6, 0, 0, 5, 0, 38, 41, 2, 0, 12]),
    'v-hongxing-g2': f([1, 1, 0, 0, 0, 1, 2, 1, 0, 2, 0, 9, 7, 0, 1, 7]),
    'v-xinhua-g1': f([0, 2, 1, 0, 0, 0, 4, 0, 1, 3, 0, 15, 12, 1, 0, 9]),
    'v-xinhua-g2': f([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    'v-dongfeng-g1': { ...f([1, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 22, 25, 0, 0, 15]), vaccinations: 3 },
    'v-dongfeng-g2': f([0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 6, 6, 0, 0, 4]),
  };
  /** Today's reports already in: unit id → {at 'HH:MM:SS', zero}. */
  const SEEDED = {
    'v-hongxing-g1': { at: '16:32:00', zero: false },
    'v-xinhua-g1': { at: '17:24:00', zero: false },
    'v-xinhua-g2': { at: '16:50:00', zero: true },
    'v-xinhua': { at: '17:55:00', zero: false },
    'v-dongfeng-g1': { at: '16:05:00', zero: false },
    'v-dongfeng-g2': { at: '16:40:00', zero: false },
    'v-dongfeng': { at: '17:30:00', zero: true },
  };
  /** Per village, the overview's figures that are not counts of households and persons. */
  const OVERVIEW = {
    'v-hongxing': { cases_active: 4, escalated: 1, due: 8, overdue: 1, missed: 0, checkpoint: { in: 38, out: 41, turned_back: 2, observed: 1 }, coverage: 0.82 },
    'v-xinhua': { cases_active: 2, escalated: 0, due: 4, overdue: 0, missed: 1, checkpoint: { in: 12, out: 15, turned_back: 0, observed: 0 }, coverage: 0.64 },
    'v-dongfeng': { cases_active: 0, escalated: 0, due: 0, overdue: 0, missed: 0, checkpoint: { in: 0, out: 0, turned_back: 0, observed: 0 }, coverage: 0.95 },
  };

  /** Per reporting group, the overview's figures that are not counts of households and persons. */
  const OVERVIEW_GROUPS = {
    'v-hongxing-g1': { persons_at_risk: 1, cases_active: 2, escalated: 1, due: 5, done: 3, overdue: 1, missed: 0, coverage: 0.9 },
    'v-hongxing-g2': { persons_at_risk: 0, cases_active: 1, escalated: 0, due: 2, done: 1, overdue: 0, missed: 0, coverage: 0.7 },
    'v-xinhua-g1': { persons_at_risk: 1, cases_active: 2, escalated: 0, due: 3, done: 2, overdue: 0, missed: 1, coverage: 0.75 },
    'v-xinhua-g2': { persons_at_risk: 0, cases_active: 0, escalated: 0, due: 0, done: 0, overdue: 0, missed: 0, coverage: 0.5 },
    'v-dongfeng-g1': { persons_at_risk: 0, cases_active: 0, escalated: 0, due: 0, done: 0, overdue: 0, missed: 0, coverage: 1 },
    'v-dongfeng-g2': { persons_at_risk: 0, cases_active: 0, escalated: 0, due: 0, done: 0, overdue: 0, missed: 0, coverage: 0.9 },
  };

  // The units: each village and its first two groups.
  const units = [];
  for (const v of state.villages) {
    for (const grp of v.groups.slice(0, 2)) units.push({ level: 'group', id: grp.id, name: `${v.name}${grp.name}`, village_id: v.id });
    units.push({ level: 'village', id: v.id, name: v.name, village_id: v.id });
  }
  const unit = (level, id) => units.find((u) => u.level === level && u.id === id);
  const groupsOf = (vid) => units.filter((u) => u.level === 'group' && u.village_id === vid);
  const figuresOf = (u) =>
    u.level === 'group'
      ? { ...GROUP_FIGURES[u.id] }
      : groupsOf(u.id).reduce((sum, grp) => {
          for (const [k, n] of Object.entries(GROUP_FIGURES[grp.id])) sum[k] = (sum[k] || 0) + n;
          return sum;
        }, {});

  /** Reports made: `${date}|${unit id}` → {report_id, at, late, zero, note}. */
  const made = new Map();
  for (const [id, r] of Object.entries(SEEDED)) {
    const u = units.find((x) => x.id === id);
    const due = `${today}T${DEADLINE[u.level]}`;
    const at = `${today}T${r.at}`;
    made.set(`${today}|${id}`, { report_id: uuid('rep'), at, late: at > due, zero: r.zero, note: null });
  }

  function checkDate(date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date || ''))) throw new Invalid('date', '日期格式不正确，应为 YYYY-MM-DD');
    return date;
  }
  function find(level, unitId) {
    if (level !== 'group' && level !== 'village') throw new Invalid('level', '报告级别应为 group 或 village');
    const u = unit(level, unitId);
    if (!u) throw notFound(level === 'group' ? '组' : '村（社区）');
    return u;
  }
  function statusRow(u, date) {
    const r = made.get(`${date}|${u.id}`);
    return { ...u, due: `${date}T${DEADLINE[u.level]}`, submitted_at: r ? r.at : null, late: r ? r.late : false, zero: r ? r.zero : false };
  }
  const stateOf = reportState;
  const add = (into, from) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] || 0) + n;
    return into;
  };

  const M = (date) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
  function reportText(u, date) {
    const row = statusRow(u, date);
    const x = figuresOf(u);
    const lines = [
      `【${u.name} ${row.zero ? '零报告' : '日报告'}】${M(date)}`,
      `新增登记：${x.registered_risk}人`,
      `居家隔离：${x.isolation_home_isolation}人（今日已随访${x.checks_done}次，漏访${x.checks_missed}次）；集中隔离：${x.isolation_centralized}人；居家健康监测：${x.isolation_home_monitoring}人`,
      `新增管控：${x.cases_started}人；解除：${x.cases_released}人；转诊发热门诊：${x.referrals}人`,
      `核酸检测：${x.tests_done}人，阳性${x.tests_positive}人`,
      `卡口：进${x.checkpoint_in}人次，出${x.checkpoint_out}人次，劝返${x.turned_back}人次，留观${x.observed}人次`,
      `入户核查：${x.households_verified}户`,
    ];
    if (u.level === 'village') {
      const missing = groupsOf(u.id).filter((grp) => !made.has(`${date}|${grp.id}`)).map((grp) => grp.name);
      if (missing.length) lines.push(`未报：${missing.join('、')}`);
    }
    lines.push(row.submitted_at ? `报告人：${state.actor} ${row.submitted_at.slice(11, 16)}${row.late ? '（迟报）' : ''}` : '（尚未提交）');
    return lines.join('\n');
  }

  Object.assign(commands, {
    overview: ({ date }) => {
      const day = date ? checkDate(date) : today;
      const villages = commands.villages().map((v) => ({
        id: v.id,
        name: v.name,
        households: v.households,
        persons: v.persons,
        ...OVERVIEW[v.id],
        report: stateOf(statusRow(unit('village', v.id), day)),
        groups: groupsOf(v.id).map((u) => {
          const hs = ordered(v.id).filter((h) => h.group_id === u.id);
          return {
            id: u.id,
            name: u.name,
            households: hs.length,
            persons: hs.reduce((n, h) => n + householdRow(h).residents, 0),
            ...OVERVIEW_GROUPS[u.id],
            report: stateOf(statusRow(u, day)),
          };
        }),
      }));
      const households = villages.reduce((n, v) => n + v.households, 0);
      const township = {
        households,
        persons: villages.reduce((n, v) => n + v.persons, 0),
        cases_active: villages.reduce((n, v) => n + v.cases_active, 0),
        escalated: villages.reduce((n, v) => n + v.escalated, 0),
        due: villages.reduce((n, v) => n + v.due, 0),
        overdue: villages.reduce((n, v) => n + v.overdue, 0),
        missed: villages.reduce((n, v) => n + v.missed, 0),
        checkpoint: villages.reduce((c, v) => add(c, v.checkpoint), {}),
        coverage: households ? villages.reduce((n, v) => n + v.coverage * v.households, 0) / households : 0,
      };
      return { date: day, township: { ...township, report: `${villages.filter((v) => v.report !== 'missing').length}/${villages.length}` }, villages };
    },
    report_status: ({ date }) => units.map((u) => statusRow(u, checkDate(date))),
    report_rollup: ({ date, to }) => {
      checkDate(date);
      if (to !== undefined && to !== null) checkDate(to);
      const villages = state.villages.map((v) => {
        const rows = [...groupsOf(v.id), unit('village', v.id)].map((u) => statusRow(u, date));
        const groupsIn = rows.filter((r) => r.level === 'group' && r.submitted_at);
        return {
          id: v.id,
          figures: groupsIn.reduce((sum, r) => add(sum, GROUP_FIGURES[r.id]), {}),
          expected: rows.length,
          actual: rows.filter((r) => r.submitted_at).length,
          on_time: rows.filter((r) => r.submitted_at && !r.late).length,
          groups_submitted: groupsIn.length,
          groups_total: groupsOf(v.id).length,
        };
      });
      const township = villages.reduce(
        (t, v) => ({ figures: add(t.figures, v.figures), expected: t.expected + v.expected, actual: t.actual + v.actual, on_time: t.on_time + v.on_time }),
        { figures: {}, expected: 0, actual: 0, on_time: 0 },
      );
      return { date, township, villages };
    },
    report_figures: ({ level, unitId, date }) => {
      checkDate(date);
      return { figures: figuresOf(find(level, unitId)) };
    },
    report_submit: ({ level, unitId, date, zero, note }) => {
      checkDate(date);
      const u = find(level, unitId);
      if (note !== null && note !== undefined && String(note).length > 200) throw new Invalid('note', '情况说明不能超过200个字');
      const key = `${date}|${u.id}`;
      const at = now();
      const late = at > `${date}T${DEADLINE[u.level]}`;
      const report_id = uuid('rep');
      // A unit reported twice counts once: the first report stays the one that counts.
      if (!made.has(key)) made.set(key, { report_id, at, late, zero: !!zero, note: note ?? null });
      touched();
      return { report_id, late, figures: figuresOf(u) };
    },
    report_text: ({ level, unitId, date }) => {
      checkDate(date);
      if (level === 'township') {
        const r = commands.report_rollup({ date });
        const lines = [`【${state.township_name || '镇街'} 日报汇总】${M(date)}`];
        for (const v of r.villages) {
          const name = state.villages.find((x) => x.id === v.id).name;
          lines.push(`${name}：应报${v.expected} 已报${v.actual} 按时${v.on_time}；组已报${v.groups_submitted}/${v.groups_total}`);
        }
        lines.push(`合计：应报${r.township.expected} 已报${r.township.actual} 按时${r.township.on_time}`);
        return lines.join('\n');
      }
      return reportText(find(level, unitId), date);
    },
  });

  fake.reports = { units, made, today, GROUP_FIGURES, OVERVIEW, OVERVIEW_GROUPS, now };
})();
