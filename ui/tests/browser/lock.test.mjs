import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, callsOf, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const PIN = '246810';
const CODE = 'AB12C-DE34F-GH56J-KM78N-PQ90R';
const locked = (extra = {}) => ({ lock: { pin: PIN, locked: true, recovery: CODE, ...extra } });

describe('app lock (360x740)', () => {
  test('an encrypted store starts locked; a wrong PIN is refused, the right one opens the app', async () => {
    await withApp(server, { viewport: PHONE, fake: locked() }, async (page, { shot }) => {
      const screen = page.locator('[data-test="lock-screen"]');
      await screen.waitFor();
      assert.match(await screen.innerText(), /本机数据已加密[\s\S]*请输入 PIN 解锁/);
      await shot('lock-start');
      await page.locator('[data-test="lock-pin"] input').fill('135790');
      await page.locator('[data-test="lock-unlock"]').click();
      await page.locator('[data-test="lock-error"]', { hasText: 'PIN 不正确（已连续错误 1 次）' }).waitFor();
      await shot('lock-wrong');
      await page.locator('[data-test="lock-pin"] input').fill(PIN);
      await page.locator('[data-test="lock-unlock"]').click();
      await screen.waitFor({ state: 'detached' });
      await page.locator('[data-test="tabbar"]').waitFor();
      await page.locator('[data-test="sync-unsynced"]', { hasText: '3 条未同步' }).waitFor();
      assert.deepEqual((await callsOf(page, 'unlock')).map((c) => c.args), [{ pin: '135790' }, { pin: PIN }]);
    });
  });

  test('wrong PINs back off: after five the button waits', async () => {
    await withApp(server, { viewport: PHONE, fake: locked() }, async (page) => {
      await page.locator('[data-test="lock-screen"]').waitFor();
      for (let i = 1; i <= 5; i++) {
        await page.locator('[data-test="lock-pin"] input').fill('000000');
        await page.locator('[data-test="lock-unlock"]').click();
        if (i < 5) await page.locator('[data-test="lock-error"]', { hasText: `${i} 次` }).waitFor();
      }
      await page.locator('[data-test="lock-wait"]', { hasText: /请 (30|29) 秒后再试/ }).waitFor();
      assert.equal(await page.locator('[data-test="lock-unlock"]').isDisabled(), true);
      assert.equal((await callsOf(page, 'unlock')).length, 5);
    });
  });

  test('a forgotten PIN: the screen says what happens, the recovery code sets a new one', async () => {
    await withApp(server, { viewport: PHONE, fake: locked() }, async (page, { shot }) => {
      await page.locator('[data-test="lock-forgot"]').click();
      assert.match(await page.locator('[data-test="lock-recovery-note"]').innerText(), /尚未同步的修改[\s\S]*保留/);
      assert.match(await page.locator('[data-test="lock-no-code"]').innerText(), /不要卸载应用[\s\S]*无法取回/);
      await shot('lock-recovery');
      await page.locator('[data-test="lock-code"] input').fill(CODE.toLowerCase());
      await page.locator('[data-test="lock-new-pin"] input').fill('8642');
      await page.locator('[data-test="lock-new-pin-again"] input').fill('8643');
      await page.locator('[data-test="lock-recover"]').click();
      await page.locator('[data-test="lock-error"]', { hasText: '两次输入的 PIN 不一致' }).waitFor();
      await page.locator('[data-test="lock-new-pin-again"] input').fill('8642');
      await page.locator('[data-test="lock-recover"]').click();
      await page.locator('[data-test="lock-screen"]').waitFor({ state: 'detached' });
      await page.locator('[data-test="tabbar"]').waitFor();
      assert.equal(await page.evaluate(() => window.__fake.lock.pin), '8642');
    });
  });

  test('the screen locks again after the idle time and opens where it was', async () => {
    // 0.05 minutes: three seconds without a touch.
    await withApp(server, { viewport: PHONE, fake: locked({ idleMinutes: 0.05 }) }, async (page, { shot }) => {
      await page.locator('[data-test="lock-pin"] input').fill(PIN);
      await page.locator('[data-test="lock-unlock"]').click();
      await page.locator('[data-test="tabbar"]').waitFor();
      await page.locator('[data-test="tabbar"] >> text=设置').click();
      await page.locator('[data-test="lock-settings"]').waitFor();
      const screen = page.locator('[data-test="lock-screen"]');
      await screen.waitFor({ timeout: 15_000 });
      assert.match(await screen.innerText(), /长时间未操作，已自动锁定/);
      await shot('lock-idle');
      await page.locator('[data-test="lock-pin"] input').fill(PIN);
      await page.locator('[data-test="lock-unlock"]').click();
      await screen.waitFor({ state: 'detached' });
      assert.equal(await page.locator('[data-test="lock-settings"]').isVisible(), true);
    });
  });

  test('setting a PIN on a plain store encrypts it and shows the recovery code once', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings' }, async (page, { shot }) => {
      await page.locator('[data-test="lock-state"]', { hasText: '未加密' }).waitFor();
      await page.locator('[data-test="lock-set-new"] input').fill('97531');
      await page.locator('[data-test="lock-set-again"] input').fill('97531');
      await page.locator('[data-test="lock-set-pin"]').click();
      const dialog = page.locator('.recovery-code-dialog');
      await dialog.waitFor();
      const code = await page.evaluate(() => window.__fake.lock.recovery);
      assert.match(await dialog.innerText(), new RegExp(`只显示这一次[\\s\\S]*${code}`));
      await shot('lock-code');
      await dialog.locator('text=我已抄下').click();
      await page.locator('[data-test="lock-state"]', { hasText: '已加密' }).waitFor();
    });
  });
});
