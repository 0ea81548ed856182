// Masking by role, on the fake backend (tests/fake/backend/, fake/files.js), at phone and
// laptop sizes: search results and the person card show ID numbers and phones masked
// (150581********0020, 138****5678) for every role; the grid worker of the person's village
// and township staff tap 显示完整 on the card to see the full value, which the device logs (the
// township's 导出、打印和查看记录 lists the reveal); the household's own phone on the household
// card the same way; a volunteer and a grid worker of another village get no such tap. The
// card arrives masked for every role; the person's edit form loads the full values through
// person_to_edit, which logs one reveal per value. A volunteer who picks a ledger resident at
// the checkpoint gets the ID number and phone masked from the match and read-only in the entry
// form; the entry goes out masked with the person's id, and the store fills the full values.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, expectToast, field, startServer, withApp } from './helpers.mjs';

const WANG_ID = '150581195803070020';
const WANG_PHONE = '13812345678';
const MASKED_ID = /150581\*{8}0020/;
const MASKED_PHONE = /138\*{4}5678/;
const WANG_HOME = '0475-8912653';
const MASKED_HOME = /047\*{4}2653/;

let server;
before(async () => (server = await startServer()));
after(() => server.close());

/** The search hit of 王秀英 on the households screen: masked, whatever the role. */
async function searchIsMasked(page) {
  await page.locator('[data-test="search"] input').fill('13812345678');
  const hit = page.locator('[data-test="search-hit"]', { hasText: '王秀英' });
  await hit.waitFor();
  const text = await hit.innerText();
  assert.match(text, MASKED_ID);
  assert.match(text, MASKED_PHONE);
  assert.ok(!text.includes(WANG_ID) && !text.includes(WANG_PHONE), text);
}

/** 王秀英's card: masked ID number and phone. */
async function wangCard(page) {
  const card = page.locator('[data-test="person-card"]', { hasText: '王秀英' });
  await card.waitFor();
  assert.match(await card.locator('[data-test="person-id-number"]').innerText(), MASKED_ID);
  assert.match(await card.locator('[data-test="person-phone"]').innerText(), MASKED_PHONE);
  assert.ok(!(await card.innerText()).includes(WANG_ID));
  return card;
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`masking by role (${size})`, () => {
    test("the village's grid worker sees masked lists and reveals on the card; the reveal is logged", async () => {
      const fake = { enrolled: true, role: 'grid-worker', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households' }, async (page, { shot }) => {
        await page.locator('[data-test="household-row"]').first().waitFor();
        await searchIsMasked(page);
        await shot('masking-search');
        await page.evaluate(() => (location.hash = '#/households/h-wang'));
        const card = await wangCard(page);
        await shot('masking-card');
        await card.locator('[data-test="reveal-id_number"]').click();
        await card.locator('[data-test="person-id-number"]', { hasText: WANG_ID }).waitFor();
        // The phone stays masked until it is revealed too; then it can be called.
        assert.match(await card.locator('[data-test="person-phone"]').innerText(), MASKED_PHONE);
        await card.locator('[data-test="reveal-phone"]').click();
        await card.locator('[data-test="person-phone"]', { hasText: WANG_PHONE }).waitFor();
        assert.equal(await card.locator('[data-test="person-phone"]').getAttribute('href'), `tel:${WANG_PHONE}`);
        assert.equal(await card.locator('[data-test^="reveal-"]').count(), 0);
        await shot('masking-revealed');
        const calls = (await callsOf(page, 'reveal')).map((c) => c.args);
        assert.deepEqual(calls, [
          { recordId: 'p-wang', field: 'id_number' },
          { recordId: 'p-wang', field: 'phone' },
        ]);

        // The household's own phone, on the household card: masked, then revealed and logged.
        const summary = page.locator('.card.summary');
        assert.match(await summary.locator('[data-test="household-phone"]').innerText(), MASKED_HOME);
        assert.ok(!(await summary.innerText()).includes(WANG_HOME));
        await summary.locator('[data-test="reveal-phone"]').click();
        await summary.locator('[data-test="household-phone"]', { hasText: WANG_HOME }).waitFor();
        assert.equal(await summary.locator('[data-test="household-phone"]').getAttribute('href'), `tel:${WANG_HOME}`);
        assert.equal(await summary.locator('[data-test^="reveal-"]').count(), 0);
        assert.deepEqual((await callsOf(page, 'reveal')).map((c) => c.args).at(-1), { recordId: 'h-wang', field: 'phone' });

        const log = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        const reveals = log.filter((e) => e.kind === 'reveal');
        assert.deepEqual(reveals.map((e) => `${e.subject}:${e.field}`).sort(), ['h-wang:phone', 'p-wang:id_number', 'p-wang:phone']);
        const logText = JSON.stringify(log);
        assert.ok(!logText.includes(WANG_ID) && !logText.includes(WANG_PHONE) && !logText.includes(WANG_HOME), logText);
      });
    });

    test('a volunteer and a grid worker of another village see masked values and no reveal', async () => {
      for (const fake of [
        { enrolled: true, role: 'volunteer', village: 'v-hongxing' },
        { enrolled: true, role: 'grid-worker', village: 'v-xinhua' },
      ]) {
        await withApp(server, { viewport, fake, hash: '#/households/h-wang' }, async (page, { shot }) => {
          const card = await wangCard(page);
          assert.equal(await card.locator('[data-test^="reveal-"]').count(), 0);
          const summary = page.locator('.card.summary');
          assert.match(await summary.locator('[data-test="household-phone"]').innerText(), MASKED_HOME);
          assert.equal(await summary.locator('[data-test^="reveal-"]').count(), 0);
          assert.ok(!(await page.locator('body').innerText()).includes(WANG_HOME));
          // A volunteer does not edit the ledger: no form that would show the full values.
          assert.equal(await card.locator('[data-test="edit-person"]').count(), fake.role === 'volunteer' ? 0 : 1);
          if (fake.role === 'volunteer') await shot('masking-volunteer-card');
          assert.equal((await callsOf(page, 'reveal')).length, 0);
        });
      }
    });

    test('a volunteer matching a ledger resident at the checkpoint sees the ID number masked', async () => {
      const fake = { enrolled: true, role: 'volunteer', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/checkpoint' }, async (page, { shot }) => {
        await page.locator('[data-test="quick-entry"]').waitFor();
        await page.locator('[data-test="match-search"] input').first().pressSequentially(WANG_ID.slice(-4), { delay: 30 });
        const hit = page.locator('[data-test="match-hit"]', { hasText: '王秀英' });
        await hit.waitFor();
        assert.match(await hit.innerText(), MASKED_ID);
        assert.match(await hit.innerText(), MASKED_PHONE);
        await hit.click();
        const matched = page.locator('[data-test="matched"]', { hasText: '王秀英' });
        await matched.waitFor();
        assert.match(await matched.innerText(), MASKED_ID);
        const text = await page.locator('body').innerText();
        assert.ok(!text.includes(WANG_ID) && !text.includes(WANG_PHONE), 'a full value on the volunteer\'s screen');
        await shot('masking-volunteer-checkpoint');

        // The match card stands for the identity fields (folded away); in them the ID number and
        // phone are masked and read-only, so the full values are not in the page at all.
        const id = field(page, 'id_number');
        const phone = field(page, 'phone');
        assert.equal(await id.isVisible(), false);
        assert.match(await id.inputValue(), new RegExp(`^${MASKED_ID.source}$`));
        assert.match(await phone.inputValue(), new RegExp(`^${MASKED_PHONE.source}$`));
        assert.equal(await id.getAttribute('readonly'), '');
        assert.equal(await phone.getAttribute('readonly'), '');
        const values = await page.locator('input').evaluateAll((els) => els.map((e) => e.value).join('|'));
        assert.ok(!values.includes(WANG_ID) && !values.includes(WANG_PHONE), values);

        // What the match sent is masked: no full value reached the page.
        const matches = await callsOf(page, 'match_residents');
        assert.ok(matches.length > 0);
        const answers = await page.evaluate(async () => JSON.stringify(await window.__fake.commands.match_residents({ checkpoint: 'cp-hongxing', query: '0020', limit: 8 })));
        assert.ok(answers.includes('"person_id"'), answers);
        assert.ok(!answers.includes(WANG_ID) && !answers.includes(WANG_PHONE), answers);

        // Saved, the entry goes out masked with the person's id; the store fills the full values.
        await page.locator('[data-test="temp-36.5"]').click();
        await page.locator('[data-test="code-green"]').click();
        await page.locator('[data-test="suggestion"][data-decision="allow"]').waitFor();
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '王秀英 已放行');
        const adds = await callsOf(page, 'add_entry');
        assert.equal(adds.length, 1);
        const { form } = adds[0].args;
        assert.equal(form.name, '王秀英');
        assert.match(form.id_number, new RegExp(`^${MASKED_ID.source}$`));
        assert.match(form.phone, new RegExp(`^${MASKED_PHONE.source}$`));
        assert.equal(form.person_id, 'p-wang');
        const saved = await page.evaluate(() => window.__fake.checkpoint.state.entries.at(-1));
        assert.equal(saved.person_id, 'p-wang');
        assert.equal(saved.id_number, WANG_ID);
        assert.equal(saved.phone, WANG_PHONE);
        // The day's list on the volunteer's screen stays masked.
        const after = await page.locator('body').innerText();
        assert.ok(!after.includes(WANG_ID) && !after.includes(WANG_PHONE), 'a full value after saving');
      });
    });

    test("the grid worker's edit form loads the full values, and each is logged", async () => {
      const fake = { enrolled: true, role: 'grid-worker', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-wang' }, async (page, { shot }) => {
        const card = await wangCard(page);
        // The card itself came masked: the full values are nowhere in what it was sent.
        const sent = await page.evaluate(() => JSON.stringify(window.__fake.commands.household_detail({ id: 'h-wang' })));
        assert.ok(!sent.includes(WANG_ID) && !sent.includes(WANG_PHONE) && !sent.includes(WANG_HOME), sent);
        await card.locator('[data-test="edit-person"]').click();
        await page.locator('[data-test="person-form"]').waitFor();
        await page.locator('[data-test="edit-shown"]').waitFor();
        assert.equal(await field(page, 'id_number').inputValue(), WANG_ID);
        assert.equal(await field(page, 'phone').inputValue(), WANG_PHONE);
        assert.deepEqual((await callsOf(page, 'person_to_edit')).map((c) => c.args), [{ id: 'p-wang' }]);
        await shot('masking-edit-form');
        const log = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        const reveals = log.filter((e) => e.kind === 'reveal').map((e) => `${e.subject}:${e.field}`).sort();
        assert.deepEqual(reveals, ['p-wang:id_number', 'p-wang:phone']);
        // The household's form loads its phone the same way.
        await page.evaluate(() => (location.hash = '#/households/h-wang/edit'));
        await page.locator('[data-test="household-form"]').waitFor();
        await page.waitForFunction((v) => document.querySelector('[data-field="phone"] input')?.value === v, WANG_HOME);
        assert.deepEqual((await callsOf(page, 'household_to_edit')).map((c) => c.args), [{ id: 'h-wang' }]);
        const again = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        assert.equal(again.filter((e) => e.kind === 'reveal' && e.subject === 'h-wang' && e.field === 'phone').length, 1);
      });
    });

    test("the township reveals, and its log lists the reveal with the person's name", async () => {
      await withApp(server, { viewport, fake: { enrolled: true, role: 'township' }, hash: '#/households/h-wang' }, async (page, { shot }) => {
        const card = await wangCard(page);
        await card.locator('[data-test="reveal-id_number"]').click();
        await card.locator('[data-test="person-id-number"]', { hasText: WANG_ID }).waitFor();
        const summary = page.locator('.card.summary');
        await summary.locator('[data-test="reveal-phone"]').click();
        await summary.locator('[data-test="household-phone"]', { hasText: WANG_HOME }).waitFor();
        await page.evaluate(() => (location.hash = '#/devices'));
        const row = page.locator('[data-test="export-log-row"][data-kind="reveal"]', { hasText: '王秀英' });
        await row.waitFor();
        const text = await row.innerText();
        assert.match(text, /查看完整身份证号/);
        assert.match(text, /王秀英/);
        assert.ok(!text.includes(WANG_ID), text);
        await row.scrollIntoViewIfNeeded();
        await shot('masking-log');
      });
    });

    test("a conflict's values come masked; the village's grid worker reveals one, logged, another village's cannot", async () => {
      const fake = { enrolled: true, role: 'grid-worker', village: 'v-hongxing' };
      await withApp(server, { viewport, fake, hash: '#/households/h-zhang/conflicts' }, async (page) => {
        const shown = page.locator('[data-test="conflict-shown"]');
        await shown.first().waitFor();
        assert.deepEqual(await shown.allInnerTexts(), ['139****1111', '139****2222']);
        // The card's conflicts and the history arrive masked too.
        const card = await page.evaluate(() => window.__fake.commands.household_detail({ id: 'h-zhang' }).conflicts);
        assert.deepEqual(card.find((c) => c.field === 'phone').values, ['139****1111', '139****2222']);
        await page.locator('[data-test="conflict-choice"]').nth(1).locator('[data-test="reveal-phone"]').click();
        await shown.nth(1).filter({ hasText: '13900002222' }).waitFor();
        const log = await page.evaluate(() => window.__fake.commands.exports_log({ limit: 10 }));
        assert.deepEqual(log.filter((e) => e.kind === 'reveal').map((e) => `${e.subject}:${e.field}`), ['h-zhang:phone']);
      });
      const elsewhere = { enrolled: true, role: 'grid-worker', village: 'v-xinhua' };
      await withApp(server, { viewport, fake: elsewhere, hash: '#/conflicts' }, async (page) => {
        await page.locator('[data-test="conflict-shown"]').first().waitFor();
        assert.equal(await page.locator('[data-test="reveal-phone"]').count(), 0);
      });
    });
  });
}
