import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`coverage (${size})`, () => {
    test('households not verified in N days, grouped by group with counts; tap opens the household', async () => {
      await withApp(server, { viewport, hash: '#/coverage' }, async (page, { shot }) => {
        await page.locator('[data-test="coverage-summary"]').waitFor();
        // What the backend says for 7 days, grouped by hand here.
        const expected = await page.evaluate(() => {
          const rows = window.__fake.commands.coverage({ days: 7 });
          const names = Object.fromEntries(window.__fake.state.villages.map((v) => [v.id, v.name]));
          const groups = {};
          for (const r of rows) {
            const key = `${names[r.village_id]} · ${r.group_name}`;
            groups[key] = (groups[key] || 0) + 1;
          }
          return { total: rows.length, groups };
        });
        assert.match(await page.locator('[data-test="coverage-summary"]').innerText(), new RegExp(`7 天内未核查：${expected.total} 户`));
        const groups = page.locator('[data-test="coverage-group"]');
        const seen = {};
        for (let i = 0; i < (await groups.count()); i++) {
          const g = groups.nth(i);
          const title = (await g.locator('.gname').innerText()).trim();
          const count = Number((await g.locator('[data-test="coverage-count"]').innerText()).replace(/\D/g, ''));
          seen[title] = count;
        }
        assert.deepEqual(seen, expected.groups);
        // Groups in natural order within a village: 2组 before 10组 style ordering, never-verified first.
        const hongxing = Object.keys(seen).filter((k) => k.startsWith('红星村'));
        assert.deepEqual(hongxing, [...hongxing].sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true })));
        const g2 = groups.filter({ hasText: '红星村 · 2组' });
        assert.match(await g2.locator('[data-test="coverage-row"]').first().innerText(), /从未核查/);
        await shot('coverage-7');

        // 30 days: fewer households; 1 day: more.
        await page.locator('[data-test="coverage-days"] .van-tab', { hasText: '30 天' }).click();
        await page.locator('[data-test="coverage-summary"]', { hasText: '30 天内' }).waitFor();
        const n30 = Number((await page.locator('[data-test="coverage-summary"]').innerText()).match(/(\d+) 户/)[1]);
        assert.ok(n30 < expected.total, `${n30} < ${expected.total}`);
        assert.deepEqual((await callsOf(page, 'coverage')).map((c) => c.args.days), [7, 30]);
        await shot('coverage-30');

        await page.locator('[data-test="coverage-row"]', { hasText: '张桂兰' }).click();
        await page.locator('[data-test="household-address"]', { hasText: '红星村2组5号' }).waitFor();
      });
    });
  });
}
