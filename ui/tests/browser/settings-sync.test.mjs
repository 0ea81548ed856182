import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, startServer, expectToast, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const emit = (page, payload) => page.evaluate((p) => window.__fake.pushStatus(p), payload);

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`settings and sync (${size})`, () => {
    test('language switch to English applies at once and is persisted', async () => {
      await withApp(server, { viewport, hash: '#/settings' }, async (page, { shot, wide }) => {
        await page.locator('[data-test="settings"]').waitFor();
        await page.locator('[data-test="lang-en"]').click();
        const nav = wide ? '[data-test="side-nav"]' : '[data-test="tabbar"]';
        await page.locator(nav, { hasText: 'Households' }).waitFor();
        assert.match(await page.locator(nav).innerText(), /Home[\s\S]*Households[\s\S]*Coverage[\s\S]*Settings/);
        assert.equal(await page.locator('[data-test="sync-state"]').innerText(), 'Online');
        assert.match(await page.locator('[data-test="sync-unsynced"]').innerText(), /3 unsynced/);
        assert.deepEqual((await callsOf(page, 'set_language')).map((c) => c.args), [{ lang: 'en' }]);
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
        await shot('settings-en');

        // After a restart the app comes back in English (read from settings_get).
        await page.reload();
        await page.locator(nav, { hasText: 'Households' }).waitFor();
        await page.locator(`${nav} >> text=Households`).click();
        await page.locator('[data-test="search"] input[placeholder*="pinyin"]').waitFor();
        await page.locator('[data-test="household-row"]').first().waitFor();
        await page.locator('[data-test="search"] input').fill('wxy');
        await page.locator('[data-test="search-hit"]', { hasText: 'pinyin' }).waitFor();
        await page.locator('[data-test="search-hit"]').first().click();
        await page.locator('[data-test="verify"]', { hasText: 'Verified today' }).waitFor();
        assert.match(await page.locator('[data-test="person-card"]').first().innerText(), /Chronic illness/);
        await shot('detail-en');

        // And back to Chinese.
        await page.locator(`${nav} >> text=Settings`).click();
        await page.locator('[data-test="lang-zh"]').click();
        await page.locator(nav, { hasText: '户籍台账' }).waitFor();
      });
    });

    test('the sync bar shows unsynced changes and follows sync-status events', async () => {
      await withApp(server, { viewport }, async (page, { shot }) => {
        const bar = page.locator('[data-test="sync-bar"]');
        await page.locator('[data-test="sync-unsynced"]', { hasText: '3 条未同步' }).waitFor();
        assert.equal(await page.locator('[data-test="sync-state"]').innerText(), '在线');
        assert.match(await page.locator('[data-test="sync-last"]').innerText(), /上次同步 25 分钟前/);
        assert.equal(await page.evaluate(() => window.__fake.listenerCount('sync-status')), 1);

        await emit(page, { state: 'syncing', unsynced: 7, last_sync: null });
        await page.locator('[data-test="sync-state"]', { hasText: '同步中' }).waitFor();
        assert.equal(await bar.getAttribute('data-state'), 'syncing');
        assert.equal(await bar.locator('.van-loading').count(), 1);
        assert.match(await page.locator('[data-test="sync-unsynced"]').innerText(), /7 条未同步/);
        await shot('sync-syncing');

        // Nothing left to send but a sync under way: not yet "all synced".
        await emit(page, { state: 'syncing', unsynced: 0, last_sync: null });
        await page.locator('[data-test="sync-unsynced"]').waitFor({ state: 'detached' });
        assert.equal(await page.locator('[data-test="sync-state"]').innerText(), '同步中…');
        assert.doesNotMatch(await bar.innerText(), /已全部同步/);

        await emit(page, { state: 'idle', unsynced: 0, last_sync: new Date().toISOString() });
        await page.locator('[data-test="sync-unsynced"]', { hasText: '已全部同步' }).waitFor();
        assert.match(await page.locator('[data-test="sync-last"]').innerText(), /刚刚/);
        // The home counter follows the bar.
        assert.equal(await page.locator('[data-test="stat-unsynced"] .value').innerText(), '0');

        await emit(page, { state: 'error', unsynced: 2, last_sync: null, message: '中继拒绝了本机的令牌（已吊销），请联系镇街管理员' });
        await page.locator('[data-test="sync-message"]', { hasText: '令牌' }).waitFor();
        assert.equal(await page.locator('[data-test="sync-state"]').innerText(), '同步出错');
        await shot('sync-error');

        await emit(page, { state: 'offline', unsynced: 2, last_sync: null });
        await page.locator('[data-test="sync-state"]', { hasText: '离线' }).waitFor();
        await shot('sync-offline');
      });
    });

    test('sync now from settings and from the bar', async () => {
      await withApp(server, { viewport, hash: '#/settings', fake: { syncMs: 600 } }, async (page) => {
        await page.locator('[data-test="sync-now"]').click();
        await page.locator('[data-test="sync-state"]', { hasText: '同步中' }).waitFor();
        await expectToast(page, /同步完成/);
        await page.locator('[data-test="sync-unsynced"]', { hasText: '已全部同步' }).waitFor();
        // Offline: the Chinese reason is shown.
        await page.evaluate(() => window.__fake.setOnline(false));
        await page.locator('[data-test="sync-state"]', { hasText: '离线' }).waitFor();
        await page.locator('[data-test="sync-bar"]').click();
        // The earlier "同步完成" toast may still be on screen: wait for the offline one.
        await page.locator('.van-toast:visible', { hasText: '网络不通' }).waitFor();
      });
    });

    test('enrollment: a bad token shows the message, a good one enrolls', async () => {
      await withApp(server, { viewport, hash: '#/settings', fake: { enrolled: false } }, async (page, { shot }) => {
        await page.locator('[data-test="sync-state"]', { hasText: '未加入同步' }).waitFor();
        assert.equal(await page.locator('[data-test="sync-now"]').isDisabled(), true);
        await page.locator('[data-test="relay-url"] input').fill('https://relay.mositai.example:8443');
        await page.locator('[data-test="token"] input').fill('short');
        await page.locator('[data-test="enroll"]').click();
        await page.locator('[data-test="token"] .van-field__error-message', { hasText: '注册令牌无效' }).waitFor();
        await shot('enroll-error');
        await page.locator('[data-test="token"] input').fill('gbt_7Hk2mQ9xLr4s');
        await page.locator('[data-test="enroll"]').click();
        await expectToast(page, '已加入镇街同步');
        await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
        await page.locator('[data-test="sync-state"]', { hasText: '在线' }).waitFor();
        assert.deepEqual((await callsOf(page, 'enroll')).at(-1).args, {
          relayUrl: 'https://relay.mositai.example:8443',
          token: 'gbt_7Hk2mQ9xLr4s',
        });
        // Enrolled without a PIN: the app asks for one before it is used.
        await page.locator('[data-test="pin-setup"]').waitFor();
        await page.locator('[data-test="pin-setup-new"] input').fill('482916');
        await page.locator('[data-test="pin-setup-again"] input').fill('482916');
        await page.locator('[data-test="pin-setup-save"]').click();
        await page.locator('.recovery-code-dialog .van-dialog__confirm').click();
        await page.locator('[data-test="pin-setup"]').waitFor({ state: 'detached' });
        // Device name.
        await page.locator('[data-test="device-name"] input').fill('红星村-网格员02');
        await page.locator('[data-test="save-name"]').click();
        await expectToast(page, '已保存');
        assert.deepEqual((await callsOf(page, 'set_device_name')).at(-1).args, { name: '红星村-网格员02' });
        await shot('settings-enrolled');
      });
    });
  });
}
