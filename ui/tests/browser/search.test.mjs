import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`households and search (${size})`, () => {
    test('home shows today at a glance', async () => {
      await withApp(server, { viewport }, async (page, { shot }) => {
        await page.locator('[data-test="stat-households"] .value').filter({ hasText: '240' }).waitFor();
        assert.match(await page.locator('[data-test="stat-persons"] .value').innerText(), /^\d[\d,]*$/);
        assert.equal(await page.locator('[data-test="stat-unsynced"] .value').innerText(), '3');
        await page.locator('[data-test="home-conflicts"]').waitFor();
        await shot('home');
      });
    });

    test('search by pinyin initials shows the person, tap opens the household', async () => {
      await withApp(server, { viewport, hash: '#/households' }, async (page, { shot, wide }) => {
        await page.locator('[data-test="household-row"]').first().waitFor();
        await shot('households-list');
        await page.locator('[data-test="search"] input').fill('wxy');
        const hit = page.locator('[data-test="search-hit"]', { hasText: '王秀英' });
        await hit.waitFor();
        assert.match(await hit.innerText(), /拼音/);
        assert.match(await hit.innerText(), /红星村3组18号/);
        // The ID is masked on the list.
        assert.match(await hit.innerText(), /150581\*{8}0020/);
        // Debounced: typing three letters at once sends one query.
        const searches = await callsOf(page, 'search_persons');
        assert.equal(searches.length, 1);
        assert.deepEqual(searches[0].args, { query: 'wxy', limit: 50 });
        await shot('search-pinyin');

        await hit.click();
        await page.locator('[data-test="household-address"]', { hasText: '红星村3组18号' }).waitFor();
        const cards = page.locator('[data-test="person-card"]');
        assert.equal(await cards.count(), 3);
        // Risk tags are red, 七类人 are orange.
        const liming = cards.filter({ hasText: '李明' });
        assert.equal(await liming.locator('.van-tag--danger', { hasText: '中风险地区来返' }).count(), 1);
        assert.equal(await cards.filter({ hasText: '王秀英' }).locator('.van-tag--warning', { hasText: '慢性病患者' }).count(), 1);
        assert.match(await liming.innerText(), /疫苗 3 剂/);
        // On a laptop the list stays beside the detail; on a phone the detail replaces it.
        assert.equal(await page.locator('[data-test="households-pane"]').isVisible(), wide);
        await shot('household-detail');
        if (!wide) {
          // Tapping 户籍台账 again, deep in a household, goes back to the list and its search.
          await page.locator('[data-test="tabbar"] .van-tabbar-item', { hasText: '户籍台账' }).click();
          await page.locator('[data-test="households-pane"]').waitFor();
          assert.equal(await page.locator('[data-test="search"] input').inputValue(), 'wxy');
        }
      });
    });

    test('search by ID tail, phone and plate', async () => {
      await withApp(server, { viewport, hash: '#/households' }, async (page) => {
        const box = page.locator('[data-test="search"] input');
        await box.fill('001x');
        await page.locator('[data-test="search-hit"]', { hasText: '李明' }).filter({ hasText: '身份证' }).waitFor();
        await box.fill('13812345678');
        await page.locator('[data-test="search-hit"]', { hasText: '王秀英' }).filter({ hasText: '电话' }).waitFor();
        await box.fill('蒙G12345');
        await page.locator('[data-test="search-hit"]', { hasText: '李明' }).filter({ hasText: '车牌' }).waitFor();
        await box.fill('查无此人');
        await page.locator('[data-test="search-results"]', { hasText: '没有找到匹配的人员' }).waitFor();
        // Clearing the box brings the household list back.
        await box.fill('');
        await page.locator('[data-test="household-row"]').first().waitFor();
      });
    });

    test('the household list stays windowed with 100k households', async () => {
      await withApp(server, { viewport, hash: '#/households', fake: { households: 100_000, delay: 5 } }, async (page, { shot }) => {
        await page.locator('[data-test="household-total"]', { hasText: '100,000' }).waitFor({ timeout: 30_000 });
        await page.locator('[data-test="household-row"]').first().waitFor();
        const rows = await page.locator('[data-test^="household-row"]').count();
        assert.ok(rows < 40, `${rows} rows in the DOM`);
        // Jump to the middle: only the pages around it are fetched.
        await page.locator('[data-test="household-list"]').evaluate((el) => (el.scrollTop = 50_000 * 76));
        await page.locator('[data-test="household-row"][data-index="50002"]').waitFor();
        const inDom = await page.locator('[data-test^="household-row"]').count();
        assert.ok(inDom < 40, `${inDom} rows in the DOM after scrolling`);
        const offsets = (await callsOf(page, 'list_households')).map((c) => c.args.offset);
        assert.ok(offsets.length <= 6, `fetched ${offsets.join(',')}`);
        assert.ok(offsets.includes(50_000));
        await shot('households-100k-middle');
        // Another tab and back: the list is where it was.
        await page.goto(page.url().replace(/#.*$/, '#/coverage'));
        await page.locator('[data-test="coverage"]').waitFor();
        await page.goto(page.url().replace(/#.*$/, '#/households'));
        await page.locator('[data-test="household-row"][data-index="50002"]').waitFor();
        // Filtering by village starts over at the top of that village.
        await page.locator('.village-menu .van-dropdown-menu__item').first().click();
        await page.locator('.van-dropdown-item__option:visible', { hasText: '新华村' }).click();
        await page.locator('[data-test="household-row"][data-index="0"]', { hasText: '新华村' }).waitFor();
        const last = (await callsOf(page, 'list_households')).at(-1);
        assert.deepEqual(last.args, { villageId: 'v-xinhua', offset: 0, limit: 100 });
      });
    });
  });
}
