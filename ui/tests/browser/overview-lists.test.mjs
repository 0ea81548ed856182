// The township overview's figures of persons by risk tag and 七类人, of open cases by kind of
// isolation and of today's follow-ups by state, on a laptop and a phone, against the fake
// backend (tests/fake/overview-lists.js counts them from its ledger and cases): each set of
// columns shows the figures the backend sends, and each figure of a village, a group or the
// township opens its list, as long as the figure, narrowed to the unit (persons masked).
// 异常/转诊 says the same rule on the overview and on the cases list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, startServer, withApp } from './helpers.mjs';

const TODAY = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const fakeCall = (page, cmd, args) => page.evaluate(([c, a]) => window.__fake.commands[c](a), [cmd, args]);
const village = (id) => `[data-test="overview-row"][data-village="${id}"]`;
const group = (id) => `[data-test="overview-group"][data-group="${id}"]`;

/** The number shown under `key` in the row or card `row` (a selector). */
async function shown(page, row, key) {
  const el = page.locator(`${row} [data-test="fig-${key}"]`);
  return el.evaluate((e) => (e.classList.contains('num') ? e : e.querySelector('.num')).innerText.trim());
}
async function pickSet(page, set) {
  await page.locator(`[data-test="figure-set"][data-set="${set}"]`).click();
  await page.waitForURL(set === 'main' ? /#\/overview$/ : new RegExp(`set=${set}`));
}
/** The units of the overview with a figure: [selector, figures, village id, group id]. */
function units(o) {
  const out = [[village('township'), o.township, null, null]];
  for (const v of o.villages) {
    out.push([village(v.id), v, v.id, null]);
    for (const g of v.groups) out.push([group(g.id), g, v.id, g.id]);
  }
  return out;
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`township overview: figures by tag, kind and state (${size})`, () => {
    test('every set of columns shows the figures sent; a figure by tag, 七类人, kind or state opens its list, as long as the figure', async () => {
      const fake = { role: 'township', now: `${TODAY}T11:40` };
      await withApp(server, { viewport, fake, hash: '#/overview' }, async (page, { shot, wide }) => {
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        // One check of the morning made on time, so that a follow-up is done today.
        const morning = (await fakeCall(page, 'due_list', { date: TODAY })).find((r) => r.kind === 'check' && r.window_start < `${TODAY}T11:00`);
        await fakeCall(page, 'record_check', { form: { case_id: morning.case_id, temp: '36.5', symptoms: [], method: 'phone', at: morning.window_start } });
        await page.locator('[data-test="day-prev"]').click();
        await page.locator('[data-test="day-next"]').click();
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        const o = await fakeCall(page, 'overview', { date: TODAY });
        // Open every village's groups, so that a group's figures are there too.
        for (const v of o.villages) await page.locator(`${village(v.id)} [data-test="open-groups"]`).click();
        await page.locator('[data-test="overview-group"]').first().waitFor();

        // Each set: the figures of every unit as the backend sent them.
        const sets = {
          tags: (f) => ({ persons_at_risk: f.persons_at_risk, ...Object.fromEntries(Object.entries(f.by_tag).map(([k, n]) => [`tag:${k}`, n])) }),
          vulnerable: (f) => Object.fromEntries(Object.entries(f.by_vulnerable).map(([k, n]) => [`vul:${k}`, n])),
          kinds: (f) => ({ cases_active: f.cases_active, ...Object.fromEntries(Object.entries(f.cases_by_kind).map(([k, n]) => [`kind:${k}`, n])) }),
        };
        for (const [set, of] of Object.entries(sets)) {
          await pickSet(page, set);
          for (const [row, f] of units(o)) {
            for (const [key, n] of Object.entries(of(f))) assert.equal(await shown(page, row, key), n.toLocaleString('en-US'), `${set} ${row} ${key}`);
          }
          if (set === 'tags') await shot('overview-tags');
          if (set === 'kinds') await shot('overview-kinds');
        }
        const sum = (f, map) => Object.values(f[map]).reduce((a, b) => a + b, 0);
        assert.ok(sum(o.township, 'by_tag') > 0 && sum(o.township, 'by_vulnerable') > 0 && o.township.cases_active > 0);
        assert.equal(sum(o.township, 'cases_by_kind'), o.township.cases_active, 'the kinds add up');

        // The summary: 已随访 beside the other states, 异常/转诊 said as the cases list says it.
        await pickSet(page, 'main');
        for (const [row, f] of units(o)) assert.equal(await shown(page, row, 'done'), String(f.done), row);
        if (wide) assert.match(await page.locator('[data-test="overview-table"] thead').innerText(), /异常\/转诊[\s\S]*今日随访[\s\S]*待随访[\s\S]*已随访[\s\S]*超时[\s\S]*漏访/);

        /** Opens the figure `key` of `unit` from the set `set`, on the overview as it was left. */
        const open = async (set, [row, , vid, gid], key) => {
          await page.goto(`${server.url}#/overview`);
          await page.locator('[data-test="overview-row"]').nth(3).waitFor();
          const pick = page.locator(`[data-test="figure-set"][data-set="${set}"]`);
          if ((await pick.getAttribute('aria-selected')) !== 'true') await pick.click();
          if (gid) {
            const groups = page.locator(`${village(vid)} [data-test="open-groups"]`);
            if ((await groups.getAttribute('aria-expanded')) !== 'true') await groups.click();
            await page.locator(row).waitFor();
          }
          await page.locator(`${row} [data-test="fig-${key}"]`).click();
        };
        // A unit with the figure, the smallest first (a group if one has it).
        const having = (get) => units(o).filter(([, f]) => get(f) > 0).sort((a, b) => (a[3] ? 0 : 1) - (b[3] ? 0 : 1) || get(a[1]) - get(b[1]))[0];
        const unitQuery = (u) => (u[2] ? `village=${u[2]}${u[3] ? `&group=${u[3]}` : ''}&` : '');

        // A risk tag: the persons list of the unit with that tag, masked.
        const tag = Object.keys(o.township.by_tag).find((k) => o.township.by_tag[k] > 0);
        let u = having((f) => f.by_tag[tag]);
        await open('tags', u, `tag:${tag}`);
        await page.waitForURL(new RegExp(`#/persons\\?${unitQuery(u).replace(/&$/, '')}.*tag=${tag}`));
        await page.locator('[data-test="person-row"], [data-test="persons-empty"]').first().waitFor();
        assert.equal(await page.locator('[data-test="person-row"]').count(), u[1].by_tag[tag], `tag ${tag} of ${u[0]}`);
        assert.match(await page.locator('[data-test="persons-count"]').innerText(), new RegExp(`共 ${u[1].by_tag[tag]} 人`));
        assert.match(await page.locator('[data-test="person-row"]').first().innerText(), /\*{4}/, 'masked');
        if (u[2]) assert.equal((await page.locator('[data-test="unit-chip"]').getAttribute('data-village')), u[2]);
        const asked = (await callsOf(page, 'persons_listed')).at(-1).args.query;
        assert.deepEqual([asked.tag, asked.village, asked.group], [tag, u[2], u[3]]);
        await shot('persons-by-tag');

        // A 七类人 category of the township: every person of it.
        const cat = Object.keys(o.township.by_vulnerable).find((k) => o.township.by_vulnerable[k] > 0);
        await open('vulnerable', units(o)[0], `vul:${cat}`);
        await page.waitForURL(new RegExp(`#/persons\\?vulnerable=${cat}$`));
        await page.locator('[data-test="person-row"]').first().waitFor();
        assert.equal(await page.locator('[data-test="person-row"]').count(), o.township.by_vulnerable[cat]);

        // A kind of isolation: the open cases of the unit in that kind today.
        const kind = Object.keys(o.township.cases_by_kind).find((k) => o.township.cases_by_kind[k] > 0);
        u = having((f) => f.cases_by_kind[kind]);
        await open('kinds', u, `kind:${kind}`);
        await page.waitForURL(new RegExp(`#/isolation\\?${unitQuery(u)}kind=${kind}&date=${TODAY}$`));
        await page.locator('[data-test="kind-chip"]').waitFor();
        await page.locator('[data-test="case-row"]').first().waitFor();
        assert.equal(await page.locator('[data-test="case-row"]').count(), u[1].cases_by_kind[kind], `kind ${kind} of ${u[0]}`);
        assert.deepEqual((({ kind: k, date, villageId, groupId }) => [k, date, villageId, groupId])((await callsOf(page, 'cases')).at(-1).args), [
          kind,
          TODAY,
          u[2] ?? undefined,
          u[3] ?? undefined,
        ]);
        await shot('cases-by-kind');
        // The 随访 tab opens the whole list afresh, though the route is the one already shown.
        const before = (await callsOf(page, 'cases')).length;
        await page.locator('[data-nav="/isolation"]:visible').click();
        await page.waitForURL(/#\/isolation$/);
        await page.locator('[data-test="kind-chip"]').waitFor({ state: 'detached' });
        await page.waitForFunction((n) => window.__fake.calls.filter((c) => c.cmd === 'cases').length > n, before);
        const fresh = (await callsOf(page, 'cases')).at(-1).args;
        assert.deepEqual([fresh.kind, fresh.villageId, fresh.groupId], [undefined, undefined, undefined], JSON.stringify(fresh));
        assert.equal(await page.locator('[data-test="unit-chip"]').count(), 0, 'no unit');

        // Today's follow-ups in each state with any: that state's list, not the cases.
        for (const state of ['due', 'done', 'overdue', 'missed']) {
          u = having((f) => f[state]);
          if (!u) continue;
          await open('main', u, state);
          await page.waitForURL(new RegExp(`#/followups\\?${unitQuery(u)}state=${state}&date=${TODAY}$`));
          await page.locator('[data-test="follow-up-row"]').first().waitFor();
          const states = await page.locator('[data-test="follow-up-row"]').evaluateAll((els) => els.map((e) => e.dataset.state));
          assert.equal(states.length, u[1][state], `${state} of ${u[0]}`);
          assert.ok(states.every((s) => s === state));
          assert.match(await page.locator('[data-test="follow-up-state"] .van-tab--active').innerText(), new RegExp(String(u[1][state])));
          if (state === 'done') await shot('follow-ups-done');
        }
        assert.ok(o.township.done > 0 && o.township.due + o.township.overdue > 0, 'the fixture has follow-ups done and open');

        // 异常/转诊: the cases list's tab says the overview's rule and counts as the backend's.
        await page.goto(`${server.url}#/isolation?filter=escalated`);
        await page.locator('[data-test="case-filter"] .van-tab--active').waitFor();
        const tab = await page.locator('[data-test="case-filter"] .van-tab--active').innerText();
        const listed = (await fakeCall(page, 'cases', { escalation: true })).length;
        assert.match(tab, new RegExp(`异常/转诊\\s*${listed}`));
      });
    });
  });
}
