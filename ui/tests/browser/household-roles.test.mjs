// The household page follows the device's role: a volunteer (卡口) reads a household but gets
// no 编辑, 添加成员 or 核实 (they write the ledger, which the role may not), and when the role
// changes while the page is open (the township re-enrolls the device; the status after the
// next sync says so), the buttons come or go without leaving the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const WRITE_BUTTONS = ['edit-household', 'add-person', 'verify'];

/** How many of the ledger-writing buttons the page shows. */
async function writeButtons(page) {
  let n = 0;
  for (const b of WRITE_BUTTONS) n += await page.locator(`[data-test="${b}"]`).count();
  return n;
}

/** Gives the fake device `role` and finishes a sync, as the sync loop reports one. */
async function becomes(page, role) {
  await page.evaluate((r) => {
    window.__fake.state.role = r;
    window.__fake.pushStatus({ state: 'syncing', unsynced: 0 });
    window.__fake.pushStatus({ state: 'idle', unsynced: 0, last_sync: Math.floor(Date.now() / 1000) });
  }, role);
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`household page by role (${size})`, () => {
    test('a volunteer reads the household without the buttons that write the ledger', async () => {
      const fake = { enrolled: true, role: 'volunteer', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-wang' }, async (page, { shot }) => {
        await page.locator('[data-test="person-card"]', { hasText: '王秀英' }).waitFor();
        assert.equal(await writeButtons(page), 0);
        assert.equal(await page.locator('[data-test="edit-person"]').count(), 0);
        await shot('household-volunteer');
      });
    });

    test('the buttons follow a role that changes while the page is open', async () => {
      const fake = { enrolled: true, role: 'grid-worker', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-wang' }, async (page) => {
        await page.locator('[data-test="person-card"]', { hasText: '王秀英' }).waitFor();
        await page.locator('[data-test="edit-household"]').waitFor();
        assert.equal(await writeButtons(page), WRITE_BUTTONS.length);
        await becomes(page, 'volunteer');
        await page.locator('[data-test="edit-household"]').waitFor({ state: 'detached' });
        assert.equal(await writeButtons(page), 0);
        assert.equal(await page.locator('[data-test="edit-person"]').count(), 0);
        await becomes(page, 'grid-worker');
        await page.locator('[data-test="edit-household"]').waitFor();
        assert.equal(await writeButtons(page), WRITE_BUTTONS.length);
      });
    });
  });
}
