// The 疑似重复 screen on the fake backend (tests/fake/duplicates.js), at phone and laptop sizes:
// three planted pairs with their reasons in Chinese, the two persons side by side with the
// differing fields highlighted; 合并 asks first, keeps the chosen person (an empty phone filled
// only when ticked), and the merged person leaves the list and search; 撤销合并 brings it back;
// 不是同一人 (a reason optional) takes the pair off the list, 撤销 lists it again. ID numbers and
// phones arrive masked: a line says whether the two are the same or at which places they
// differ, and 显示完整 shows one in full (logged) to a role that may see the person's village.
// Reachable from the township's overview and from the grid worker's ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, startServer, withApp } from './helpers.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const search = (page, q) => page.evaluate((x) => window.__fake.commands.search_persons({ query: x, limit: 50 }), q);

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`duplicates (${size})`, () => {
    test('a grid worker merges a pair and undoes it', async () => {
      await withApp(server, { viewport, hash: '#/households', fake: { duplicates: true } }, async (page, { shot }) => {
        await page.locator('[data-test="to-duplicates"]').first().click();
        const pairs = page.locator('[data-test="dup-pair"]');
        await pairs.first().waitFor();
        assert.equal(await pairs.count(), 3);
        const reasons = await page.locator('[data-test="dup-reason"]').allInnerTexts();
        assert.deepEqual(reasons.map((r) => r.trim()), ['证件号码相同', '姓名、出生日期相同', '姓名、电话相同']);
        // Same name and birth date: the ID numbers, phones, households differ; the names do not.
        const second = pairs.nth(1);
        await second.locator('[data-test="dup-side"]').first().waitFor();
        const diff = async (f) => second.locator(`[data-test="dup-side"]`).first().locator(`[data-field="${f}"]`).getAttribute('data-diff');
        assert.equal(await diff('name'), '0');
        assert.equal(await diff('id_number'), '1');
        assert.equal(await diff('household'), '1');
        await shot('duplicates');

        // Keep the second person of the pair; the first has a plate the kept one lacks.
        const sides = second.locator('[data-test="dup-side"]');
        const goneId = await sides.nth(0).getAttribute('data-person');
        const keepId = await sides.nth(1).getAttribute('data-person');
        const goneName = (await sides.nth(0).locator('[data-field="name"] dd').innerText()).trim();
        await sides.nth(1).locator('[data-test="dup-keep"]').click();
        const fills = second.locator('[data-test="dup-fill"]');
        const fillFields = await fills.evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
        await second.locator('[data-test="dup-merge"]').click();
        await page.locator('.van-dialog', { hasText: '确认合并' }).waitFor();
        await shot('duplicates-confirm');
        await page.locator('.van-dialog__confirm').click();
        await expectToast(page, '已合并');
        const merge = (await callsOf(page, 'merge_person')).at(-1).args;
        assert.deepEqual(merge, { id: goneId, into: keepId, fill: [] }, `nothing filled unless ticked (offered: ${fillFields})`);
        await page.locator('[data-test="merged-row"]').first().waitFor();
        assert.equal(await pairs.count(), 2);
        const hits = await search(page, goneName);
        assert.ok(!hits.some((h) => h.person_id === goneId), 'the merged person left search');
        assert.ok(hits.some((h) => h.person_id === keepId));
        await shot('duplicates-merged');

        await page.locator(`[data-test="merged-row"][data-person="${goneId}"] [data-test="unmerge"]`).click();
        await page.locator('.van-dialog__confirm').click();
        await expectToast(page, '已撤销合并');
        await page.locator('[data-test="merged-row"]').waitFor({ state: 'detached' });
        assert.equal(await pairs.count(), 3);
        assert.ok((await search(page, goneName)).some((h) => h.person_id === goneId));
      });
    });

    test('a grid worker marks a pair as not the same person and undoes it', async () => {
      await withApp(server, { viewport, hash: '#/households', fake: { duplicates: true } }, async (page, { shot }) => {
        await page.locator('[data-test="to-duplicates"]').first().click();
        const pairs = page.locator('[data-test="dup-pair"]');
        await pairs.first().locator('[data-test="dup-side"]').first().waitFor();
        assert.equal(await pairs.count(), 3);
        const third = pairs.nth(2);
        await third.locator('[data-test="dup-side"]').first().waitFor();
        const ids = await third.locator('[data-test="dup-side"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-person')));
        const dialog = page.locator('[data-test="dismiss-dialog"]');

        // Cancelled: nothing is written.
        await third.locator('[data-test="dup-dismiss"]').click();
        await dialog.waitFor();
        assert.match(await page.locator('[data-test="dismiss-message"]').innerText(), /不是同一人？.*可以撤销/);
        await dialog.locator('.van-dialog__cancel').click();
        await dialog.waitFor({ state: 'hidden' });
        assert.equal((await callsOf(page, 'dismiss_duplicate')).length, 0);

        await third.locator('[data-test="dup-dismiss"]').click();
        await dialog.waitFor();
        await page.locator('[data-test="dismiss-reason"] input').fill('  父女同名  ');
        await shot('duplicates-dismiss');
        await dialog.locator('.van-dialog__confirm').click();
        await expectToast(page, '已标记为不是同一人');
        const args = (await callsOf(page, 'dismiss_duplicate')).at(-1).args;
        assert.deepEqual(args, { a: ids[0], b: ids[1], reason: '父女同名' });
        const row = page.locator('[data-test="dismissed-row"]');
        await row.waitFor();
        assert.equal(await pairs.count(), 2);
        assert.equal(await row.getAttribute('data-persons'), [...ids].sort().join('|'));
        assert.match(await row.innerText(), /父女同名/);
        await shot('duplicates-dismissed');

        await row.locator('[data-test="restore"]').click();
        // The confirm dialog (the dismissal dialog stays in the page, hidden).
        const confirm = page.locator('.van-dialog:visible', { hasText: '撤销“' });
        await confirm.waitFor();
        await confirm.locator('.van-dialog__confirm').click();
        await expectToast(page, '已撤销标记');
        await row.waitFor({ state: 'detached' });
        assert.equal(await pairs.count(), 3);
      });
    });

    test('the township reaches it from the overview and fills an empty phone when ticked', async () => {
      await withApp(server, { viewport, hash: '#/overview', fake: { duplicates: true, role: 'township' } }, async (page) => {
        await page.locator('[data-test="to-duplicates"]').first().click();
        const first = page.locator('[data-test="dup-pair"]').first();
        await first.locator('[data-test="dup-side"]').first().waitFor();
        // The same ID number: one of the two has a phone, the other none.
        const sides = first.locator('[data-test="dup-side"]');
        const phones = await sides.locator('[data-field="phone"] dd').evaluateAll((els) =>
          els.map((e) => e.querySelector('[data-test="dup-phone"]')?.textContent ?? e.textContent),
        );
        const keep = phones[0].trim() === '—' ? 0 : 1;
        await sides.nth(keep).locator('[data-test="dup-keep"]').click();
        await first.locator('[data-test="dup-fill"][data-field="phone"]').click();
        await first.locator('[data-test="dup-merge"]').click();
        await page.locator('.van-dialog__confirm').click();
        await expectToast(page, '已合并');
        const args = (await callsOf(page, 'merge_person')).at(-1).args;
        assert.deepEqual(args.fill, ['phone']);
        const kept = await page.evaluate((id) => window.__fake.state.persons.get(id).phone, args.into);
        // The comparison shows phones masked (138****5678); the merge keeps the full number.
        assert.match(kept, /^\d{11}$/);
        assert.equal(`${kept.slice(0, 3)}****${kept.slice(-4)}`, phones[1 - keep].trim());
      });
    });

    test('the township compares masked numbers by their places and reveals one, logged', async () => {
      await withApp(server, { viewport, hash: '#/overview', fake: { duplicates: true, role: 'township' } }, async (page, { shot }) => {
        await page.locator('[data-test="to-duplicates"]').first().click();
        const pairs = page.locator('[data-test="dup-pair"]');
        await pairs.nth(1).locator('[data-test="dup-side"]').first().waitFor();
        const full = async (pair) => {
          const ids = await pair.locator('[data-test="dup-side"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-person')));
          return page.evaluate((xs) => xs.map((x) => window.__fake.state.persons.get(x).id_number), ids);
        };
        // The same ID number: said so, neither shown in full.
        const same = pairs.nth(0);
        const [a0, b0] = await full(same);
        assert.equal(a0, b0);
        assert.match(await same.locator('[data-test="dup-compare"] [data-field="id_number"]').innerText(), /^证件号码完全相同$/);
        assert.ok(!(await same.innerText()).includes(a0));
        // Two numbers: the places where they differ, counted from 1.
        const other = pairs.nth(1);
        const [a1, b1] = await full(other);
        const places = [...a1].map((c, i) => (c === b1[i] ? 0 : i + 1)).filter(Boolean);
        assert.ok(places.length > 0);
        assert.equal(
          await other.locator('[data-test="dup-compare"] [data-field="id_number"]').innerText(),
          `证件号码第 ${places.join('、')} 位不同`,
        );
        const text = await other.innerText();
        assert.ok(!text.includes(a1) && !text.includes(b1), text);
        const sides = other.locator('[data-test="dup-side"]');
        assert.equal(await sides.nth(0).locator('[data-test="dup-id_number"]').innerText(), `${a1.slice(0, 6)}${'*'.repeat(8)}${a1.slice(-4)}`);
        await shot('duplicates-compare');

        // A tap shows one number in full; the device logs it.
        await sides.nth(1).locator('[data-test="reveal-id_number"]').click();
        await sides.nth(1).locator('[data-test="dup-id_number"]', { hasText: b1 }).waitFor();
        assert.ok(!(await sides.nth(0).innerText()).includes(a1));
        const person = await sides.nth(1).getAttribute('data-person');
        assert.deepEqual((await callsOf(page, 'reveal')).map((c) => c.args), [{ recordId: person, field: 'id_number' }]);
        const log = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        assert.deepEqual(
          log.filter((e) => e.kind === 'reveal').map((e) => `${e.subject}:${e.field}`),
          [`${person}:id_number`],
        );
        await shot('duplicates-revealed');
      });
    });

    test('a volunteer sees masked numbers on the comparison with no tap to show them', async () => {
      const fake = { duplicates: true, enrolled: true, role: 'volunteer', village: 'v-hongxing' };
      await withApp(server, { viewport, hash: '#/duplicates', fake }, async (page) => {
        const side = page.locator('[data-test="dup-side"]').first();
        await side.waitFor();
        assert.match(await side.locator('[data-test="dup-id_number"]').innerText(), /^\d{6}\*{8}[\dX]{4}$/);
        assert.equal(await page.locator('[data-test^="reveal-"]').count(), 0);
      });
    });
  });
}
