// 核查任务 on the fake backend (tests/fake/tasks.js), at phone and laptop sizes: the grid
// worker's home lists the village's tasks first, overdue on top and marked; answering one is a
// tap on the row, a tap on one of three big buttons, a note, an optional tag, 保存. The township
// imports a list (confirming or changing what each column was taken for first, then the
// matched / unmatched counts shown), sees each village's progress, hands a row of its own list
// to a village and exports the feedback sheet through the save dialog.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, pickOption, startServer, withApp } from './helpers.mjs';

// The home screen's order is asserted in the morning: from 16:00 the daily-report reminder
// joins it while the group's report is not in.
const TODAY = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const MORNING = `${TODAY}T10:00`;

let server;
before(async () => (server = await startServer()));
after(() => server.close());

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`核查任务 (${size})`, () => {
    test('the grid worker sees open tasks first, overdue marked, and answers one', async () => {
      await withApp(server, { viewport, fake: { enrolled: true, now: MORNING } }, async (page, { shot }) => {
        const box = page.locator('[data-test="home-tasks"]');
        await box.waitFor();
        // The tasks come before everything else on the home screen.
        const first = await page.evaluate(() => {
          const home = document.querySelector('[data-test="home"] .page-narrow');
          const kids = [...(home?.children ?? [])].filter((e) => e.getBoundingClientRect().height > 0);
          return kids[0]?.getAttribute('data-test');
        });
        assert.equal(first, 'home-tasks');
        const rows = box.locator('[data-test="task-row"]');
        assert.equal(await rows.count(), 2, 'only 红星村 open tasks: not 新华村, not the township list');
        assert.equal(await rows.nth(0).getAttribute('data-task'), 'task-wang', 'overdue first');
        assert.match(await rows.nth(0).getAttribute('class'), /overdue/);
        assert.match(await rows.nth(0).innerText(), /已超时/);
        assert.doesNotMatch(await rows.nth(1).getAttribute('class'), /overdue/);
        assert.match(await box.locator('[data-test="tasks-summary"]').innerText(), /待核查 2 人.*已超时 1 人/);
        // ID numbers are masked in the list.
        assert.match(await rows.nth(1).innerText(), /150581\*{8}001X/);
        await shot('home-tasks');

        await rows.nth(1).click();
        const sheet = page.locator('[data-test="task-sheet"]');
        await sheet.waitFor();
        assert.ok(await sheet.locator('[data-test="task-save"]').isDisabled(), 'no outcome yet');
        await sheet.locator('[data-outcome="present"]').click();
        await sheet.locator('[data-field="note"] textarea').fill('已电话联系，居家');
        await sheet.locator('[data-test="task-tags"] [data-tag="secondary_contact"]').click();
        await shot('task-sheet');
        await sheet.locator('[data-test="task-save"]').click();
        await expectToast(page, /已记录：在村已核实/);
        const call = (await callsOf(page, 'task_close')).at(-1).args;
        assert.deepEqual(call, { taskId: 'task-li', outcome: 'present', note: '已电话联系，居家', tag: 'secondary-contact' });
        await sheet.waitFor({ state: 'hidden' });
        await page.waitForFunction(() => document.querySelectorAll('[data-test="task-row"]').length === 1);
        const done = box.locator('[data-test="task-done"][data-task="task-li"]');
        await done.waitFor();
        assert.match(await done.innerText(), /在村已核实/);
        const tags = await page.evaluate(() => window.__fake.state.persons.get('p-liming')?.tags);
        if (tags) assert.ok(tags.includes('secondary-contact'), String(tags));
      });
    });

    test('a task with no matched person offers no tag and is answered 查无此人', async () => {
      await withApp(server, { viewport, fake: { enrolled: true } }, async (page) => {
        const row = page.locator('[data-test="task-row"][data-task="task-wang"]');
        await row.click();
        const sheet = page.locator('[data-test="task-sheet"]');
        await sheet.waitFor();
        assert.equal(await sheet.locator('[data-test="task-tags"]').count(), 0);
        await sheet.locator('[data-outcome="unknown"]').click();
        await sheet.locator('[data-test="task-save"]').click();
        await expectToast(page, /查无此人/);
        await page.waitForFunction(() => document.querySelectorAll('[data-test="task-row"]').length === 1);
      });
    });

    test('the township imports a list, sees the villages and exports the feedback sheet', async () => {
      await withApp(server, { viewport, fake: { enrolled: true, role: 'township' }, hash: '#/tasks' }, async (page, { shot }) => {
        await page.locator('[data-test="tasks"]').waitFor();
        const villages = page.locator('[data-test="tasks-village"]');
        await villages.first().waitFor();
        assert.equal(await villages.count(), 3, '红星村, 新华村 and the township list');
        await page.locator('[data-test="tasks-import-go"]').click();
        await page.locator('[data-test="tasks-import-error"]').waitFor();
        assert.equal((await callsOf(page, 'plugin:dialog|open')).length, 0, 'no source: no dialog');
        await page.locator('[data-field="source"] input').fill('县公安局12月5日推送');
        await page.locator('[data-field="due-hours"] input').fill('12');
        await page.locator('[data-test="tasks-import-go"]').click();
        // The columns as detected, to confirm before anything is written.
        const preview = page.locator('[data-test="tasks-preview"]');
        await preview.waitFor();
        assert.match(await preview.innerText(), /名单共 3 人/);
        assert.equal((await callsOf(page, 'tasks_import')).length, 0, 'nothing imported yet');
        assert.deepEqual((await callsOf(page, 'tasks_preview')).at(-1).args, { path: '/home/gridbook/文档/名单.xlsx', map: [] });
        const mapped = page.locator('[data-test="mapping-column"]');
        assert.equal(await mapped.count(), 6);
        const taken = (i) => mapped.nth(i).locator('input').inputValue();
        assert.match(await mapped.nth(2).innerText(), /身份证号/);
        assert.equal(await taken(2), '身份证号');
        assert.equal(await taken(0), '不使用');
        assert.equal(await taken(5), '日期');
        // Neither a name nor an ID number: no import.
        await pickOption(page, 'map-1', '不使用');
        await pickOption(page, 'map-2', '不使用');
        await page.locator('[data-test="tasks-mapping-error"]').waitFor();
        assert.ok(await page.locator('[data-test="tasks-import-confirm"]').isDisabled());
        await pickOption(page, 'map-2', '身份证号');
        await pickOption(page, 'map-1', '姓名');
        await page.locator('[data-test="tasks-mapping-error"]').waitFor({ state: 'hidden' });
        // The date column is the sender's batch, not the person's date: kept as a remark.
        await pickOption(page, 'map-5', '备注');
        assert.equal(await taken(5), '备注');
        await shot('tasks-mapping');
        await page.locator('[data-test="tasks-import-confirm"]').click();
        const result = page.locator('[data-test="tasks-import-result"]');
        await result.waitFor();
        assert.match(await result.innerText(), /共 3 人：匹配到台账 2 人，未匹配 1 人/);
        const call = (await callsOf(page, 'tasks_import')).at(-1).args;
        assert.deepEqual(call, {
          path: '/home/gridbook/文档/名单.xlsx',
          source: '县公安局12月5日推送',
          dueHours: 12,
          map: [{ header: '推送日期', field: 'note' }],
        });
        assert.equal(await page.locator('[data-test="column-mapping"]').count(), 0, 'the confirmation is done');
        const cols = page.locator('[data-test="tasks-column"]');
        assert.equal(await cols.count(), 6);
        assert.match(await cols.nth(2).innerText(), /身份证号[\s\S]*身份证号/);
        assert.match(await cols.nth(0).innerText(), /不使用/);
        assert.match(await cols.nth(5).innerText(), /推送日期[\s\S]*备注/);
        await page.waitForFunction(() => document.querySelectorAll('[data-test="tasks-row"]').length === 8);
        await shot('tasks-township');
        await page.locator('[data-test="tasks-export"]').click();
        const toast = await expectToast(page, /^已导出 8 行/);
        assert.match(toast, /核查情况反馈表\.xlsx/);
        const out = (await callsOf(page, 'tasks_export')).at(-1).args.out;
        assert.equal(out, '/home/gridbook/文档/核查情况反馈表.xlsx');
      });
    });

    test('the township hands a row of its own list to a village', async () => {
      await withApp(server, { viewport, fake: { enrolled: true, role: 'township' }, hash: '#/tasks' }, async (page, { shot }) => {
        const villages = page.locator('[data-test="tasks-village"]');
        await villages.first().waitFor();
        assert.equal(await villages.count(), 3);
        // Only the township's unmatched open row offers it.
        const buttons = page.locator('[data-test="tasks-assign"]');
        assert.equal(await buttons.count(), 1);
        assert.equal(await buttons.first().getAttribute('data-task'), 'task-unmatched');
        await buttons.first().click();
        const sheet = page.locator('[data-test="assign-sheet"]');
        await sheet.waitFor();
        assert.equal(await page.locator('[data-test="task-sheet"]:visible').count(), 0, 'not the answer sheet');
        assert.match(await sheet.innerText(), /孙某/);
        await sheet.locator('[data-test="assign-save"]').click();
        assert.match(await sheet.locator('[data-test="assign-error"]').innerText(), /请选择村/);
        assert.equal((await callsOf(page, 'task_assign')).length, 0);
        await pickOption(page, 'assign-village', '新华村');
        await sheet.locator('[data-field="assign-person"]').waitFor();
        await shot('tasks-assign');
        await sheet.locator('[data-test="assign-save"]').click();
        await expectToast(page, /已分派到新华村/);
        assert.deepEqual((await callsOf(page, 'task_assign')).at(-1).args, { taskId: 'task-unmatched', village: 'v-xinhua', person: null });
        await sheet.waitFor({ state: 'hidden' });
        // The township's list is empty now: 新华村 has the row.
        await page.waitForFunction(() => document.querySelectorAll('[data-test="tasks-village"]').length === 2);
        const xinhua = villages.filter({ hasText: '新华村' });
        assert.match(await xinhua.innerText(), /孙某/);
        assert.equal(await buttons.count(), 0);
      });
    });
  });
}
