// The township's overview (总览) and the daily reports (日报告 / 零报告), on a laptop and a phone,
// against the fake backend's report fixture (tests/fake/reports.js).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, startServer, withApp } from './helpers.mjs';

// The day the fake runs on: the browser's zone (Asia/Shanghai), the same as the fake's clock.
const TODAY = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const dayBefore = (d) => {
  const [y, m, dd] = d.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, dd - 1)).toISOString().slice(0, 10);
};

let server;
before(async () => (server = await startServer()));
after(() => server.close());

/** The number shown for `key` in the overview row of `village` ('township' for the totals). */
async function fig(page, village, key) {
  const el = page.locator(`[data-test="overview-row"][data-village="${village}"] [data-test="fig-${key}"]`);
  return el.evaluate((e) => (e.classList.contains('num') ? e : e.querySelector('.num')).innerText.trim());
}
async function grantClipboard(context) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
}
const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const fakeCall = (page, cmd, args) => page.evaluate(([c, a]) => window.__fake.commands[c](a), [cmd, args]);

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`township overview and daily reports (${size})`, () => {
    test('a township device lands on 总览: every village, the totals, report chips; figures open their lists', async () => {
      const fake = { role: 'township', now: `${TODAY}T17:40` };
      await withApp(server, { viewport, fake }, async (page, { shot, wide }) => {
        await page.locator('[data-test="overview-row"]').nth(3).waitFor();
        const nav = page.locator(wide ? '[data-test="side-nav"]' : '[data-test="tabbar"]');
        const navText = await nav.innerText();
        assert.match(navText, /总览[\s\S]*日报[\s\S]*户籍台账/);
        assert.doesNotMatch(navText, /首页/);

        const expected = await fakeCall(page, 'overview', { date: TODAY });
        const rows = page.locator('[data-test="overview-row"]');
        assert.deepEqual(
          await rows.evaluateAll((els) => els.map((e) => e.dataset.village)),
          ['township', ...expected.villages.map((v) => v.id)],
        );
        const pct = (share) => `${Math.round(share * 100)}%`;
        for (const [id, v] of [['township', expected.township], ...expected.villages.map((v) => [v.id, v])]) {
          const seen = {};
          for (const k of ['households', 'persons', 'cases_active', 'escalated', 'due', 'overdue', 'missed', 'in', 'out', 'turned_back', 'observed', 'coverage']) {
            seen[k] = await fig(page, id, k);
          }
          assert.deepEqual(seen, {
            households: v.households.toLocaleString('en-US'),
            persons: v.persons.toLocaleString('en-US'),
            cases_active: String(v.cases_active),
            escalated: String(v.escalated),
            due: String(v.due),
            overdue: String(v.overdue),
            missed: String(v.missed),
            in: String(v.checkpoint.in),
            out: String(v.checkpoint.out),
            turned_back: String(v.checkpoint.turned_back),
            observed: String(v.checkpoint.observed),
            coverage: pct(v.coverage),
          }, id);
        }
        // Today's report chips: 红星村 missing (未报), 新华村 in (已报), 东风社区 a zero report.
        const chips = await page.locator('[data-test="overview-row"] [data-test="report-chip"]').evaluateAll((els) =>
          els.map((e) => [e.closest('[data-village]').dataset.village, e.dataset.state, e.innerText.trim()]),
        );
        assert.deepEqual(chips, [
          ['v-hongxing', 'missing', '未报'],
          ['v-xinhua', 'submitted', '已报'],
          ['v-dongfeng', 'zero', '零报告'],
        ]);
        await shot('overview');

        // Households of a village: the list opens filtered to it.
        await page.locator('[data-test="overview-row"][data-village="v-xinhua"] [data-test="fig-households"]').click();
        await page.waitForURL(/#\/households\?village=v-xinhua$/);
        const xinhua = expected.villages.find((v) => v.id === 'v-xinhua');
        await page.locator('[data-test="household-total"]', { hasText: `共 ${xinhua.households} 户` }).waitFor();
        await page.goBack();

        // Escalated cases of a village: the cases list, its 升级 tab, only that village.
        await page.locator('[data-test="overview-row"][data-village="v-hongxing"] [data-test="fig-escalated"]').click();
        await page.waitForURL(/#\/isolation\?village=v-hongxing&filter=escalated$/);
        assert.match(await page.locator('[data-test="unit-chip"]').innerText(), /红星村/);
        assert.match(await page.locator('[data-test="case-filter"] .van-tab--active').innerText(), /异常|升级|转诊/);
        const villages = await page.locator('[data-test="case-row"]').evaluateAll((els) => els.length);
        const cases = await page.evaluate(() => window.__fake.commands.cases({}));
        const want = cases.filter((c) => c.village_id === 'v-hongxing' && (c.status === 'escalated' || c.status === 'referred')).length;
        assert.equal(villages, want);
        await page.goBack();

        // Coverage of a village.
        await page.locator('[data-test="overview-row"][data-village="v-xinhua"] [data-test="fig-coverage"]').click();
        await page.waitForURL(/#\/coverage\?.*village=v-xinhua/);
        await page.locator('[data-test="coverage-summary"]').waitFor();
        assert.equal((await callsOf(page, 'coverage')).at(-1).args.villageId, 'v-xinhua');
        await page.goBack();

        // The checkpoint figures of the village with one checkpoint open that day's entries.
        const cps = await page.evaluate(() => window.__fake.commands.checkpoints());
        const one = cps.filter((c) => c.village_id === 'v-hongxing');
        await page.locator('[data-test="overview-row"][data-village="v-hongxing"] [data-test="fig-in"]').click();
        if (one.length === 1) {
          await page.waitForURL(new RegExp(`#/checkpoint/${one[0].id}/entries`));
          await page.locator(`[data-test="day-text"][data-day="${TODAY}"]`).waitFor();
        } else {
          await page.waitForURL(/#\/checkpoint$/);
        }
        await page.goBack();

        // The day before: asked for that date; nothing was reported then.
        await page.locator('[data-test="overview-row"]').first().waitFor();
        await page.locator('[data-test="day-prev"]').click();
        const before = dayBefore(TODAY);
        await page.waitForURL(new RegExp(`date=${before}`));
        await page.locator('[data-test="overview-row"] [data-test="report-chip"][data-state="submitted"]').waitFor({ state: 'detached' });
        assert.equal((await callsOf(page, 'overview')).at(-1).args.date, before);
        assert.equal(await page.locator('[data-test="overview-row"] [data-test="report-chip"][data-state="missing"]').count(), 3);
        assert.ok(await page.locator('[data-test="day-next"]').isEnabled());
      });
    });

    test('the township sees who is in, late and missing, the roll-up, and copies the texts', async () => {
      const fake = { role: 'township', now: `${TODAY}T18:20` };
      await withApp(server, { viewport, fake, hash: '#/reports' }, async (page, { context, shot }) => {
        await grantClipboard(context);
        await page.locator('[data-test="rollup-table"]').waitFor();
        const counts = async (which) =>
          page.locator(`[data-test="sum-${which}"] b`).evaluateAll((els) => els.map((e) => Number(e.innerText)));
        // Villages: 新华村 in, 东风社区 zero (in), 红星村 missing; groups: 4 in, 新华村1组 late, 红星村2组 missing.
        assert.deepEqual(await counts('villages'), [2, 0, 1]);
        assert.deepEqual(await counts('groups'), [4, 1, 1]);
        const states = await page.locator('[data-test="status-group"]').evaluateAll((els) =>
          Object.fromEntries(els.map((e) => [e.dataset.group, e.dataset.state])),
        );
        assert.deepEqual(states, {
          'v-hongxing-g1': 'submitted',
          'v-hongxing-g2': 'missing',
          'v-xinhua-g1': 'late',
          'v-xinhua-g2': 'zero',
          'v-dongfeng-g1': 'submitted',
          'v-dongfeng-g2': 'submitted',
        });
        assert.match(await page.locator('[data-test="status-group"][data-group="v-xinhua-g1"]').innerText(), /^1组\s*迟报\s*17:24$/);

        // The roll-up: the backend's numbers, per village and for the township.
        const rollup = await fakeCall(page, 'report_rollup', { date: TODAY });
        const cells = async (village) =>
          page.locator(`[data-test="rollup-row"][data-village="${village}"] td`).evaluateAll((els) => els.map((e) => e.innerText.trim()));
        const head = await page.locator('[data-test="rollup-table"] thead th').evaluateAll((els) => els.map((e) => e.innerText.trim()));
        assert.deepEqual(head.slice(0, 5), ['村（社区）', '应报', '已报', '按时', '组已报']);
        // Known figures by their Chinese names, in the text's order; an unknown key as itself, last.
        assert.deepEqual(head.slice(5, 8), ['新增登记', '居家隔离', '集中隔离']);
        assert.equal(head.at(-1), 'vaccinations');
        const t = await cells('township');
        assert.deepEqual(t.slice(0, 3), [rollup.township.expected, rollup.township.actual, rollup.township.on_time].map(String));
        for (const v of rollup.villages) {
          const c = await cells(v.id);
          assert.deepEqual(c.slice(0, 4), [v.expected, v.actual, v.on_time, `${v.groups_submitted}/${v.groups_total}`].map(String), v.id);
          assert.equal(c[4], String(v.figures.registered_risk ?? 0));
        }
        await shot('reports-township');

        // Copy the township's roll-up, then one village's report.
        await page.locator('[data-test="copy-township"]').click();
        await expectToast(page, '已复制，可粘贴到微信群');
        assert.equal(await clipboard(page), await fakeCall(page, 'report_text', { level: 'township', unitId: '', date: TODAY }));
        assert.match(await clipboard(page), /^【莫斯台街道 日报汇总】/);
        await page.locator('[data-test="status-village"][data-village="v-xinhua"] [data-test="copy-village"]').click();
        await page.waitForFunction(() => navigator.clipboard.readText().then((s) => s.startsWith('【新华村')));
        assert.equal(await clipboard(page), await fakeCall(page, 'report_text', { level: 'village', unitId: 'v-xinhua', date: TODAY }));
        assert.deepEqual((await callsOf(page, 'report_text')).map((c) => c.args.level), ['township', 'village']);
      });
    });

    test('a grid worker is reminded from 16:00, confirms the figures, submits with a note and copies the text', async () => {
      const fake = { now: `${TODAY}T16:40` };
      await withApp(server, { viewport, fake }, async (page, { context, shot, wide }) => {
        await grantClipboard(context);
        const reminder = page.locator('[data-test="report-reminder"]');
        await reminder.waitFor();
        assert.match(await reminder.innerText(), /今日日报告还未提交：红星村2组/);
        const nav = await page.locator(wide ? '[data-test="side-nav"]' : '[data-test="tabbar"]').innerText();
        assert.match(nav, /首页[\s\S]*日报/);
        assert.doesNotMatch(nav, /总览/);
        await page.locator('[data-test="report-reminder-go"]').click();

        const units = page.locator('[data-test="report-unit"]');
        await units.nth(2).waitFor();
        assert.deepEqual(
          await units.evaluateAll((els) => els.map((e) => [e.dataset.unit, e.querySelector('[data-test="report-chip"]').dataset.state])),
          [
            ['v-hongxing', 'missing'],
            ['v-hongxing-g1', 'submitted'],
            ['v-hongxing-g2', 'missing'],
          ],
        );
        await page.locator('[data-test="report-unit"][data-unit="v-hongxing-g2"]').click();
        const sheet = page.locator('[data-test="report-sheet"]');
        await sheet.locator('[data-test="report-figures"]').waitFor();
        const want = (await fakeCall(page, 'report_figures', { level: 'group', unitId: 'v-hongxing-g2', date: TODAY })).figures;
        const shown = await sheet.locator('.fig').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.querySelector('dd').innerText)])));
        assert.deepEqual(shown, want);
        assert.equal((await sheet.locator('.fig[data-key="turned_back"] dt').innerText()).trim(), '劝返');
        await sheet.locator('[data-field="note"] textarea').fill('5号户电话已联系');
        await shot('report-sheet');

        await sheet.locator('[data-test="report-submit"]').click();
        const result = sheet.locator('[data-test="report-result"]');
        await result.waitFor();
        assert.match(await result.innerText(), /日报告已提交/);
        assert.equal(await sheet.locator('[data-test="report-late"]').count(), 0);
        assert.deepEqual((await callsOf(page, 'report_submit')).map((c) => c.args), [
          { level: 'group', unitId: 'v-hongxing-g2', date: TODAY, zero: false, note: '5号户电话已联系' },
        ]);
        await sheet.locator('[data-test="report-copy"]').click();
        await expectToast(page, '已复制，可粘贴到微信群');
        const text = await clipboard(page);
        assert.equal(text, await fakeCall(page, 'report_text', { level: 'group', unitId: 'v-hongxing-g2', date: TODAY }));
        assert.match(text, /^【红星村2组 日报告】/);
        await shot('report-sheet-done');

        // The row flips to in; home no longer reminds.
        await page.locator('.report-sheet .van-popup__close-icon').click();
        await page.locator('[data-test="report-unit"][data-unit="v-hongxing-g2"] [data-test="report-chip"][data-state="submitted"]').waitFor();
        await page.locator(wide ? '[data-test="side-nav"] a[href="#/"]' : '[data-test="tabbar"] .van-tabbar-item >> nth=0').click();
        await page.locator('[data-test="home"]').waitFor();
        await page.locator('[data-test="stat-households"]').waitFor();
        await page.waitForFunction(() => window.__fake.calls.filter((c) => c.cmd === 'report_status').length >= 1);
        await page.waitForTimeout(200);
        assert.equal(await reminder.count(), 0);
      });
    });

    test('a zero report after the deadline says it is late; before 16:00 home does not remind', async () => {
      await withApp(server, { viewport, fake: { now: `${TODAY}T17:30`, delay: 3 }, hash: '#/reports' }, async (page) => {
        await page.locator('[data-test="report-unit"][data-unit="v-hongxing-g2"]').click();
        const sheet = page.locator('[data-test="report-sheet"]');
        await sheet.locator('[data-test="report-figures"]').waitFor();
        await sheet.locator('[data-test="report-zero"]').click();
        await sheet.locator('[data-test="report-result"]').waitFor();
        assert.match(await sheet.locator('[data-test="report-result"]').innerText(), /零报告已提交/);
        assert.equal((await sheet.locator('[data-test="report-late"]').innerText()).trim(), '已过截止时间 17:00，本次记为迟报');
        assert.equal((await callsOf(page, 'report_submit'))[0].args.zero, true);
        await page.locator('.report-sheet .van-popup__close-icon').click();
        await page.locator('[data-test="report-unit"][data-unit="v-hongxing-g2"] [data-test="report-chip"][data-state="late"]').waitFor();
        // The village's own report is due at 18:00: still on time.
        await page.locator('[data-test="report-unit"][data-unit="v-hongxing"]').click();
        await sheet.locator('[data-test="report-submit"]').click();
        await sheet.locator('[data-test="report-result"]').waitFor();
        assert.equal(await sheet.locator('[data-test="report-late"]').count(), 0);
      });
      await withApp(server, { viewport, fake: { now: `${TODAY}T15:30` } }, async (page) => {
        await page.locator('[data-test="stat-households"]').waitFor();
        await page.waitForTimeout(300);
        assert.equal(await page.locator('[data-test="report-reminder"]').count(), 0);
        assert.equal((await callsOf(page, 'report_status')).length, 0);
      });
    });
  });
}
