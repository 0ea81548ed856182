// Enrollment with a QR code that pins the township's certificate authority (`ca=` of the QR
// text), on the fake backend: the scanned pin is shown and sent with the code; a relay whose
// certificate another CA issued is refused with the reason in Chinese and nothing enrolled.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { VIEWPORTS, callsOf, withApp } from './helpers.mjs';
import { fakeCameraArgs, writeQrY4m } from './camera.mjs';
import { enrollingEnv, seedCode } from './enrolling.mjs';

const env = enrollingEnv('gridbook-enroll-pin-');

const RELAY = 'https://10.20.30.40:7878';
const RIGHT = '3f'.repeat(32);
const WRONG = 'a7'.repeat(32);

/** Scans `qr` with the fake camera on the settings screen of a device not yet enrolled. */
async function scan(viewport, name, qr, code, check) {
  const y4m = join(env.dir, `${name}-${viewport.width}.y4m`);
  writeQrY4m(y4m, qr);
  await withApp(
    env.server,
    { viewport, hash: '#/settings', fake: { enrolled: false }, args: fakeCameraArgs(y4m) },
    async (page, ctx) => {
      await page.locator('[data-test="settings"]').waitFor();
      await seedCode(page, code);
      await page.locator('[data-test="enroll-scan"]').click();
      await check(page, ctx);
    },
  );
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`enrollment pinning the township CA (${size})`, () => {
    test('a relay whose certificate another CA issued is refused in Chinese', async () => {
      const qr = `gridbook:enroll?relay=${RELAY}&code=M4TR-8KQW&ca=${WRONG}`;
      await scan(viewport, 'wrong', qr, 'M4TR-8KQW', async (page, { shot }) => {
        const error = page.locator('[data-test="token"] .van-field__error-message');
        await error.waitFor();
        assert.match(await error.innerText(), /中继的证书不是本乡镇的证书机构（CA）签发的/);
        assert.deepEqual((await callsOf(page, 'enroll_code')).at(-1).args, { relayUrl: RELAY, code: 'M4TR-8KQW', ca: WRONG });
        assert.match(await page.locator('[data-test="ca-pin"]').innerText(), new RegExp(`指纹 ${WRONG.slice(0, 16)}`));
        assert.match(await page.locator('[data-test="enroll-status"]').innerText(), /未/);
        await shot('enroll-pin-refused');
      });
    });

    test('the right CA enrolls, the pin sent with the code', async () => {
      const qr = `gridbook:enroll?relay=${RELAY}&code=H7XN-2PCD&ca=${RIGHT.toUpperCase()}`;
      await scan(viewport, 'right', qr, 'H7XN-2PCD', async (page, { shot }) => {
        await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
        assert.deepEqual((await callsOf(page, 'enroll_code')).at(-1).args, { relayUrl: RELAY, code: 'H7XN-2PCD', ca: RIGHT });
        await page.locator('[data-test="ca-pin"]').waitFor({ state: 'detached' });
        await shot('enroll-pin-done');
      });
    });
  });
}
