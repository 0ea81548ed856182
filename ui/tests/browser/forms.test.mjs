import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, field, fieldError, pickOption, startServer, expectToast, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const BAD_ID = '150581199001011234'; // check character should be 8
const GOOD_ID = '150581199001011238';

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`forms (${size})`, () => {
    test('add household: a bad ID shows the Chinese error under the field, keeps input; fixing it saves', async () => {
      await withApp(server, { viewport, hash: '#/households/new' }, async (page, { shot }) => {
        await page.locator('[data-test="household-form"]').waitFor();
        await pickOption(page, 'village_id', '红星村');
        await pickOption(page, 'group_id', '4组');
        await field(page, 'address').fill('红星村4组66号');
        await field(page, 'phone').fill('0475 8912653');
        await field(page, 'head.name').fill('赵红梅');
        await field(page, 'head.id_number').fill(BAD_ID);
        await field(page, 'head.phone').fill('13912345678');
        // Blur: check_field answers with the Chinese message under the field.
        await field(page, 'head.phone').focus();
        await page.locator('[data-field="head.id_number"] .van-field__error-message').waitFor();
        assert.match(await fieldError(page, 'head.id_number'), /身份证号校验不通过：某一位可能输错了/);
        assert.equal(await fieldError(page, 'address'), '');
        await page.locator('[data-field="head.tags"] [data-code="medium-risk"]').click();
        await page.locator('[data-field="head.vulnerable"] [data-code="chronic"]').click();
        await shot('add-household-bad-id');

        // Saving with a field in red is stopped with a hint; nothing typed is lost.
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '请先改正标红的内容');
        assert.equal((await callsOf(page, 'add_household')).length, 0);
        assert.match(await fieldError(page, 'head.id_number'), /身份证号校验不通过：某一位可能输错了/);
        assert.equal(await field(page, 'head.id_number').inputValue(), BAD_ID);
        assert.equal(await field(page, 'head.name').inputValue(), '赵红梅');
        assert.equal(await field(page, 'address').inputValue(), '红星村4组66号');
        assert.equal(await field(page, 'head.phone').inputValue(), '13912345678');
        assert.equal(await page.locator('[data-field="head.tags"] [data-code="medium-risk"]').getAttribute('aria-checked'), 'true');
        // The landline was normalized on blur.
        assert.equal(await field(page, 'phone').inputValue(), '0475-8912653');

        // Fix the ID: the message goes away as soon as the value changes, and saving works.
        await field(page, 'head.id_number').fill(GOOD_ID);
        assert.equal(await fieldError(page, 'head.id_number'), '');
        await page.locator('[data-test="save"]').click();
        await page.locator('[data-test="household-address"]', { hasText: '红星村4组66号' }).waitFor();
        const adds = await callsOf(page, 'add_household');
        assert.deepEqual(adds.at(-1).args, {
          input: {
            villageId: 'v-hongxing',
            groupId: 'v-hongxing-g4',
            address: '红星村4组66号',
            phone: '0475-8912653',
            head: {
              name: '赵红梅',
              idNumber: GOOD_ID,
              phone: '13912345678',
              relation: 'head',
              tags: ['medium-risk'],
              vulnerable: ['chronic'],
            },
          },
        });
        const card = page.locator('[data-test="person-card"]', { hasText: '赵红梅' });
        assert.equal(await card.locator('.van-tag--danger', { hasText: '中风险地区来返' }).count(), 1);
        await shot('add-household-saved');
      });
    });

    test("a new household: the device's own village is preset; with no villages the form says why", async () => {
      await withApp(server, { viewport, fake: { village: 'v-xinhua' }, hash: '#/households/new' }, async (page) => {
        await page.locator('[data-test="household-form"]').waitFor();
        await page.waitForFunction(() => document.querySelector('[data-field="village_id"] input')?.value === '新华村');
        assert.equal(await page.locator('[data-test="no-villages"]').count(), 0);
      });
      for (const [fake, why] of [
        [{ noVillages: true, enrolled: false }, /还没有加入镇街[\s\S]*加入同步/],
        [{ noVillages: true }, /还没有收到村的数据[\s\S]*立即同步/],
      ]) {
        await withApp(server, { viewport, fake, hash: '#/households/new' }, async (page, { shot }) => {
          const notice = page.locator('[data-test="no-villages"]');
          await notice.waitFor();
          assert.match(await notice.innerText(), why);
          await shot(`add-household-no-villages${fake.enrolled === false ? '-not-enrolled' : ''}`);
        });
      }
    });

    test('a rejected submit puts the message under the field', async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang/person/new' }, async (page) => {
        await page.locator('[data-test="person-form"]').waitFor();
        // The ID is valid on its own but already registered: only the submit can tell.
        await field(page, 'name').fill('王秀英');
        await field(page, 'id_number').fill('150581195803070020');
        await page.locator('[data-test="save"]').click();
        await page.locator('[data-field="id_number"] .van-field__error-message').waitFor();
        assert.match(await fieldError(page, 'id_number'), /已登记在红星村3组18号/);
        assert.equal(await field(page, 'name').inputValue(), '王秀英');
        assert.equal(await field(page, 'id_number').inputValue(), '150581195803070020');
      });
    });

    test('edit a person: ticking a risk tag sends +code, the card shows it in red', async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang' }, async (page, { shot }) => {
        const card = page.locator('[data-test="person-card"]', { hasText: '王秀英' });
        await card.locator('[data-test="edit-person"]').click();
        await page.locator('[data-test="person-form"]').waitFor();
        assert.equal(await field(page, 'name').inputValue(), '王秀英');
        await page.locator('[data-field="tags"] [data-code="close-contact"]').click();
        await page.locator('[data-field="vulnerable"] [data-code="chronic"]').click();
        await shot('edit-person');
        await page.locator('[data-test="save"]').click();
        await page.locator('[data-test="household-detail"]').waitFor();
        const sets = await callsOf(page, 'set_person');
        assert.deepEqual(sets.at(-1).args, { id: 'p-wang', edits: [['tags', '+close-contact'], ['vulnerable', '-chronic']] });
        const updated = page.locator('[data-test="person-card"]', { hasText: '王秀英' });
        await updated.locator('.van-tag--danger', { hasText: '密接' }).waitFor();
        assert.equal(await updated.locator('.van-tag--warning', { hasText: '慢性病患者' }).count(), 0);
        // The history of the person shows the change.
        await updated.locator('[data-test="person-history"]').click();
        const entry = page.locator('[data-test="history-entry"]', { hasText: '风险标签' });
        await entry.waitFor();
        // Newest first: the creation entry is last.
        assert.match(await page.locator('[data-test="history-entry"]').last().innerText(), /新建/);
        assert.match(await entry.innerText(), /风险标签/);
        assert.match(await entry.innerText(), /密接/);
        assert.match(await entry.innerText(), /红星村-网格员01/);
        await shot('person-history');
      });
    });

    test('household history shows time, device, field, old → new', async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang/history/h-wang' }, async (page, { shot }) => {
        const entries = page.locator('[data-test="history-entry"]');
        await entries.first().waitFor();
        assert.equal(await entries.count(), 4);
        const edit = entries.filter({ hasText: '红星村3组16号' }).filter({ hasText: '修改' });
        // Labels and names only: no field keys, record ids or device hashes.
        const all = (await entries.allInnerTexts()).join('\n');
        assert.doesNotMatch(all, /[0-9a-f]{8}-[0-9a-f]{4}|[0-9a-f]{12}|check\.|group_id/);
        assert.match(await entries.filter({ hasText: '所属组' }).innerText(), /关联记录/);
        assert.match(await entries.filter({ hasText: '核查' }).first().innerText(), /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} · 红星村-网格员01/);
        assert.match(await edit.innerText(), /莫斯台街道-办公室/);
        assert.match(await edit.innerText(), /地址/);
        assert.match(await edit.innerText(), /红星村3组18号/);
        assert.match(await edit.innerText(), /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
        await shot('household-history');
      });
    });
  });
}
