// The device knows its role and the sync bar tells the truth:
// an edit the relay refused shows which record and why in Chinese, and discarding it brings
// the bar back to "已全部同步"; controls the role cannot use are hidden or disabled; a device
// not enrolled never reads "已全部同步"; a relay address without http(s):// is refused clearly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const RULES_EDIT = {
  doc_id: 'grid:0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90',
  what: '全镇设置（村组、管控方案、卡口决策规则）',
  reason: '本机的角色只能查看这类记录，不能修改（角色可能已被镇防控办调整）',
  reason_en: 'This device\'s role may only read these records (read-only: changes from this device are not accepted)',
  role: '卡口志愿者',
  changes: 1,
  last_at: '2026-12-05T09:12',
  records: [{ id: 'rules-0b6c2f1e', type: 'rules', label: '', created: false }],
  whole_document: false,
};

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`role and refused edits (${size})`, () => {
    test('a refused edit says which record and why, and discarding it leaves nothing unsynced', async () => {
      const fake = { role: 'volunteer', unsynced: 1, refused: [RULES_EDIT] };
      await withApp(server, { viewport, fake }, async (page, { shot }) => {
        await page.locator('[data-test="sync-unsynced"]', { hasText: '1 条未同步' }).waitFor();
        const banner = page.locator('[data-test="refused-banner"]');
        await banner.waitFor();
        assert.match(await banner.innerText(), /中继拒收了本机的 1 份修改/);
        // Syncing again does not clear it, and says nothing in English.
        await page.locator('[data-test="sync-bar"]').click();
        await page.locator('[data-test="sync-state"]', { hasText: '在线' }).waitFor();
        await page.waitForTimeout(600);
        assert.match(await page.locator('[data-test="sync-unsynced"]').innerText(), /1 条未同步/);
        assert.equal(await page.locator('.van-toast:visible').count(), 0);

        await banner.click();
        const sheet = page.locator('[data-test="refused-sheet"]');
        await sheet.locator('[data-test="refused-item"]').waitFor();
        const text = await sheet.innerText();
        assert.match(text, /全镇设置/);
        assert.match(text, /原因：本机的角色只能查看这类记录/);
        assert.match(text, /卡口决策规则（修改）/);
        assert.match(text, /本机现在的角色：卡口志愿者/);
        assert.doesNotMatch(text, /read-only|refused|\{|\[/);
        await shot('refused-sheet');

        await sheet.locator('[data-test="refused-discard"]').click();
        const dialog = page.locator('.van-dialog:visible');
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /将丢弃本机对“全镇设置[^”]*”的 1 处修改（卡口决策规则（修改））/);
        assert.match(await dialog.innerText(), /依赖这些修改的本机内容/);
        await dialog.locator('.van-dialog__confirm').click();
        await expectToast(page, '已恢复为中继的版本');
        assert.deepEqual((await callsOf(page, 'discard_refused')).map((c) => c.args), [{ docId: RULES_EDIT.doc_id }]);
        await page.locator('[data-test="sync-unsynced"]', { hasText: '已全部同步' }).waitFor();
        await banner.waitFor({ state: 'detached' });
        await shot('refused-discarded');
      });
    });

    test('a volunteer reads the decision rules and cannot save them or add households', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint/rules', fake: { role: 'volunteer' } }, async (page, { shot }) => {
        const save = page.locator('[data-test="rules-save"]');
        await save.waitFor();
        assert.equal(await save.isDisabled(), true);
        assert.match(
          await page.locator('[data-test="rules-read-only"]').innerText(),
          /本机的角色是卡口志愿者，只能查看，不能修改/,
        );
        await shot('rules-read-only');
        await page.evaluate(() => (location.hash = '#/households'));
        await page.locator('[data-test="household-row"]').first().waitFor();
        assert.equal(await page.locator('[data-test="add-household"]').count(), 0);
        assert.equal((await callsOf(page, 'set_rules')).length, 0);
      });
      // A grid worker adds households but reads the township's rules.
      await withApp(server, { viewport, hash: '#/households' }, async (page) => {
        await page.locator('[data-test="add-household"]').waitFor();
        await page.evaluate(() => (location.hash = '#/checkpoint/rules'));
        await page.locator('[data-test="rules-save"]').waitFor();
        assert.equal(await page.locator('[data-test="rules-save"]').isDisabled(), true);
      });
    });

    test('a device not enrolled never reads "all synced"; an address without http(s):// is refused', async () => {
      for (const unsynced of [0, 3]) {
        await withApp(server, { viewport, hash: '#/settings', fake: { enrolled: false, unsynced } }, async (page, { shot }) => {
          await page.locator('[data-test="sync-state"]', { hasText: '未加入同步' }).waitFor();
          assert.equal(await page.locator('[data-test="sync-unsynced"]').innerText(), '仅存本机');
          assert.doesNotMatch(await page.locator('[data-test="sync-bar"]').innerText(), /已全部同步/);
          if (unsynced) {
            await page.locator('[data-test="relay-url"] input').fill('192.168.1.10:7878');
            await page.locator('[data-test="token"] input').fill('ABCD-EFGH-IJKL');
            await page.locator('[data-test="enroll"]').click();
            await page.locator('[data-test="relay-url"]', { hasText: '中继地址格式不正确，应以 http:// 或 https:// 开头' }).waitFor();
            assert.equal(await page.locator('[data-test="sync-unsynced"]').innerText(), '仅存本机');
            await shot('not-enrolled-bad-address');
          }
        });
      }
    });
  });
}
