// Records a device set aside because it cannot show them, on the screen of township staff:
// the devices screen lists them in Chinese, which village's which data, why
// and since when, with the technical detail for support; with none, the section is not there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const HELD = [
  {
    doc_id: 'ledger:v-hongxing',
    what: '红星村 · 户籍台账',
    record_id: 'b5d4c3a2-0000-4000-8000-000000000001',
    reason: 'duplicate_id',
    owner_doc: 'grid',
    at: '2026-12-05T06:05:00Z',
  },
  {
    doc_id: 'ledger:v-hongxing',
    what: '红星村 · 户籍台账',
    record_id: 'b5d4c3a2-0000-4000-8000-000000000002',
    reason: 'projection_failed: CHECK constraint failed: persons.sex',
    owner_doc: null,
    at: '2026-12-05T06:05:00Z',
  },
];

for (const viewport of VIEWPORTS) {
  describe(`records set aside (${viewport.width}x${viewport.height})`, () => {
    test('the township sees what was set aside, where and why', async () => {
      await withApp(server, { viewport, fake: { role: 'township', quarantine: HELD }, hash: '#/devices' }, async (page, { shot }) => {
        const rows = page.locator('[data-test="quarantine-row"]');
        await rows.nth(1).waitFor();
        assert.equal(await rows.count(), 2);
        const first = await rows.nth(0).innerText();
        assert.match(first, /红星村 · 户籍台账/);
        assert.equal(await rows.nth(0).locator('[data-test="quarantine-why"]').innerText(), '记录编号已被另一份数据使用');
        assert.match(first, /记录编号 b5d4c3a2-0000-4000-8000-000000000001/);
        const second = await rows.nth(1).innerText();
        assert.equal(await rows.nth(1).locator('[data-test="quarantine-why"]').innerText(), '记录内容无法写入本机的列表');
        // The technical detail is there for support, marked as not Chinese.
        assert.equal(await rows.nth(1).locator('[lang="en"]').innerText(), 'CHECK constraint failed: persons.sex');
        assert.match(second, /搁置于 2026年12月5日/);
        assert.match(await page.locator('.section-title', { hasText: '未能接收的记录' }).innerText(), /（2）/);
        await page.locator('[data-test="quarantine"]').scrollIntoViewIfNeeded();
        await shot('quarantine');
      });
    });

    test('nothing set aside, nothing shown', async () => {
      await withApp(server, { viewport, fake: { role: 'township' }, hash: '#/devices' }, async (page) => {
        await page.locator('[data-test="export-log"], [data-test="export-log-empty"]').first().waitFor();
        assert.equal(await page.locator('[data-test="quarantine"]').count(), 0);
        assert.equal(await page.locator('.section-title', { hasText: '未能接收的记录' }).count(), 0);
      });
    });
  });
}
