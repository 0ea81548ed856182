// Exports and printouts from the app, on the fake backend (tests/fake/files.js), at phone and
// laptop sizes: 导出 on the township overview asks for what, format, village and dates, then the
// save dialog (Tauri's dialog plugin) for the path, and only then writes; a cancelled dialog
// writes nothing. The case screen prints the 公示单 always and the 期满证明 only once released.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, pickDateTime, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`exports and printouts (${size})`, () => {
    test('the township exports a village ledger as CSV through the save dialog', async () => {
      await withApp(server, { viewport, fake: { role: 'township' } }, async (page, { shot }) => {
        await page.locator('[data-test="overview"]').waitFor();
        await page.locator('[data-test="export"]').click();
        const sheet = page.locator('[data-test="export-sheet"]');
        await sheet.waitFor();
        await sheet.locator('[data-test="export-kind"] [data-kind="cases"]').click();
        // The range is picked on wheels and written in Chinese; optional, so it clears.
        await pickDateTime(page, 'export-from', '2026-12-01');
        await pickDateTime(page, 'export-to', '2026-11-01');
        assert.equal(await sheet.locator('[data-field="export-from"] input').inputValue(), '2026年12月1日 周二');
        assert.equal(await sheet.locator('[data-field="export-to"]').getAttribute('data-value'), '2026-11-01');
        await sheet.locator('[data-test="export-go"]').click();
        await sheet.locator('[data-test="export-error"]').waitFor();
        assert.equal((await callsOf(page, 'plugin:dialog|save')).length, 0, 'a reversed range asks nothing');
        await sheet.locator('[data-field="export-to"] [data-test="clear"]').click();
        assert.equal(await sheet.locator('[data-field="export-to"]').getAttribute('data-value'), '');

        await sheet.locator('[data-test="export-kind"] [data-kind="ledger"]').click();
        await sheet.locator('[data-test="export-format"] [data-format="csv"]').click();
        const village = sheet.locator('[data-test="export-village"] .van-radio').nth(1);
        await village.click();
        await shot('export-sheet');
        await sheet.locator('[data-test="export-go"]').click();
        const toast = await expectToast(page, /^已导出 /);
        const dialog = (await callsOf(page, 'plugin:dialog|save')).at(-1).args.options;
        assert.equal(dialog.defaultPath, '一户一档台账.csv');
        assert.deepEqual(dialog.filters[0].extensions, ['csv']);
        const form = (await callsOf(page, 'export_file')).at(-1).args.form;
        const expected = await page.evaluate((v) => {
          const f = window.__fake;
          return [...f.state.persons.values()].filter((p) => !p.deleted && f.state.households.get(p.household_id)?.village_id === v).length;
        }, form.village);
        assert.ok(expected > 0);
        assert.deepEqual(form, {
          kind: 'ledger',
          format: 'csv',
          out: '/home/gridbook/文档/一户一档台账.csv',
          village: form.village,
          from: null,
          to: null,
          fullIds: false,
        });
        assert.match(toast, new RegExp(`已导出 ${expected} 行：/home/gridbook/文档/一户一档台账\\.csv`));
        await sheet.waitFor({ state: 'hidden' });
        await shot('export-done');
      });
    });

    test('a cancelled save dialog writes nothing', async () => {
      await withApp(server, { viewport, fake: { role: 'township', saveCancel: true } }, async (page) => {
        await page.locator('[data-test="export"]').click();
        await page.locator('[data-test="export-go"]').click();
        await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === 'plugin:dialog|save'));
        await page.waitForTimeout(200);
        assert.equal((await callsOf(page, 'export_file')).length, 0);
        assert.equal(await page.locator('[data-test="export-sheet"]').isVisible(), true, 'the sheet stays open');
      });
    });

    test('the case screen prints the notice, and the certificate once released', async () => {
      await withApp(server, { viewport, hash: '#/isolation/case-1' }, async (page, { shot }) => {
        await page.locator('[data-test="case-detail"]').waitFor();
        await page.locator('[data-test="print-notice"]').waitFor();
        assert.equal(await page.locator('[data-test="print-certificate"]').count(), 0, 'not released yet');
        await page.locator('[data-test="print-notice"]').click();
        const toast = await expectToast(page, /^已生成/);
        const out = (await callsOf(page, 'print_notice')).at(-1).args;
        assert.equal(out.caseId, 'case-1');
        assert.match(out.out, /^\/home\/gridbook\/文档\/居家隔离公示单-.+\.pdf$/);
        assert.ok(toast.includes(out.out), toast);
        await shot('print-notice');

        // Released (as another device's sync would bring it): the certificate is offered.
        await page.evaluate(() => {
          const c = window.__fake.isolation.cases.get('case-1');
          c.status = 'released';
          c.released_on = '2026-12-04';
        });
        await page.evaluate(() => (location.hash = '#/isolation'));
        await page.locator('[data-test="case-detail"]').waitFor({ state: 'detached' });
        await page.evaluate(() => (location.hash = '#/isolation/case-1'));
        await page.locator('[data-test="case-status"]', { hasText: '已解除' }).waitFor();
        await page.locator('[data-test="print-certificate"]').click();
        const cert = await expectToast(page, /编号/);
        const written = await page.evaluate(() => window.__fake.files.at(-1));
        assert.equal(written.what, 'certificate');
        assert.ok(cert.includes(written.number) && cert.includes(written.out), cert);
        await shot('print-certificate');
      });
    });
  });
}
