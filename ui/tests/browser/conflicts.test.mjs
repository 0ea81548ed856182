import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, startServer, expectToast, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`verify and conflicts (${size})`, () => {
    test('今日已核查 records a verification, shows a toast and updates last verified', async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang' }, async (page, { shot }) => {
        const last = page.locator('[data-test="last-verified"]');
        await last.filter({ hasText: '9 天前' }).waitFor();
        // The latest test reads in Chinese: no English result word.
        const test = await page.locator('[data-person="p-wang"] [data-test="last-test"]').innerText();
        assert.match(test, /^核酸 \d{4}年\d{1,2}月\d{1,2}日 阴性$/);
        assert.match(await page.locator('[data-test="sync-unsynced"]').innerText(), /3 条未同步/);
        await page.locator('[data-test="verify"]').click();
        await expectToast(page, '已记录核查');
        await last.filter({ hasText: /今天|刚刚/ }).waitFor();
        assert.deepEqual((await callsOf(page, 'verify_household')).map((c) => c.args), [{ id: 'h-wang' }]);
        // The write counts as an unsynced change in the sync bar.
        await page.locator('[data-test="sync-unsynced"]', { hasText: '4 条未同步' }).waitFor();
        // Done for today: the button says so and a second tap adds nothing.
        const button = page.locator('[data-test="verify"]');
        await button.filter({ hasText: '今天已核查过' }).waitFor();
        assert.equal(await button.isDisabled(), true);
        await button.click({ force: true });
        assert.equal((await callsOf(page, 'verify_household')).length, 1);
        assert.match(await page.locator('[data-test="sync-unsynced"]').innerText(), /4 条未同步/);
        await shot('verified');
      });
    });

    test('conflicts: banner, pick a value for each field, then no banner', async () => {
      await withApp(server, { viewport, hash: '#/households/h-zhang' }, async (page, { shot }) => {
        const banner = page.locator('[data-test="conflict-banner"]');
        await banner.waitFor();
        assert.match(await banner.innerText(), /2 处修改冲突/);
        await shot('conflict-banner');
        await banner.click();

        const items = page.locator('[data-test="conflict"]');
        await items.first().waitFor();
        assert.equal(await items.count(), 2);
        // The phone's values come masked, each with the tap that shows it in full (logged).
        const phone = items.filter({ has: page.locator('[data-test="conflict-choice"]') });
        assert.equal(await phone.count(), 1);
        const choices = phone.locator('[data-test="conflict-choice"]');
        assert.deepEqual(await phone.locator('[data-test="conflict-shown"]').allInnerTexts(), ['139****1111', '139****2222']);
        assert.ok(!(await phone.innerText()).includes('13900001111'));
        const residency = items.filter({ hasText: '居住类型' });
        assert.deepEqual(await residency.locator('[data-test="conflict-value"]').allInnerTexts(), ['常住', '租户']);
        await shot('conflicts');
        await choices.nth(0).locator('[data-test="reveal-phone"]').click();
        await choices.nth(0).locator('[data-test="conflict-shown"]', { hasText: '13900001111' }).waitFor();
        assert.equal(await choices.nth(1).locator('[data-test="conflict-shown"]').innerText(), '139****2222');
        assert.deepEqual((await callsOf(page, 'reveal_choice')).map((c) => c.args), [{ recordId: 'h-zhang', field: 'phone', index: 0 }]);
        const log = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        assert.deepEqual(
          log.filter((e) => e.kind === 'reveal').map((e) => `${e.subject}:${e.field}`),
          ['h-zhang:phone'],
        );
        await shot('conflicts-revealed');

        // The second phone is picked by its place, without the screen holding it in full.
        await choices.nth(1).locator('[data-test="conflict-pick"]').click();
        await expectToast(page, '已处理');
        await page.waitForFunction(() => document.querySelectorAll('[data-test="conflict"]').length === 1);
        await page.locator('[data-test="conflict-value"]', { hasText: '租户' }).click();
        await page.locator('[data-test="no-conflicts"]').waitFor();
        assert.deepEqual(
          (await callsOf(page, 'resolve_choice')).map((c) => c.args),
          [
            { recordId: 'h-zhang', field: 'phone', index: 1, shown: ['139****1111', '139****2222'] },
            { recordId: 'p-zhang', field: 'residency', index: 1, shown: ['resident', 'tenant'] },
          ],
        );
        assert.equal(await page.evaluate(() => window.__fake.state.households.get('h-zhang').phone), '13900002222');
        await shot('conflicts-resolved');

        // Back on the household: no banner, the picked values are shown (the phone masked).
        await page.locator('[data-test="conflicts"] .van-nav-bar__left').click();
        await page.locator('[data-test="household-detail"]').waitFor();
        await page.locator('[data-test="household-phone"]', { hasText: '139****2222' }).waitFor();
        assert.equal(await page.locator('[data-test="conflict-banner"]').count(), 0);
        assert.match(await page.locator('[data-test="person-card"]').first().innerText(), /租户/);
        // The home badge is gone too.
        assert.equal(await page.evaluate(() => window.__fake.state.conflicts.length), 0);
      });
    });

    test('the conflicts page lists every conflict from home', async () => {
      await withApp(server, { viewport }, async (page) => {
        await page.locator('[data-test="home-conflicts"]').click();
        await page.locator('[data-test="conflict"]').first().waitFor();
        assert.equal(await page.locator('[data-test="conflict"]').count(), 2);
        assert.deepEqual(await page.locator('[data-test="conflict-shown"]').allInnerTexts(), ['139****1111', '139****2222']);
      });
    });

    test("a volunteer sees a conflict's phones masked, with no tap to show them", async () => {
      const fake = { enrolled: true, role: 'volunteer', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-zhang/conflicts' }, async (page) => {
        const shown = page.locator('[data-test="conflict-shown"]');
        await shown.first().waitFor();
        assert.deepEqual(await shown.allInnerTexts(), ['139****1111', '139****2222']);
        assert.equal(await page.locator('[data-test="reveal-phone"]').count(), 0);
        assert.ok(!(await page.locator('[data-test="conflicts"]').innerText()).includes('13900001111'));
        // The store refuses the reveal to this role, whatever the screen asks.
        const refused = await page.evaluate(() => {
          try {
            window.__fake.commands.reveal_choice({ recordId: 'h-zhang', field: 'phone', index: 0 });
            return null;
          } catch (e) {
            return e.kind;
          }
        });
        assert.equal(refused, 'refused');
      });
    });

    test('a volunteer cannot pick a value of the ledger: no 保留此值, and the store refuses', async () => {
      const fake = { enrolled: true, role: 'volunteer', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-zhang/conflicts' }, async (page, { shot }) => {
        const items = page.locator('[data-test="conflict"]');
        await items.first().waitFor();
        assert.equal(await items.count(), 2);
        // Both conflicts are the ledger's: their values are shown, none can be picked.
        assert.equal(await page.locator('[data-test="conflict-pick"]').count(), 0);
        assert.equal(await page.locator('[data-test="conflict-value"]').count(), 0);
        assert.equal(await page.locator('[data-test="conflict-read-only"]').count(), 2);
        assert.match(await page.locator('[data-test="conflict-read-only"]').first().innerText(), /网格员或镇防控办/);
        assert.deepEqual(await page.locator('[data-test="conflict-shown"]').allInnerTexts(), ['139****1111', '139****2222']);
        assert.deepEqual(await page.locator('[data-test="conflict-fixed"]').allInnerTexts(), ['常住', '租户']);
        await shot('conflicts-volunteer');
        // The store refuses the pick to this role, whatever the screen sends.
        const refused = await page.evaluate(() => {
          try {
            window.__fake.commands.resolve_choice({ recordId: 'p-zhang', field: 'residency', index: 1, shown: ['resident', 'tenant'] });
            return null;
          } catch (e) {
            return e.kind;
          }
        });
        assert.equal(refused, 'refused');
        assert.equal(await page.evaluate(() => window.__fake.state.conflicts.length), 2);
        assert.equal((await callsOf(page, 'resolve_choice')).length, 0);
      });
    });

    test("the village's grid worker picks: 保留此值 on each value", async () => {
      const fake = { enrolled: true, role: 'grid-worker', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-zhang/conflicts' }, async (page) => {
        await page.locator('[data-test="conflict"]').first().waitFor();
        assert.equal(await page.locator('[data-test="conflict-pick"]').count(), 2);
        assert.equal(await page.locator('[data-test="conflict-value"]').count(), 2);
        assert.equal(await page.locator('[data-test="conflict-read-only"]').count(), 0);
      });
    });
  });
}
