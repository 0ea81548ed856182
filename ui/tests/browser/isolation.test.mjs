import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, field, fieldError, pickDateTime, pickOption, startServer, expectToast, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

// The fake's clock: today in the browser's time zone, 11:00 (the morning window has passed).
const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const fake = { now: `${today}T11:00` };
const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`follow-ups (${size})`, () => {
    test('home: due checks by window, overdue in red; a normal check takes three taps', async () => {
      await withApp(server, { viewport, fake }, async (page, { shot }) => {
        const windows = page.locator('[data-test="due-window"]');
        await windows.first().waitFor();
        const labels = await windows.locator('.window-head .mono').allInnerTexts();
        assert.deepEqual(labels, ['全天', '08:00–10:00', '16:00–18:00']);
        // The morning window has passed: its rows are overdue and red.
        const morning = windows.nth(1).locator('[data-test="due-row"]');
        assert.equal(await morning.count(), 3);
        for (const s of await morning.evaluateAll((els) => els.map((e) => e.dataset.status))) assert.equal(s, 'overdue');
        const color = await morning.first().locator('.slot').evaluate((e) => getComputedStyle(e).color);
        assert.equal(color, 'rgb(217, 48, 38)');
        // The test of the day.
        assert.equal(await windows.nth(0).locator('[data-kind="test"]').count(), 1);
        // The case with yesterday's fever is on top, in red.
        await page.locator('[data-test="escalated-case"]').first().waitFor();
        assert.equal(await page.locator('[data-test="escalated-case"]').count(), 1);
        await shot('isolation-home-due');

        // Three taps: the row, a temperature, 保存.
        const row = morning.first();
        const caseId = await row.getAttribute('data-case');
        await row.click();
        await page.locator('[data-test="check-sheet"] [data-temp="36.5"]').click();
        await shot('isolation-check-sheet');
        await page.locator('[data-test="check-save"]').click();
        await expectToast(page, '已记录随访');
        const calls = await callsOf(page, 'record_check');
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args.form, { case_id: caseId, temp: '36.5', symptoms: [], method: 'phone' });
        await page.locator(`[data-test="due-row"][data-case="${caseId}"][data-status="done"]`).first().waitFor();
        assert.match(await page.locator('[data-test="due-summary"]').innerText(), /逾期 2 项/);
      });
    });

    test('a fever check escalates: the case turns red, the home screen lists it, release is refused', async () => {
      await withApp(server, { viewport, fake, hash: '#/isolation' }, async (page, { shot }) => {
        await page.locator('[data-test="case-row"]').first().waitFor();
        assert.equal(await page.locator('[data-test="case-row"]').count(), 3);
        await shot('isolation-cases');
        // The first case (started 3 days ago) is active.
        await page.locator('[data-test="case-row"][data-case="case-1"]').click();
        await page.locator('[data-test="case-status"]', { hasText: '管控中' }).waitFor();
        // The 旅居地 recorded at the start, under its Chinese label.
        const origin = page.locator('[data-test="case-origin"]');
        assert.equal(await origin.innerText(), '广东省广州市');
        assert.equal(await origin.evaluate((dd) => dd.previousElementSibling.textContent.trim()), '旅居地');
        const days = page.locator('[data-test="timeline-day"]');
        assert.equal(await days.count(), 4);
        assert.equal(await days.first().getAttribute('data-date'), today);

        // Bad temperature: a message, nothing sent.
        await page.locator('[data-test="record-check"]').click();
        await field(page, 'temp').fill('3.75');
        await page.locator('[data-test="check-save"]').click();
        assert.match(await page.locator('[data-test="check-error"]').innerText(), /34\.0–43\.0/);
        assert.equal((await callsOf(page, 'record_check')).length, 0);

        // 37.6 and a dry cough: escalated.
        await field(page, 'temp').fill('37.6');
        await page.locator('[data-test="check-sheet"] [data-symptom="dry-cough"]').click();
        await page.locator('[data-test="check-save"]').click();
        const dialog = page.locator('.van-dialog:visible');
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /需转诊发热门诊/);
        assert.match(await dialog.innerText(), /体温37\.6℃/);
        await dialog.locator('button').click();
        await dialog.waitFor({ state: 'hidden' });
        await page.locator('[data-test="case-status"]', { hasText: '异常待处置' }).waitFor();
        await page.locator('[data-test="escalation-banner"]').waitFor();
        assert.match(await page.locator('[data-test="timeline-visit"].alarm').first().innerText(), /37\.6℃/);
        await shot('isolation-case-escalated');

        // Release is refused with the reasons.
        await page.locator('[data-test="release"]').click();
        const confirm = page.locator('.van-dialog:visible', { hasText: '解除管控并出具期满证明' });
        await confirm.waitFor();
        await confirm.locator('.van-dialog__confirm').click();
        await confirm.waitFor({ state: 'hidden' });
        const refused = page.locator('.van-dialog:visible', { hasText: '暂不能解除管控' });
        await refused.waitFor();
        assert.match(await refused.innerText(), /隔离期未满：还需 \d+ 天（至\d+月\d+日）/);
        assert.match(await refused.innerText(), /有未关闭的发热转诊/);
        await refused.locator('button').click();
        await refused.waitFor({ state: 'hidden' });

        // Transfer needs a note; with one, the case ends and shows where it went.
        await page.locator('[data-test="close-case"]').click();
        await page.locator('[data-test="close-sheet"] [data-close="transferred"]').waitFor();
        await page.waitForTimeout(400);
        await page.locator('[data-test="close-save"]').click();
        await page.locator('[data-field="note"] .van-field__error-message').waitFor();
        assert.equal(await fieldError(page, 'note'), '请填写转出去向或撤销原因');
        await field(page, 'note').fill('转至县集中隔离点');
        await page.locator('[data-test="close-save"]').click();
        await page.locator('[data-test="case-status"]', { hasText: '已转出' }).waitFor();
        assert.equal(await page.locator('[data-test="close-note"]').innerText(), '转至县集中隔离点');
        assert.equal(await page.locator('[data-test="record-check"]').count(), 0);

        // Home lists the escalated case that is still open.
        await page.locator(viewport.width >= 768 ? '[data-test="side-nav"] a[href="#/"]' : '[data-test="tabbar"] .van-tabbar-item >> nth=0').click();
        await page.locator('[data-test="escalated-case"]').first().waitFor();
        assert.equal(await page.locator('[data-test="escalated-case"]').count(), 1);
      });
    });

    test('start a case from a person of the ledger: the policy decides the place, the day is picked on wheels', async () => {
      await withApp(server, { viewport, fake: { ...fake, cases: false }, hash: '#/households' }, async (page, { shot }) => {
        await page.locator('[data-test="household-row"]').first().click();
        const card = page.locator('[data-test="person-card"]').first();
        await card.waitFor();
        const name = (await card.locator('.name').innerText()).trim();
        await card.locator('[data-test="person-start-case"]').click();
        await page.locator('[data-test="case-person"]', { hasText: name }).waitFor();
        // The first policy begins in a centralized site: the place follows it and asks for the site.
        await page.locator('[data-test="policy-summary"]', { hasText: '集中隔离14天' }).waitFor();
        assert.equal(await field(page, 'policy').inputValue(), '高风险地区来返人员');
        await page.locator('[data-field="site"]').waitFor();
        await shot('isolation-start-centralized');
        // A home policy: home, no site; the phases read under the name.
        await pickOption(page, 'policy', '居家隔离');
        await page.locator('[data-test="policy-summary"]', { hasText: '居家隔离14天' }).waitFor();
        await page.locator('[data-field="site"]').waitFor({ state: 'detached' });
        await field(page, 'origin').fill('湖北省武汉市');
        // The start day reads in Chinese and is picked on wheels, like every day in the app.
        assert.match(await field(page, 'start').inputValue(), /^\d{4}年\d{1,2}月\d{1,2}日 周./);
        await pickDateTime(page, 'start', yesterday);
        assert.equal(await page.locator('[data-field="start"]').getAttribute('data-value'), yesterday);
        await page.locator('[data-test="add-member"]').click();
        await page.locator('[data-test="team-member"] [data-field="name"] input').fill('王医生');
        await shot('isolation-start-home');
        await page.locator('[data-test="case-save"]').click();
        await page.locator('[data-test="case-detail"] [data-test="case-status"]', { hasText: '管控中' }).waitFor();
        assert.match(await page.locator('[data-test="case-detail"]').innerText(), /王医生/);
        assert.equal(await page.locator('[data-test="case-origin"]').innerText(), '湖北省武汉市');
        const form = (await callsOf(page, 'start_case')).at(-1).args.form;
        assert.equal(form.start, yesterday);
        assert.equal(form.place, 'home');
        assert.equal(form.origin, '湖北省武汉市');
        assert.deepEqual(form.team, [{ role: 'grid-worker', name: '王医生', phone: null }]);
        await shot('isolation-case-started');
      });
    });

    test('policy editor: bad test days are refused in place; a saved edit is listed', async () => {
      await withApp(server, { viewport, fake, hash: '#/isolation/policies' }, async (page, { shot }) => {
        await page.locator('[data-test="policy-row"]').first().waitFor();
        assert.equal(await page.locator('[data-test="policy-row"]').count(), 7);
        await shot('isolation-policies');
        const home = page.locator('[data-test="policy-row"]').nth(4);
        assert.match(await home.locator('.van-cell__title').innerText(), /^居家隔离观察\n居家隔离14天$/);
        await home.click();
        await page.locator('[data-test="policy-phase"]').first().waitFor();
        await field(page, 'test_days').fill('1,七');
        await page.locator('[data-test="policy-save"]').click();
        assert.equal(await fieldError(page, 'test_days'), '请填写正整数，用逗号分隔');
        await field(page, 'test_days').fill('1，4、7,14');
        // The threshold's range is the store's rule: refused by it, under the field.
        await field(page, 'fever').fill('35.5');
        await page.locator('[data-test="policy-save"]').click();
        await page.locator('[data-field="fever"] .van-field__error-message').waitFor();
        assert.equal(await fieldError(page, 'fever'), '发热标准35.5℃无效，应在36.0–42.0℃之间');
        await field(page, 'fever').fill('37.3');
        await field(page, 'name').fill('居家隔离（调整）');
        // The check windows are set on wheels, like every time in the app; no native input.
        assert.equal(await page.locator('[data-test="policy-edit"] input[type="time"]').count(), 0);
        assert.equal(await page.locator('[data-test="policy-window"]').count(), 2);
        assert.equal(await field(page, 'window-1-start').inputValue(), '16:00');
        await pickDateTime(page, 'window-1-start', '15:30');
        await pickDateTime(page, 'window-1-end', '17:45');
        assert.equal(await field(page, 'window-1-start').inputValue(), '15:30');
        assert.equal(await field(page, 'window-1-end').inputValue(), '17:45');
        // Seed 001 releases home isolation after a normal final check: on for this policy,
        // and the township can switch it off.
        const finalCheck = page.locator('[data-test="policy-final-check"]');
        assert.equal(await finalCheck.getAttribute('aria-checked'), 'true');
        await finalCheck.click();
        assert.equal(await finalCheck.getAttribute('aria-checked'), 'false');
        await shot('isolation-policy-edit');
        await page.locator('[data-test="policy-save"]').click();
        await page.locator('[data-test="policy-row"]', { hasText: '居家隔离（调整）' }).waitFor();
        const spec = (await callsOf(page, 'set_policy')).at(-1).args.policy;
        assert.deepEqual(spec.test_days, [1, 4, 7, 14]);
        assert.equal(spec.release.final_check, false);
        assert.deepEqual(spec.windows, [
          { start: '08:00:00', end: '10:00:00' },
          { start: '15:30:00', end: '17:45:00' },
        ]);
      });
    });
  });
}
