// The fake backend's lists behind the township overview's figures of persons, cases by kind and
// follow-ups by state, and those figures on the overview (reports.js gives the rest): persons
// by risk tag and 七类人 counted from the ledger (under their village, and under the group of
// their household), open cases (in all, under 异常/转诊, by kind of isolation on the day) and
// the day's follow-ups by state counted from isolation.js's cases, each the length of the list
// it opens, as the store counts them. `persons_listed` answers masked, as every list does.
import { RISK_TAGS, VULNERABLE } from '../../src/logic/codes';
import { isOpen } from '../../src/logic/isolation';
import { CASE_KINDS } from '../../src/logic/overview';
import { masked } from './backend/masked.js';

(function installFakeOverviewLists() {
  const g = globalThis;
  const fake = g.__fake;
  if (!fake || fake.commands.persons_listed || !fake.commands.overview) return;
  const { state, commands } = fake;
  const { Invalid } = fake.lib;
  const overview = commands.overview;
  const alive = (r) => r && !r.deleted;

  /** Persons (not deleted) with their village and group: those of the ledger's households. */
  function persons() {
    const out = [];
    for (const p of state.persons.values()) {
      const h = state.households.get(p.household_id);
      if (!alive(p) || !h) continue;
      out.push({ p, village_id: h.village_id, group_id: h.group_id || null, address: h.address });
    }
    return out;
  }
  const checked = (field, code, codes) => {
    if (code && !codes.includes(code)) throw new Invalid(field, `“${code}”不是有效的取值`);
    return code;
  };
  const inUnit = (r, villageId, groupId) => (!villageId || r.village_id === villageId) && (!groupId || r.group_id === groupId);

  /** The figures of one unit (a village, a group of it, or the township with neither), the
   * cases and follow-ups counted from `day`, the isolation of the day (isolation.js). */
  function figures(day, villageId, groupId) {
    const mine = persons().filter((r) => inUnit(r, villageId, groupId));
    const unit = { villageId: villageId || undefined, groupId: groupId || undefined };
    const count = (codes, of) => Object.fromEntries(codes.map((c) => [c, mine.filter((r) => of(r.p).includes(c)).length]));
    const kinds = Object.fromEntries(
      CASE_KINDS.map((k) => [k, day.cases({ kind: k, ...unit }).length]),
    );
    const due = day.followUps(unit);
    const states = Object.fromEntries(['due', 'done', 'overdue', 'missed'].map((s) => [s, due.filter((r) => r.status === s).length]));
    return {
      persons_at_risk: mine.filter((r) => r.p.tags.length).length,
      by_tag: count(RISK_TAGS, (p) => p.tags),
      by_vulnerable: count(VULNERABLE, (p) => p.vulnerable),
      cases_active: Object.values(kinds).reduce((a, b) => a + b, 0),
      escalated: day.cases({ escalation: true, ...unit }).filter((c) => isOpen(c.status)).length,
      cases_by_kind: kinds,
      ...states,
    };
  }

  Object.assign(commands, {
    overview: async (args) => {
      const o = await overview(args);
      const day = await fake.isolation.day(o.date);
      return {
        ...o,
        township: { ...o.township, ...figures(day, null, null) },
        villages: o.villages.map((v) => ({
          ...v,
          ...figures(day, v.id, null),
          groups: v.groups.map((gr) => ({ ...gr, ...figures(day, v.id, gr.id) })),
        })),
      };
    },
    persons_listed: ({ query }) => {
      const q = query || {};
      const tag = checked('tags', q.tag, RISK_TAGS);
      const vulnerable = checked('vulnerable', q.vulnerable, VULNERABLE);
      return persons()
        .filter((r) => inUnit(r, q.village, q.group))
        .filter((r) => (tag ? r.p.tags.includes(tag) : vulnerable ? true : r.p.tags.length > 0))
        .filter((r) => !vulnerable || r.p.vulnerable.includes(vulnerable))
        .map((r) =>
          masked({
            person_id: r.p.id,
            household_id: r.p.household_id,
            village_id: r.village_id,
            group_id: r.group_id,
            name: r.p.name,
            id_number: r.p.id_number,
            phone: r.p.phone,
            address: r.address,
            tags: [...r.p.tags],
            vulnerable: [...r.p.vulnerable],
          }),
        );
    },
  });
})();
