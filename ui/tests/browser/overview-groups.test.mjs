// The township overview's groups (组), on a laptop and a phone, against the fake backend's report
// fixture (tests/fake/reports.js): a village opens its groups with the same figures and each
// group's report, so a group late or missing is found from the overview; every report chip opens
// 日报 narrowed to its village or group, and 日报 widens again on request.
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

/** The figures shown in a group's row or card, by key. */
async function shownFigures(page, groupId) {
  return page.locator(`${group(groupId)} [data-test^="fig-"]`).evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.dataset.test.slice(4), (e.classList.contains('num') ? e : e.querySelector('.num')).innerText.trim()])),
  );
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`township overview: groups (${size})`, () => {
    test('a village opens its groups with their figures and reports; a late or missing group is seen and opens 日报', async () => {
      const fake = { role: 'township', now: `${TODAY}T17:40` };
      await withApp(server, { viewport, fake, hash: '#/overview' }, async (page, { shot, wide }) => {
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        const expected = await fakeCall(page, 'overview', { date: TODAY });
        // Closed, a village says how its groups stand: 红星村 has one group missing, 新华村 one late.
        assert.equal(await page.locator('[data-test="overview-group"]').count(), 0);
        assert.match(await page.locator(`${village('v-hongxing')} [data-test="groups-behind"]`).innerText(), /2个组[\s\S]*1组未报/);
        const xinhua = await page.locator(`${village('v-xinhua')} [data-test="groups-behind"]`).innerText();
        assert.match(xinhua, /1组迟报/);
        assert.doesNotMatch(xinhua, /未报/);
        assert.doesNotMatch(await page.locator(`${village('v-dongfeng')} [data-test="groups-behind"]`).innerText(), /未报|迟报/);

        // 新华村 opens: its groups, each with the same figures as its village has (checkpoints
        // are the village's) and its report.
        await page.locator(`${village('v-xinhua')} [data-test="open-groups"]`).click();
        const rows = page.locator('[data-test="overview-group"]');
        await rows.first().waitFor();
        const want = expected.villages.find((v) => v.id === 'v-xinhua').groups;
        assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.group)), want.map((g) => g.id));
        for (const g of want) {
          const pct = `${Math.round(g.coverage * 100)}%`;
          assert.deepEqual(await shownFigures(page, g.id), {
            households: g.households.toLocaleString('en-US'),
            persons: g.persons.toLocaleString('en-US'),
            cases_active: String(g.cases_active),
            escalated: String(g.escalated),
            due: String(g.due),
            done: String(g.done),
            overdue: String(g.overdue),
            missed: String(g.missed),
            coverage: pct,
          }, g.id);
          assert.ok(g.households > 0, `the fixture's ${g.id} has households`);
          if (wide) assert.equal(await page.locator(`${group(g.id)} .num.none`).count(), 4, 'checkpoint columns: —');
        }
        const chips = await rows.locator('[data-test="report-chip"]').evaluateAll((els) =>
          els.map((e) => [e.closest('[data-group]').dataset.group, e.dataset.state, e.innerText.trim()]),
        );
        assert.deepEqual(chips, [
          ['v-xinhua-g1', 'late', '迟报'],
          ['v-xinhua-g2', 'zero', '零报告'],
        ]);
        assert.match(await page.locator(group('v-xinhua-g1')).innerText(), /^1组/);

        // 红星村 too: its second group has not reported.
        await page.locator(`${village('v-hongxing')} [data-test="open-groups"]`).click();
        const missing = page.locator(`${group('v-hongxing-g2')} [data-test="report-chip"]`);
        assert.equal(await missing.getAttribute('data-state'), 'missing');
        assert.equal((await missing.innerText()).trim(), '未报');
        await shot('overview-groups');

        // Its chip opens 日报 narrowed to 红星村, the group marked.
        await page.locator(`${group('v-hongxing-g2')} [data-test="report-link"]`).click();
        await page.waitForURL(/#\/reports\?village=v-hongxing&group=v-hongxing-g2$/);
        await page.locator('[data-test="status-village"]').first().waitFor();
        assert.match(await page.locator('[data-test="reports-narrowed"]').innerText(), /只看 红星村 2组/);
        assert.deepEqual(
          await page.locator('[data-test="status-village"]').evaluateAll((els) => els.map((e) => e.dataset.village)),
          ['v-hongxing'],
        );
        const marked = page.locator('[data-test="status-group"][data-focus]');
        assert.equal(await marked.count(), 1);
        assert.equal(await marked.getAttribute('data-group'), 'v-hongxing-g2');
        assert.equal(await marked.getAttribute('data-state'), 'missing');
        assert.deepEqual(
          await page.locator('[data-test="rollup-row"]').evaluateAll((els) => els.map((e) => e.dataset.village)),
          ['township', 'v-hongxing'],
        );
        assert.deepEqual(await page.locator('[data-test="sum-groups"] b').evaluateAll((els) => els.map((e) => Number(e.innerText))), [1, 0, 1]);
        await shot('reports-narrowed');

        // 看全部: every village again, the address without the narrowing.
        await page.locator('[data-test="reports-show-all"] .van-tag__close').click();
        await page.waitForURL(/#\/reports$/);
        await page.locator('[data-test="status-village"]').nth(2).waitFor();
        assert.equal(await page.locator('[data-test="reports-narrowed"]').count(), 0);

        // A village's own chip opens 日报 narrowed to the village alone.
        await page.goBack();
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        await page.locator(`${village('v-xinhua')} [data-test="report-link"]`).click();
        await page.waitForURL(/#\/reports\?village=v-xinhua$/);
        assert.match(await page.locator('[data-test="reports-narrowed"]').innerText(), /只看 新华村$/);
        assert.equal(await page.locator('[data-test="status-group"][data-focus]').count(), 0);
      });
    });

    test("a group's figures open its lists narrowed to the group, as many as the figure says", async () => {
      const fake = { role: 'township', now: `${TODAY}T17:40` };
      await withApp(server, { viewport, fake, hash: '#/overview' }, async (page, { shot }) => {
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        const expected = await fakeCall(page, 'overview', { date: TODAY });
        const hongxing = expected.villages.find((v) => v.id === 'v-hongxing');
        const openGroups = async () => {
          await page.locator('[data-test="overview-row"]').nth(3).waitFor();
          await page.locator(`${village('v-hongxing')} [data-test="open-groups"]`).click();
          await page.locator(group(hongxing.groups[0].id)).waitFor();
        };
        const chip = () => page.locator('[data-test="unit-chip"]');
        assert.ok(hongxing.groups.length >= 2);
        for (const g of hongxing.groups) {
          const unit = `village=v-hongxing&group=${g.id}`;
          const named = `红星村 · ${g.name.replace(/^红星村/, '')}`;

          // 户数: the households of the group, as many as the figure, fewer than the village's.
          await openGroups();
          await page.locator(`${group(g.id)} [data-test="fig-households"]`).click();
          await page.waitForURL(new RegExp(`#/households\\?${unit}$`));
          await page.locator('[data-test="household-total"]', { hasText: `共 ${g.households.toLocaleString('en-US')} 户` }).waitFor();
          assert.ok(g.households > 0 && g.households < hongxing.households, `${g.id}: ${g.households} of ${hongxing.households}`);
          assert.equal((await chip().innerText()).trim(), named);
          assert.equal((await callsOf(page, 'list_households')).at(-1).args.groupId, g.id);
          if (g === hongxing.groups[0]) await shot('households-of-group');
          // The chip's cross: the whole village again.
          await chip().locator('.van-tag__close').click();
          await page.waitForURL(/#\/households\?village=v-hongxing$/);
          await page.locator('[data-test="household-total"]', { hasText: `共 ${hongxing.households.toLocaleString('en-US')} 户` }).waitFor();
          assert.equal(await chip().count(), 0);
          await page.goBack();

          // 在管: the open cases whose household is in the group.
          await openGroups();
          await page.locator(`${group(g.id)} [data-test="fig-cases_active"]`).click();
          await page.waitForURL(new RegExp(`#/isolation\\?${unit}$`));
          assert.equal((await chip().innerText()).trim(), named);
          await page.locator('[data-test="case-row"], [data-test="cases-empty"]').first().waitFor();
          assert.equal((await callsOf(page, 'cases')).at(-1).args.groupId, g.id);
          const theirs = (await fakeCall(page, 'cases', { groupId: g.id })).filter((c) => ['active', 'escalated', 'referred'].includes(c.status));
          assert.deepEqual(
            await page.locator('[data-test="case-row"]').evaluateAll((els) => els.map((e) => e.dataset.case)),
            theirs.map((c) => c.id),
          );
          await page.goBack();

          // 覆盖率: the group's households not verified this week, under the group alone.
          await openGroups();
          await page.locator(`${group(g.id)} [data-test="fig-coverage"]`).click();
          await page.waitForURL(new RegExp(`#/coverage\\?${unit}$`));
          await page.locator('[data-test="coverage-summary"]').waitFor();
          assert.equal((await chip().innerText()).trim(), named);
          assert.equal((await callsOf(page, 'coverage')).at(-1).args.groupId, g.id);
          const uncovered = await fakeCall(page, 'coverage', { days: 7, villageId: 'v-hongxing', groupId: g.id });
          const groupsShown = await page.locator('[data-test="coverage-group"]').evaluateAll((els) => els.map((e) => e.dataset.group));
          assert.deepEqual(groupsShown, uncovered.length ? [g.name.replace(/^红星村/, '')] : []);
          if (uncovered.length) {
            assert.match(await page.locator('[data-test="coverage-summary"]').innerText(), new RegExp(`${uncovered.length} 户`));
          }
          await page.goBack();
        }
      });
    });

    test('a group reported late is seen so the day before too, and 全部展开 opens every village', async () => {
      const fake = { role: 'township', now: `${TODAY}T17:40` };
      await withApp(server, { viewport, fake, hash: '#/overview' }, async (page, { wide }) => {
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        const expected = await fakeCall(page, 'overview', { date: TODAY });
        const all = expected.villages.flatMap((v) => v.groups.map((g) => g.id));
        if (wide) {
          await page.locator('[data-test="open-all-groups"]').click();
          assert.match(await page.locator('[data-test="open-all-groups"]').innerText(), /收起各组/);
        } else {
          for (const v of expected.villages) await page.locator(`${village(v.id)} [data-test="open-groups"]`).click();
        }
        await page.locator('[data-test="overview-group"]').nth(all.length - 1).waitFor();
        assert.deepEqual(await page.locator('[data-test="overview-group"]').evaluateAll((els) => els.map((e) => e.dataset.group)), all);
        // Each group's chip says what the fixture says.
        for (const v of expected.villages) {
          for (const g of v.groups) {
            assert.equal(await page.locator(`${group(g.id)} [data-test="report-chip"]`).getAttribute('data-state'), g.report, g.id);
          }
        }
        // The day before: nothing was in, every group missing; the groups stay open.
        await page.locator('[data-test="day-prev"]').click();
        await page.waitForURL(/date=/);
        await page.locator(`[data-test="overview-group"] [data-test="report-chip"]:not([data-state="missing"])`).first().waitFor({ state: 'detached' });
        assert.equal(await page.locator('[data-test="overview-group"] [data-test="report-chip"][data-state="missing"]').count(), all.length);
        // Its report chips keep the day.
        const href = await page.locator(`${group('v-xinhua-g1')} [data-test="report-link"]`).getAttribute('href');
        assert.match(href, /#\/reports\?date=\d{4}-\d{2}-\d{2}&village=v-xinhua&group=v-xinhua-g1$/);
      });
    });
  });
}
