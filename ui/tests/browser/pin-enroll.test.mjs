// A PIN at enrollment: a device enrolled in the app while its store has no PIN asks for one
// before it is used, saying why; the PIN encrypts the store and the recovery code is shown
// once. An app started again before the PIN was set asks at once. A device that has a PIN
// already is not asked again.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, callsOf, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

/** A device waiting in the fake relay's registry with the one-time `code`. */
const seedCode = (page, code) =>
  page.evaluate((c) => {
    const reg = window.__fake.devices;
    const id = `dev-${c}`;
    reg.devices.push({ device_id: id, name: '红星村-王网格员手机', role: 'grid-worker', scope: 'village:v-hongxing', revoked: false, last_sync: null });
    reg.codes.set(c, { device_id: id, expires: Date.now() + 3600_000, used: false });
  }, code);

async function enroll(page, code) {
  await page.locator('[data-test="settings"]').waitFor();
  await seedCode(page, code);
  await page.locator('[data-test="relay-url"] input').fill('https://relay.mositai.example:8443');
  await page.locator('[data-test="token"] input').fill(code);
  await page.locator('[data-test="enroll"]').click();
  await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
}

describe('a PIN at enrollment (360x740)', () => {
  test('a device enrolled without a PIN sets one before it is used', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings', fake: { enrolled: false } }, async (page, { shot }) => {
      await enroll(page, 'W3KD-7HPQ');
      const gate = page.locator('[data-test="pin-setup"]');
      await gate.waitFor();
      assert.match(
        await page.locator('[data-test="pin-setup-why"]').innerText(),
        /姓名、身份证号、电话和住址[\s\S]*使用前请先设置 PIN[\s\S]*加密保存/,
      );
      assert.equal((await callsOf(page, 'require_pin')).length, 1);
      await shot('pin-at-enrollment');
      // Nothing behind it answers a tap: the gate covers the app.
      await assert.rejects(page.locator('[data-test="sync-now"]').click({ timeout: 800 }));

      await page.locator('[data-test="pin-setup-new"] input').fill('482916');
      await page.locator('[data-test="pin-setup-again"] input').fill('482917');
      await page.locator('[data-test="pin-setup-save"]').click();
      await page.locator('[data-test="pin-setup-error"]', { hasText: '两次输入的 PIN 不一致' }).waitFor();
      await page.locator('[data-test="pin-setup-new"] input').fill('12');
      await page.locator('[data-test="pin-setup-again"] input').fill('12');
      await page.locator('[data-test="pin-setup-save"]').click();
      await page.locator('[data-test="pin-setup-error"]', { hasText: '4–64' }).waitFor();
      await page.locator('[data-test="pin-setup-new"] input').fill('482916');
      await page.locator('[data-test="pin-setup-again"] input').fill('482916');
      await page.locator('[data-test="pin-setup-save"]').click();
      const dialog = page.locator('.recovery-code-dialog');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /恢复码（只显示这一次）/);
      await gate.waitFor({ state: 'detached' });
      assert.deepEqual((await callsOf(page, 'set_pin')).at(-1).args, { current: null, newPin: '482916' });
      await dialog.locator('.van-dialog__confirm').click();
      await page.locator('[data-test="lock-state"]', { hasText: '已加密' }).waitFor();
      await page.locator('[data-test="sync-now"]').click();
    });
  });

  test('an app started before the PIN was set asks for it at once', async () => {
    await withApp(server, { viewport: PHONE, fake: { pinDue: true } }, async (page) => {
      await page.locator('[data-test="pin-setup"]').waitFor();
      assert.equal((await callsOf(page, 'require_pin')).length, 0);
      await page.locator('[data-test="pin-setup-new"] input').fill('482916');
      await page.locator('[data-test="pin-setup-again"] input').fill('482916');
      await page.locator('[data-test="pin-setup-save"]').click();
      await page.locator('.recovery-code-dialog').waitFor();
      await page.locator('[data-test="pin-setup"]').waitFor({ state: 'detached' });
    });
  });

  test('a device with a PIN already is not asked again', async () => {
    const lock = { pin: '246810', locked: false, recovery: 'AB12C-DE34F-GH56J-KM78N-PQ90R' };
    await withApp(server, { viewport: PHONE, hash: '#/settings', fake: { enrolled: false, lock } }, async (page) => {
      await enroll(page, 'Q5NB-9XKE');
      assert.equal((await callsOf(page, 'require_pin')).length, 1);
      await page.waitForTimeout(500);
      assert.equal(await page.locator('[data-test="pin-setup"]').count(), 0);
    });
  });
});
