// The app lock's idle time is the township's (the grid document, synced to every device): the
// settings screen shows it with a note saying so; township staff change it (1–60 minutes);
// a grid worker's device shows it and is refused when it tries.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, callsOf, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const lockOpts = (idleMinutes) => ({ lock: { pin: '246810', locked: false, idleMinutes } });
const checked = (page) =>
  page.locator('[data-test="lock-idle"] .van-radio__icon--checked').evaluateAll((els) =>
    els.map((e) => e.closest('[data-test^="lock-idle-"]')?.getAttribute('data-test')),
  );

describe('the township sets the lock idle time (360x740)', () => {
  test('township staff see the township time and change it', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings', fake: { role: 'township', ...lockOpts(15) } }, async (page, { shot }) => {
      const hint = page.locator('[data-test="lock-idle-hint"]');
      await hint.waitFor();
      assert.match(await hint.innerText(), /由镇街统一设置，同步到本镇所有设备/);
      assert.deepEqual(await checked(page), ['lock-idle-15']);
      assert.equal(await page.locator('[data-test="lock-idle-0"]').count(), 0, 'no "never": the township bounds it to 1–60');
      await page.locator('[data-test="lock-idle-60"]').click();
      await page.locator('.van-toast', { hasText: '已保存' }).waitFor();
      assert.deepEqual((await callsOf(page, 'set_lock_idle')).map((c) => c.args), [{ minutes: 60 }]);
      assert.deepEqual(await checked(page), ['lock-idle-60']);
      await hint.scrollIntoViewIfNeeded();
      await shot('lock-idle-township');
    });
  });

  test("a grid worker's device shows the township's time and may not change it", async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings', fake: { role: 'grid-worker', ...lockOpts(10) } }, async (page) => {
      await page.locator('[data-test="lock-idle-hint"]').waitFor();
      assert.deepEqual(await checked(page), ['lock-idle-10']);
      await page.locator('[data-test="lock-idle-2"]').click();
      await page.locator('.van-toast', { hasText: '只有镇街工作人员可以修改' }).waitFor();
      assert.deepEqual(await checked(page), ['lock-idle-10']);
    });
  });
});
