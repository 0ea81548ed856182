// The Chinese UI speaks Chinese: the main screens of the demo data, at phone size, show no
// English word (a raw code such as "negative" or "home-isolation", a key, "null") and no date
// written the ISO or US way (2026-12-05, 12/05/2026) where a Chinese date belongs; nor do the
// sheets and dialogs opened from them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startServer, withApp } from './helpers.mjs';
import { foreign, opener, walk } from './zh-text.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

test('the token rule: raw codes, keys, null and foreign dates are caught; ids, plates and units pass', () => {
  assert.deepEqual(foreign('结果 negative，方案 home-isolation，null，isolation.status.active'), [
    'negative',
    'home-isolation',
    'null',
    'isolation.status.active',
  ]);
  assert.deepEqual(foreign('开始 2026-12-05，至 12/05/2026'), ['2026-12-05', '12/05/2026']);
  assert.deepEqual(foreign('15058119850615001X 蒙G12345 36.5°C dev-7f3a 导出 Excel（.xlsx）、PDF 扫 QR https://relay.example:8443'), []);
  assert.deepEqual(foreign('格式 xlsx'), ['xlsx']);
});

describe(`no English in the Chinese UI (${PHONE.width}x${PHONE.height})`, () => {
  test('a grid worker’s screens', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      const found = await walk(page, [
        ['首页', '#/'],
        ['户列表', '#/households'],
        ['户详情', '#/households/h-wang'],
        ['有冲突的户', '#/households/h-zhang'],
        ['修改记录', '#/households/h-wang/history/p-wang'],
        ['冲突', '#/conflicts'],
        ['编辑人员', '#/households/h-wang/person/p-liming/edit'],
        ['管控对象', '#/isolation'],
        ['管控详情', '#/isolation/case-1'],
        ['管控详情（居家）', '#/isolation/case-2'],
        ['管控方案', '#/isolation/policies'],
        [
          '编辑方案',
          async () => {
            await page.locator('[data-test="policy-row"]').first().click();
            await page.locator('[data-test="policy-phase"]').first().waitFor();
          },
        ],
        ['卡口', '#/checkpoint'],
        ['卡口规则', '#/checkpoint/rules'],
        ['卡口登记', '#/checkpoint/cp-hongxing/entries'],
        ['日报', '#/reports'],
        ['核查任务', '#/tasks'],
        ['覆盖', '#/coverage'],
        ['疑似重复', '#/duplicates'],
        ['设置', '#/settings'],
      ]);
      assert.deepEqual(found, []);
      // A case without a 旅居地 shows no empty line for it.
      await page.evaluate(() => (location.hash = '#/isolation/case-2'));
      await page.locator('[data-test="case-status"]').waitFor();
      assert.equal(await page.locator('[data-test="case-origin"]').count(), 0);
    });
  });

  test('a grid worker’s sheets and dialogs', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      const open = (hash, target) => opener(page, hash, target);
      const found = await walk(page, [
        ['体温登记', open('#/isolation/case-1', '[data-test="record-check"]')],
        ['核酸登记', open('#/isolation/case-1', '[data-test="record-test"]')],
        ['解除隔离', open('#/isolation/case-1', '[data-test="release"]')],
        ['开具通行证', open('#/households/h-wang', '[data-test="issue-pass"]')],
        ['日报', open('#/reports', '[data-test="report-unit"]')],
        ['核查任务', open('#/', '[data-test="task-row"]')],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the township’s screens', async () => {
    await withApp(server, { viewport: PHONE, fake: { role: 'township' } }, async (page) => {
      const found = await walk(page, [
        ['首页', '#/'],
        ['全镇概览', '#/overview'],
        ['日报', '#/reports'],
        ['设备', '#/devices'],
        ['核查任务', '#/tasks'],
        ['设置', '#/settings'],
        [
          '导出',
          async () => {
            await page.evaluate(() => (location.hash = '#/overview'));
            await page.locator('[data-test="export"]').first().click();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });
});
