// The township's 设备 screen and enrollment with a one-time code, on the fake backend
// (tests/fake/devices.js), at phone and laptop sizes: the list with role, village and last sync;
// adding a device shows a QR code that decodes (with jsQR from its pixels) to the relay address
// and the code shown; revoking asks first; a grid worker's device is refused by the relay. On a
// new device the code is typed (any case, with spaces) or scanned with the camera (Chromium's
// fake camera playing the QR code); a wrong code says so and enrolls nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { VIEWPORTS, callsOf, expectToast, withApp } from './helpers.mjs';
import { fakeCameraArgs, writeQrY4m } from './camera.mjs';
import { enrollingEnv, seedCode } from './enrolling.mjs';

const env = enrollingEnv('gridbook-enroll-');

const TOWNSHIP = { role: 'township' };
for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`devices (${size})`, () => {
    test('the township lists, adds (QR code) and revokes devices', async () => {
      await withApp(env.server, { viewport, hash: '#/settings', fake: TOWNSHIP }, async (page, { shot, wide }) => {
        await page.locator('[data-test="settings-devices"]').click();
        const rows = page.locator('[data-test="device-row"]');
        await rows.first().waitFor();
        assert.equal(await rows.count(), 3);
        const worker = rows.filter({ hasText: '红星村-王网格员手机' });
        assert.match(await worker.innerText(), /网格员 · 红星村/);
        assert.match(await worker.innerText(), /上次同步：3 小时前|上次同步：今天|上次同步：昨天/);
        assert.match(await rows.filter({ hasText: '新华村卡口平板' }).innerText(), /从未同步/);
        if (wide) assert.match(await page.locator('[data-test="side-nav"]').innerText(), /设备/);
        await shot('devices-list');

        // Add: a name is needed; then the code and its QR code.
        await page.locator('[data-test="device-add"]').click();
        await page.locator('[data-test="device-save"]').click();
        await page.locator('[data-test="device-form"] .van-field__error-message', { hasText: '请填写' }).waitFor();
        assert.equal((await callsOf(page, 'device_add')).length, 0);
        await page.locator('[data-test="device-name"] input').fill('红星村-李医生手机');
        await page.locator('[data-test="device-role"] [data-role="doctor"]').click();
        await page.locator('[data-test="device-village"] .van-radio').first().click();
        await shot('devices-add');
        await page.locator('[data-test="device-save"]').click();
        const code = (await page.locator('[data-test="device-code-text"]').innerText()).trim();
        assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
        const args = (await callsOf(page, 'device_add')).at(-1).args;
        assert.deepEqual(args, { name: '红星村-李医生手机', role: 'doctor', village: args.village });
        assert.ok(args.village, 'a village was picked');

        // The QR code, read back by jsQR from the image's pixels.
        const img = page.locator('[data-test="device-qr"]');
        await page.waitForFunction(() => document.querySelector('[data-test="device-qr"]')?.complete);
        assert.ok(await img.isVisible());
        const px = await page.evaluate(() => {
          const el = document.querySelector('[data-test="device-qr"]');
          const c = document.createElement('canvas');
          c.width = el.naturalWidth;
          c.height = el.naturalHeight;
          const ctx = c.getContext('2d');
          ctx.drawImage(el, 0, 0);
          return { w: c.width, h: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
        });
        const decoded = jsQR(new Uint8ClampedArray(px.data), px.w, px.h);
        assert.equal(decoded?.data, `gridbook:enroll?relay=https://relay.mositai.example:8443&code=${code}`);
        assert.match(await page.locator('[data-test="device-code"]').innerText(), /有效期至 .*只能使用一次/);
        await shot('devices-code');
        await page.locator('[data-test="device-code-done"]').click();
        await page.locator('[data-test="device-code"]').waitFor({ state: 'hidden' });
        assert.equal(await rows.count(), 4);

        // Revoke asks first; cancelling changes nothing.
        const doctor = rows.filter({ hasText: '红星村-李医生手机' });
        await doctor.locator('[data-test="device-revoke"]').click();
        const dialog = page.locator('.van-dialog:visible');
        await dialog.filter({ hasText: '停用“红星村-李医生手机”' }).waitFor();
        await shot('devices-revoke-confirm');
        await dialog.locator('.van-dialog__cancel').click();
        await dialog.waitFor({ state: 'hidden' });
        assert.equal((await callsOf(page, 'device_revoke')).length, 0);
        await doctor.locator('[data-test="device-revoke"]').click();
        await page.locator('.van-dialog:visible .van-dialog__confirm').click();
        await expectToast(page, '已停用');
        await doctor.locator('.van-tag', { hasText: '已停用' }).waitFor();
        assert.equal(await doctor.locator('[data-test="device-revoke"]').count(), 0);
        const revokedId = await page.evaluate(
          (n) => window.__fake.devices.devices.find((d) => d.name === n && d.revoked)?.device_id,
          '红星村-李医生手机',
        );
        assert.ok(revokedId);
        assert.deepEqual((await callsOf(page, 'device_revoke')).at(-1).args, { deviceId: revokedId });
        // The code of a revoked device no longer enrolls.
        await assert.rejects(
          page.evaluate((c) => window.__fake.commands.enroll_code({ relayUrl: 'https://relay.mositai.example:8443', code: c }), code),
        );
        await shot('devices-revoked');
      });
    });

    test('the township sets the reporting phone printed on notices; a bad one is refused in place', async () => {
      await withApp(env.server, { viewport, hash: '#/settings', fake: TOWNSHIP }, async (page, { shot }) => {
        const card = page.locator('[data-test="township-papers"]');
        await card.waitFor();
        assert.match(await card.innerText(), /莫斯台街道/);
        const input = card.locator('[data-field="hotline"] input');
        await input.fill('举报12345');
        await card.locator('[data-test="save-hotline"]').click();
        await card.locator('.van-field__error-message', { hasText: '监督举报电话“举报12345”应为3–15位数字' }).waitFor();
        assert.equal(await input.inputValue(), '举报12345');
        await shot('township-hotline-refused');
        await input.fill('0818-2345678');
        await card.locator('[data-test="save-hotline"]').click();
        await expectToast(page, '已保存，将同步到各设备');
        assert.deepEqual((await callsOf(page, 'set_township_info')).at(-1).args, { name: null, hotline: '0818-2345678' });
        assert.equal(await input.inputValue(), '0818-2345678');
        assert.equal(await card.locator('.van-field__error-message').count(), 0);
        await shot('township-hotline');
      });
    });

    test('the township adds and renames villages and groups; a name in use is refused in place', async () => {
      await withApp(env.server, { viewport, hash: '#/devices', fake: TOWNSHIP }, async (page, { shot }) => {
        const grid = page.locator('[data-test="grid-names"]');
        const village = (name) => grid.locator('[data-test="grid-village"]').filter({ has: page.locator('[data-test="grid-village-name"]', { hasText: new RegExp(`^${name}$`) }) });
        await village('红星村').waitFor();
        const form = page.locator('[data-test="grid-form"]');
        const nameInput = form.locator('[data-test="grid-name"] input');
        const fieldError = form.locator('.van-field__error-message');
        await shot('grid-names');

        // Another village's name: refused under the field, nothing renamed.
        await village('新华村').locator('[data-test="village-rename"]').click();
        assert.equal(await nameInput.inputValue(), '新华村');
        await nameInput.fill(' 红星村 ');
        await form.locator('[data-test="grid-save"]').click();
        await fieldError.filter({ hasText: '本镇已有名为“红星村”的村（社区）' }).waitFor();
        await shot('grid-rename-refused');
        assert.equal(await village('新华村').count(), 1);

        // An empty name never reaches the backend.
        await nameInput.fill('  ');
        const before = (await callsOf(page, 'village_rename')).length;
        await form.locator('[data-test="grid-save"]').click();
        await fieldError.filter({ hasText: '请填写' }).waitFor();
        assert.equal((await callsOf(page, 'village_rename')).length, before);

        // A rename keeps the id: the device of 红星村 now shows the new name.
        await page.locator('.van-popup__close-icon:visible').click();
        await form.waitFor({ state: 'hidden' });
        const hongxing = village('红星村');
        const id = await hongxing.getAttribute('data-village');
        await hongxing.locator('[data-test="village-rename"]').click();
        await nameInput.fill('红星社区');
        await form.locator('[data-test="grid-save"]').click();
        await expectToast(page, '已保存，将同步到各设备');
        await form.waitFor({ state: 'hidden' });
        assert.equal(await village('红星社区').getAttribute('data-village'), id);
        assert.deepEqual((await callsOf(page, 'village_rename')).at(-1).args, { id, name: '红星社区' });
        await page.locator('[data-test="device-row"]', { hasText: '红星村-王网格员手机' }).filter({ hasText: '网格员 · 红星社区' }).waitFor();

        // Groups: a group name the village has is refused; a new one is added; one renamed.
        const xinhua = village('新华村');
        await xinhua.locator('[data-test="group-add"]').click();
        await nameInput.fill('2组');
        await form.locator('[data-test="grid-save"]').click();
        await fieldError.filter({ hasText: '该村（社区）已有名为“2组”的组' }).waitFor();
        await nameInput.fill('6组');
        await form.locator('[data-test="grid-save"]').click();
        await form.waitFor({ state: 'hidden' });
        await xinhua.locator('[data-test="grid-group"]', { hasText: '6组' }).waitFor();
        const first = xinhua.locator('[data-test="grid-group"]').first();
        const groupId = await first.getAttribute('data-group');
        await first.click();
        assert.equal(await nameInput.inputValue(), '1组');
        await nameInput.fill('一组');
        await form.locator('[data-test="grid-save"]').click();
        await form.waitFor({ state: 'hidden' });
        await xinhua.locator(`[data-group="${groupId}"]`, { hasText: '一组' }).waitFor();
        assert.deepEqual((await callsOf(page, 'group_rename')).at(-1).args, { id: groupId, name: '一组' });

        // A new village.
        await grid.locator('[data-test="village-add"]').click();
        await nameInput.fill('桂花村');
        await form.locator('[data-test="grid-save"]').click();
        await village('桂花村').waitFor();
        await shot('grid-names-renamed');
      });
    });

    test('the township sees every device\'s exports and printouts, its own new export on top', async () => {
      await withApp(env.server, { viewport, fake: TOWNSHIP }, async (page, { shot }) => {
        // A daily-reports export over a range from the overview.
        await page.locator('[data-test="overview"]').waitFor();
        await page.locator('[data-test="export"]').click();
        const sheet = page.locator('[data-test="export-sheet"]');
        await sheet.locator('[data-test="export-kind"] [data-kind="reports"]').click();
        await sheet.locator('[data-field="export-to"]').waitFor();
        await sheet.locator('[data-test="export-go"]').click();
        await expectToast(page, /^已导出 /);
        const form = (await callsOf(page, 'export_file')).at(-1).args.form;
        assert.equal(form.kind, 'reports');
        assert.match(form.out, /日报告汇总.*\.xlsx$/);

        await page.evaluate(() => (location.hash = '#/devices'));
        const rows = page.locator('[data-test="export-log-row"]');
        await rows.nth(1).waitFor();
        // Newest first: this device's export, then the grid worker's synced one, named as the
        // relay's registry names the device (not as the entry names itself).
        assert.match(await rows.nth(0).innerText(), /日报告汇总[\s\S]*Excel/);
        const worker = await rows.nth(1).innerText();
        assert.match(worker, /一户一档台账/);
        assert.match(worker, /红星村-王网格员手机/);
        assert.match(worker, /1320 行/);
        assert.doesNotMatch(worker, /王网格员 ·/);
        await page.locator('[data-test="export-log"]').scrollIntoViewIfNeeded();
        await shot('export-log');
      });
    });

    test('a grid worker device cannot manage devices', async () => {
      await withApp(env.server, { viewport, hash: '#/devices' }, async (page, { shot }) => {
        await page.locator('[data-test="devices-problem"]', { hasText: '只有镇街设备可以管理设备' }).waitFor();
        assert.equal(await page.locator('[data-test="device-add"]').isDisabled(), true);
        await page.goto(`${env.server.url}#/settings`);
        await page.locator('[data-test="settings"]').waitFor();
        assert.equal(await page.locator('[data-test="settings-devices"]').count(), 0);
        assert.equal(await page.locator('[data-test="township-papers"]').count(), 0);
        await shot('devices-refused');
      });
    });

    test('a new device enrolls with a typed code; a wrong one is refused', async () => {
      await withApp(env.server, { viewport, hash: '#/settings', fake: { enrolled: false } }, async (page, { shot }) => {
        await page.locator('[data-test="settings"]').waitFor();
        await seedCode(page, 'K7MQ-4XRT');
        await page.locator('[data-test="relay-url"] input').fill('https://relay.mositai.example:8443');
        await page.locator('[data-test="token"] input').fill('k7mq 4xrz');
        await page.locator('[data-test="enroll"]').click();
        await page.locator('[data-test="token"] .van-field__error-message', { hasText: '注册码无效' }).waitFor();
        assert.deepEqual((await callsOf(page, 'enroll_code')).at(-1).args, {
          relayUrl: 'https://relay.mositai.example:8443',
          code: 'K7MQ-4XRZ',
        });
        assert.match(await page.locator('[data-test="enroll-status"]').innerText(), /未/);
        await shot('enroll-code-wrong');
        await page.locator('[data-test="token"] input').fill('k7mq 4xrt');
        await page.locator('[data-test="enroll"]').click();
        await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
        assert.deepEqual((await callsOf(page, 'enroll_code')).at(-1).args, {
          relayUrl: 'https://relay.mositai.example:8443',
          code: 'K7MQ-4XRT',
        });
        assert.equal((await callsOf(page, 'enroll')).filter((c) => c.args.token?.startsWith('k7mq')).length, 0);
        await shot('enroll-code-done');
      });
    });

    test('a new device enrolls by scanning the QR code with the camera', async () => {
      const y4m = join(env.dir, `enroll-${size}.y4m`);
      writeQrY4m(y4m, 'gridbook:enroll?relay=https://relay.mositai.example:8443&code=P3WV-9HNB');
      await withApp(
        env.server,
        { viewport, hash: '#/settings', fake: { enrolled: false }, args: fakeCameraArgs(y4m) },
        async (page, { shot }) => {
          await page.locator('[data-test="settings"]').waitFor();
          await seedCode(page, 'P3WV-9HNB');
          assert.equal(await page.locator('[data-test="relay-url"] input').inputValue(), '');
          await page.locator('[data-test="enroll-scan"]').click();
          await page.locator('[data-test="qr-scanner"]', { hasText: '扫描设备注册二维码' }).waitFor();
          await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
          assert.deepEqual((await callsOf(page, 'enroll_code')).at(-1).args, {
            relayUrl: 'https://relay.mositai.example:8443',
            code: 'P3WV-9HNB',
          });
          assert.equal(await page.locator('[data-test="relay-url"] input').inputValue(), 'https://relay.mositai.example:8443');
          await page.locator('[data-test="qr-scanner"]').waitFor({ state: 'hidden' });
          await shot('enroll-code-scanned');
        },
      );
    });
  });
}
