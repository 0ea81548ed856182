// The fake backend's isolation follow-up commands, added to window.__fake.commands (see
// backend/): policies, cases, the due list, checks and tests that escalate, referrals and
// release. Every rule is the app's own, asked of the `gridbook` command line: the built-in
// policies are the store's (`policy builtin`), a policy is checked as the store checks it
// (`policy check`), a case's phases, last day and control state on a day are the store's
// (`case state-check`), the day's checks and tests and their status
// at the fake clock come from the store's schedule (`case due-check`, which also gives the
// kind of isolation of a case on a day), a check or a sample is read and judged for
// escalation (`check review`, `test review`) and a release is refused by the release rules
// (`case release-check`). Options: window.__FAKE_OPTS.now ('YYYY-MM-DDTHH:MM', local) fixes
// the clock; .cases: false starts with no case. The seeded checks are judged on install; every
// command waits for them (`window.__fake.isolation.ready`).
import { isOpen } from '../../src/logic/isolation';
import { localMinute } from '../../src/logic/pass';
import { maskId } from '../../src/logic/mask';
import { ask, unavailable } from './backend/gridbook.js';

(function installFakeIsolation() {
  const g = globalThis;
  const fake = g.__fake;
  if (!fake || fake.commands.due_list) return;
  const { state, lib } = fake;
  const opts = g.__FAKE_OPTS || {};
  const { uuid, Invalid, notFound, touched } = lib;

  function nowLocal() {
    return opts.now ? opts.now.slice(0, 16) : localMinute(new Date());
  }
  const today = () => nowLocal().slice(0, 10);
  function addDays(date, n) {
    const [y, m, d] = date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  }

  const isolation = {
    // The built-in policies as the store lists them (`policy builtin`), read on install.
    policies: [],
    cases: new Map(),
    visits: [],
    tests: [],
    referrals: [],
  };
  fake.isolation = isolation;

  const policyRow = (p) => ({ id: p.id, code: p.code, name: p.spec.name, builtin: p.builtin, summary: p.summary, spec: p.spec });
  const findPolicy = (id) => isolation.policies.find((p) => p.id === id || p.code === id);

  /**
   * The store's view of cases on `on` (`gridbook case state-check`), in order: each case's last
   * day, dated phases and control state that day (`null` before it starts), a referral while an
   * escalation is open or the case is escalated or referred.
   */
  async function states(cases, on) {
    if (!cases.length) return [];
    const r = await ask('case state-check', {
      on,
      cases: cases.map((c) => ({ id: c.id, policy: c.spec, start: c.start, escalated: openEscalation(c.id) || ['escalated', 'referred'].includes(c.status) })),
    });
    if (!r) throw unavailable('计算管控日期');
    return r;
  }
  /** Dates a new case by its policy: its last day and phases, as the store keeps them. */
  async function dated(c) {
    const [s] = await states([c], c.start);
    c.end = s.end;
    c.phases = s.phases;
    return c;
  }
  isolation.states = states;

  /** The policy as the store keeps it with its summary as the list shows it, or the store's
   * refusal of its first problem. */
  async function checkedPolicy(spec) {
    const kept = await ask('policy check', spec);
    if (!kept) throw unavailable('检查管控方案');
    const { summary_zh: summary, ...checked } = kept;
    return { spec: checked, summary };
  }

  function openEscalation(caseId) {
    const alarms = [
      ...isolation.visits.filter((v) => v.case_id === caseId && v.escalated).map((v) => v.at),
      ...isolation.tests.filter((t) => t.case_id === caseId && t.result === 'positive').map((t) => `${t.date}T00:00`),
    ].sort();
    const clears = isolation.referrals.filter((r) => r.case_id === caseId && r.outcome === 'cleared').map((r) => r.at).sort();
    const a = alarms[alarms.length - 1];
    const c = clears[clears.length - 1];
    return !!a && (!c || a > c);
  }
  function shownStatus(c) {
    if (!isOpen(c.status)) return c.status;
    return openEscalation(c.id) ? 'escalated' : c.status;
  }

  function summaryOf(c) {
    const p = state.persons.get(c.person_id);
    const h = p && state.households.get(p.household_id);
    const seen = c.visits_seen;
    const total = isolation.visits.filter((v) => v.case_id === c.id).length + isolation.tests.filter((t) => t.case_id === c.id).length;
    return {
      id: c.id,
      status: shownStatus(c),
      in_escalation: ['escalated', 'referred'].includes(shownStatus(c)),
      escalated: openEscalation(c.id),
      needs_review: c.status === 'released' && seen !== null && total > seen,
      person_id: c.person_id,
      name: p ? p.name : '',
      village_id: h ? h.village_id : '',
      household_id: h ? h.id : null,
      policy_id: c.policy_id,
      policy_name: c.spec.name,
      fever_threshold: c.spec.fever_tenths / 10,
      reason: c.reason,
      start: c.start,
      end: c.end,
      place: c.place,
      site: c.site,
      released_on: c.released_on,
      visits_seen: seen,
      created_at: c.created_at,
      close_note: c.close_note || null,
    };
  }

  /** The team as the store gives it: role → {name, phone} (phone only when there is one). */
  function teamOf(c) {
    return Object.fromEntries((c.team || []).map((m) => [m.role, m.phone ? { name: m.name, phone: m.phone } : { name: m.name }]));
  }

  function detailOf(c) {
    const byAt = (a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
    return {
      ...summaryOf(c),
      origin: c.origin || null,
      team: teamOf(c),
      certificate: c.certificate && { ...c.certificate, id_number: maskId(c.certificate.id_number) },
      phases: c.phases,
      visits: isolation.visits.filter((v) => v.case_id === c.id).sort(byAt).map(({ case_id, ...v }) => v),
      tests: isolation.tests.filter((t) => t.case_id === c.id).sort((a, b) => (a.date < b.date ? -1 : 1)).map(({ case_id, ...t }) => t),
      referrals: isolation.referrals.filter((r) => r.case_id === c.id).sort(byAt).map(({ case_id, ...r }) => r),
    };
  }

  /**
   * The day `date` of the open cases as the store's schedule sees it at the fake clock, from one
   * answer of `gridbook case due-check`: the kind of isolation of each open case that day
   * (`none` outside its phases) and the day's checks and tests with their status. Its `cases`
   * and `followUps` narrow them as the commands of those names do. Without a command line
   * (`npm run dev`) the day has no follow-ups and no case a kind.
   */
  async function dayView(date) {
    await isolation.ready;
    const open = [...isolation.cases.values()].filter((c) => !c.deleted && isOpen(c.status));
    const answers = open.length
      ? await ask('case due-check', {
          date,
          now: nowLocal(),
          cases: open.map((c) => ({
            policy: c.spec,
            start: c.start,
            checks: isolation.visits.filter((v) => v.case_id === c.id).map((v) => v.at),
            tested: isolation.tests.some((t) => t.case_id === c.id && t.date === date),
          })),
        })
      : [];
    const kinds = new Map((answers || []).map((a, i) => [open[i].id, a.phase ?? 'none']));
    const rows = [];
    (answers || []).forEach((a, i) => {
      const c = open[i];
      const s = summaryOf(c);
      const village = state.villages.find((v) => v.id === s.village_id);
      for (const slot of a.slots) {
        rows.push({ case_id: c.id, person_id: c.person_id, name: s.name, village_id: s.village_id, village: village ? village.name : '', kind: slot.kind, day: slot.day, window_start: slot.window_start, window_end: slot.window_end, status: slot.status });
      }
    });
    const key = (r) => [r.window_start, r.village, r.name, r.case_id, r.kind].join('|');
    rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const home = (id) => state.households.get(summaryOf(isolation.cases.get(id)).household_id);
    return {
      cases: (args) => listCases(args, kinds),
      // The day's follow-ups in one state, of a village and a group (where the case's household
      // lives), as the store narrows the due list.
      followUps: ({ state: want, villageId, groupId } = {}) =>
        rows
          .filter((r) => !want || r.status === want)
          .filter((r) => !villageId || r.village_id === villageId)
          .filter((r) => !groupId || home(r.case_id)?.group_id === groupId),
    };
  }

  // groupId: the cases whose household is in the group, as the store narrows them; kind: the
  // open cases in that kind of isolation on the day of `kinds` (dayView); escalation: those
  // under 异常/转诊.
  function listCases({ status, groupId, villageId, kind, escalation }, kinds) {
    return [...isolation.cases.values()]
      .filter((c) => !c.deleted)
      .filter((c) => !kind || kinds?.get(c.id) === kind)
      .map(summaryOf)
      .filter((s) => !status || s.status === status)
      .filter((s) => !escalation || s.in_escalation)
      .filter((s) => !villageId || s.village_id === villageId)
      .filter((s) => !groupId || state.households.get(s.household_id)?.group_id === groupId)
      .sort((a, b) => (a.start < b.start ? 1 : a.start > b.start ? -1 : a.id < b.id ? -1 : 1));
  }
  isolation.day = dayView;

  function getCase(id) {
    const c = isolation.cases.get(id);
    if (!c || c.deleted) throw notFound('管控对象');
    return c;
  }

  function checkDate(field, raw) {
    const v = String(raw || '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new Invalid(field, `日期“${raw}”应为 YYYY-MM-DD`);
    return v;
  }

  /**
   * Checks recorded as the store records them: each `form` (the app's check form, its time
   * `at` or now) read and judged by the app's own rules (`gridbook check review`) against its
   * case's fever threshold, an escalation recorded with a referral. [{ v, answer }] in order.
   */
  async function addVisits(items) {
    if (!items.length) return [];
    const r = await ask('check review', {
      checks: items.map(({ c, form }) => ({ fever_tenths: c.spec.fever_tenths, form: { ...form, case_id: c.id } })),
    });
    if (!r) throw unavailable('记录随访');
    return items.map(({ c, form }, i) => {
      const a = r[i];
      const at = a.at || nowLocal();
      const v = { id: uuid('visit'), case_id: c.id, at, temperature: a.temp_tenths / 10, symptoms: a.symptoms, method: a.method, by: state.device_name, device: state.device_name, escalated: a.escalated };
      isolation.visits.push(v);
      if (a.escalated) isolation.referrals.push({ id: uuid('ref'), case_id: c.id, at, reason: a.reason, outcome: 'pending' });
      return { v, answer: a };
    });
  }

  /**
   * Whether the case of `person` may be released on `on`, asked of the app's own release rules
   * (`gridbook case release-check`): { certificate } as the release issues it when it may, else
   * the refusal { code, message } with every unmet condition (period, tests, open escalation,
   * missed follow-up days unless a reason is given, the final check).
   */
  async function releaseAnswer(c, person, on, reason) {
    const r = await ask('case release-check', {
      policy: c.spec,
      start: c.start,
      on,
      tests: isolation.tests.filter((t) => t.case_id === c.id).map((t) => ({ date: t.date, result: t.result })),
      checks: isolation.visits
        .filter((v) => v.case_id === c.id)
        .map((v) => ({ date: v.at.slice(0, 10), temp_tenths: v.temperature === null ? null : Math.round(v.temperature * 10), symptoms: v.symptoms })),
      open_escalation: openEscalation(c.id),
      reason: reason || null,
      person_name: person?.name ?? '',
      id_number: person?.id_number ?? '',
    });
    if (!r) throw unavailable('检查解除条件');
    return r.releasable ? { certificate: r.certificate } : { refusal: { code: r.code, message: r.message } };
  }

  Object.assign(fake.commands, {
    policies: async () => {
      await isolation.ready;
      return isolation.policies.map(policyRow);
    },
    add_policy: async ({ policy }) => {
      await isolation.ready;
      const p = { id: uuid('pol'), code: null, builtin: false, ...(await checkedPolicy(policy)) };
      isolation.policies.push(p);
      touched();
      return p.id;
    },
    set_policy: async ({ id, policy }) => {
      await isolation.ready;
      const { spec, summary } = await checkedPolicy(policy);
      const p = findPolicy(id);
      if (!p) throw notFound('管控方案');
      p.spec = spec;
      p.summary = summary;
      p.builtin = false;
      touched();
      return p.id;
    },
    due_list: async ({ date }) => (await dayView(date ? checkDate('date', date) : today())).followUps(),
    follow_ups: async ({ date, state: want, villageId, groupId }) => {
      if (want && !['due', 'done', 'overdue', 'missed'].includes(want)) throw new Invalid('status', `任务状态“${want}”无效`);
      return (await dayView(date ? checkDate('date', date) : today())).followUps({ state: want, villageId, groupId });
    },
    cases: async (args) => {
      if (args.kind) return (await dayView(args.date || today())).cases(args);
      await isolation.ready;
      return listCases(args, null);
    },
    case_detail: async ({ id }) => {
      await isolation.ready;
      return detailOf(getCase(id));
    },
    start_case: async ({ form }) => {
      await isolation.ready;
      const f = form || {};
      const p = state.persons.get(f.person_id);
      if (!p || p.deleted) throw notFound('人员');
      const pol = findPolicy(f.policy);
      if (!pol) throw new Invalid('policy', '请选择管控方案');
      const start = checkDate('start', f.start);
      if (f.place !== 'home' && f.place !== 'centralized') throw new Invalid('place', `隔离地点“${f.place}”无效，应为 home（居家）或 centralized（集中）`);
      for (const open of isolation.cases.values()) {
        if (open.person_id === p.id && isOpen(open.status)) throw { kind: 'refused', code: 'already-open', message: `${p.name}已在管控中，不能重复开始` };
      }
      const team = (f.team || []).filter((m) => String(m.name || '').trim());
      for (const m of team) {
        if (m.phone && !/^1[3-9]\d{9}$/.test(String(m.phone).replace(/\s/g, ''))) throw new Invalid('phone', `包保人员电话“${m.phone}”不是有效的手机号`);
      }
      const c = await dated({ id: uuid('case'), person_id: p.id, policy_id: pol.id, spec: JSON.parse(JSON.stringify(pol.spec)), reason: f.reason || p.tags[0] || null, start, place: f.place, site: f.site || null, origin: (f.origin || '').trim() || null, team, status: 'active', released_on: null, visits_seen: null, certificate: null, created_at: nowLocal() });
      isolation.cases.set(c.id, c);
      touched();
      return c.id;
    },
    record_check: async ({ form }) => {
      await isolation.ready;
      const f = form || {};
      const c = getCase(f.case_id);
      const [{ v, answer }] = await addVisits([{ c, form: f }]);
      touched();
      return { id: v.id, escalated: answer.escalated, reason: answer.reason, reason_en: answer.reason_en };
    },
    record_test: async ({ caseId, date, result }) => {
      await isolation.ready;
      const c = getCase(caseId);
      const a = await ask('test review', { date: String(date ?? ''), result: String(result ?? '') });
      if (!a) throw unavailable('记录检测结果');
      const t = { id: uuid('test'), case_id: c.id, date: a.date, result: a.result, device: state.device_name };
      isolation.tests.push(t);
      if (a.escalated) isolation.referrals.push({ id: uuid('ref'), case_id: c.id, at: `${a.date}T00:00`, reason: a.reason, outcome: 'pending' });
      touched();
      return { id: t.id, escalated: a.escalated, reason: a.reason, reason_en: a.reason_en };
    },
    close_referral: ({ caseId, outcome }) => {
      const c = getCase(caseId);
      if (outcome !== 'cleared' && outcome !== 'admitted') throw new Invalid('outcome', `转诊结果“${outcome}”无效，应为 cleared（排除）或 admitted（收治）`);
      const open = isolation.referrals.filter((r) => r.case_id === c.id && r.outcome === 'pending');
      if (!open.length) throw { kind: 'refused', code: 'no-referral', message: '没有待反馈的转诊' };
      const r = { id: uuid('ref'), case_id: c.id, at: nowLocal(), reason: open[open.length - 1].reason, outcome };
      open[open.length - 1].outcome = outcome;
      open[open.length - 1].at = r.at;
      if (outcome === 'admitted') c.status = 'referred';
      touched();
      return open[open.length - 1].id;
    },
    close_case: ({ id, status, note }) => {
      const c = getCase(id);
      if (status !== 'transferred' && status !== 'cancelled') throw new Invalid('status', `“${status}”无效，应为 transferred（转出）或 cancelled（撤销）`);
      if (!String(note || '').trim()) throw new Invalid('note', '请填写转出去向或撤销原因');
      if (!isOpen(c.status)) throw { kind: 'refused', code: 'closed', message: '管控已结束，不能再转出或撤销' };
      c.status = status;
      c.close_note = String(note).trim();
      touched();
      return null;
    },
    release_case: async ({ id, reason }) => {
      await isolation.ready;
      const c = getCase(id);
      if (!isOpen(c.status)) throw { kind: 'refused', code: 'closed', message: '该对象已不在管控中' };
      const on = today();
      const { certificate, refusal } = await releaseAnswer(c, state.persons.get(c.person_id), on, String(reason || '').trim());
      if (refusal) throw { kind: 'refused', ...refusal };
      c.status = 'released';
      c.released_on = on;
      c.visits_seen = isolation.visits.filter((v) => v.case_id === c.id).length + isolation.tests.filter((t) => t.case_id === c.id).length;
      c.certificate = certificate;
      touched();
      // As the app's command answers: the screen names the person, the ID number masked.
      return { ...certificate, id_number: maskId(certificate.id_number) };
    },
  });

  // ---- seed: three cases in the first village, one of them escalated and on a test day ---------
  isolation.ready = seed().catch((e) => {
    if (e?.kind !== 'unavailable') throw e;
  });

  /** The built-in policies, and the cases now with their past checks judged by the app's rules
   * (neither without a command line). */
  async function seed() {
    const builtin = await ask('policy builtin');
    if (!builtin) throw unavailable('读取管控方案');
    isolation.policies = builtin.map(({ id, code, builtin: b, summary: s, spec }) => ({ id, code, builtin: b, summary: s, spec }));
    if (opts.cases === false) return;
    const firstVillage = state.villages[0];
    const people = [...state.persons.values()].filter((p) => {
      const h = state.households.get(p.household_id);
      return !p.deleted && h && h.village_id === (firstVillage && firstVillage.id);
    });
    const plan = [
      { n: 0, policy: 'high-risk-arrival', ago: 3, place: 'centralized', site: '县城集中隔离点', origin: '广东省广州市' },
      { n: 5, policy: 'home-isolation', ago: 6, place: 'home' },
      { n: 11, policy: 'medium-risk-arrival', ago: 6, place: 'home' },
    ];
    const t0 = today();
    const checks = [];
    const dates = [];
    const check = (c, tenths, symptoms, at) => checks.push({ c, form: { temp: (tenths / 10).toFixed(1), symptoms, method: 'phone', at } });
    plan.forEach((s, i) => {
      const p = people[s.n];
      if (!p) return;
      const pol = findPolicy(s.policy);
      const c = { id: `case-${i + 1}`, person_id: p.id, policy_id: pol.id, spec: JSON.parse(JSON.stringify(pol.spec)), reason: p.tags[0] || 'close-contact', start: addDays(t0, -s.ago), place: s.place, site: s.site || null, origin: s.origin || null, team: [{ role: 'grid-worker', name: '张海燕', phone: '13800138000' }, { role: 'doctor', name: '李医生', phone: '13900139000' }], status: 'active', released_on: null, visits_seen: null, certificate: null, created_at: `${addDays(t0, -s.ago)}T09:00` };
      isolation.cases.set(c.id, c);
      dates.push(dated(c));
      // Past days: both checks, normal.
      for (let d = s.ago; d >= 1; d--) {
        const date = addDays(t0, -d);
        check(c, 364 + (d % 5), [], `${date}T08:3${d % 10}`);
        check(c, 362 + (d % 4), [], `${date}T16:2${d % 10}`);
      }
    });
    // The third case had a fever at yesterday's afternoon check: escalated, referral pending.
    const third = isolation.cases.get('case-3');
    if (third) check(third, 378, ['dry-cough'], `${addDays(t0, -1)}T17:05`);
    await Promise.all(dates);
    await addVisits(checks);
  }
})();
