// The Chinese UI speaks Chinese: the main screens of the demo data, at phone size, show no
// English word (a raw code such as "negative" or "home-isolation", a key, "null") and no date
// written the ISO or US way (2026-12-05, 12/05/2026) where a Chinese date belongs; nor do the
// sheets and dialogs opened from them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startServer, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

// Latin words a Chinese screen may show: names of things that have no other name.
const ALLOWED = new Set(['ID', 'QR', 'PDF', 'Excel', 'CSV', 'PIN']);

/**
 * What a person sees on the page: its visible text, and the values and placeholders of the
 * visible inputs (a picker field shows its choice as an input's value). Text marked as English
 * (`lang="en"`: the language's own name in the language picker, a policy's English name, a
 * report figure no label is known for) is left out: it is meant to be read as it is.
 */
async function visibleText(page) {
  return page.evaluate(() => {
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const english = [...document.querySelectorAll('body [lang="en"]')];
    const inputs = [...document.querySelectorAll('input, textarea')].filter((i) => shown(i) && !i.closest('[lang="en"]'));
    const display = english.map((e) => e.style.display);
    english.forEach((e) => (e.style.display = 'none'));
    const text = document.body.innerText;
    english.forEach((e, i) => (e.style.display = display[i]));
    return [text, ...inputs.map((i) => `${i.value}\n${i.placeholder}`)].join('\n');
  });
}

/**
 * The English words and foreign dates in `text`. A word is a run of Latin letters (with - _ .)
 * of two letters or more; a token with a digit is a number, a plate or an id, a web
 * address is an address and a file's extension (.xlsx) is its type, not words.
 */
function foreign(text) {
  const out = [];
  for (const token of text.split(/[^A-Za-z0-9._:/@-]+/)) {
    if (!token || /\d/.test(token) || token.includes('://') || /^\.[a-z]+$/.test(token)) continue;
    const word = token.replace(/^[._:/@-]+|[._:/@-]+$/g, '');
    if ((word.match(/[A-Za-z]/g) ?? []).length >= 2 && !ALLOWED.has(word)) out.push(word);
  }
  for (const d of text.match(/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b/g) ?? []) out.push(d);
  return out;
}

async function settle(page) {
  await page.waitForTimeout(600);
  await page.waitForFunction(() => ![...document.querySelectorAll('.van-loading')].some((e) => e.offsetParent));
}

/** Opens each screen in turn (by its hash, or by a step) and collects what is foreign on it. */
async function walk(page, screens) {
  const found = [];
  for (const [name, go] of screens) {
    if (typeof go === 'string') await page.evaluate((h) => (location.hash = h), go);
    else await go();
    await settle(page);
    for (const w of foreign(await visibleText(page))) found.push(`${name}: ${w}`);
  }
  return found;
}

test('the token rule: raw codes, keys, null and foreign dates are caught; ids, plates and units pass', () => {
  assert.deepEqual(foreign('结果 negative，方案 home-isolation，null，isolation.status.active'), [
    'negative',
    'home-isolation',
    'null',
    'isolation.status.active',
  ]);
  assert.deepEqual(foreign('开始 2026-12-05，至 12/05/2026'), ['2026-12-05', '12/05/2026']);
  assert.deepEqual(foreign('15058119850615001X 蒙G12345 36.5°C dev-7f3a 导出 Excel（.xlsx）、PDF 扫 QR https://relay.example:8443'), []);
  assert.deepEqual(foreign('格式 xlsx'), ['xlsx']);
});

describe(`no English in the Chinese UI (${PHONE.width}x${PHONE.height})`, () => {
  test('a grid worker’s screens', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      const found = await walk(page, [
        ['首页', '#/'],
        ['户列表', '#/households'],
        ['户详情', '#/households/h-wang'],
        ['有冲突的户', '#/households/h-zhang'],
        ['修改记录', '#/households/h-wang/history/p-wang'],
        ['冲突', '#/conflicts'],
        ['编辑人员', '#/households/h-wang/person/p-liming/edit'],
        ['管控对象', '#/isolation'],
        ['管控详情', '#/isolation/case-1'],
        ['管控详情（居家）', '#/isolation/case-2'],
        ['管控方案', '#/isolation/policies'],
        [
          '编辑方案',
          async () => {
            await page.locator('[data-test="policy-row"]').first().click();
            await page.locator('[data-test="policy-phase"]').first().waitFor();
          },
        ],
        ['卡口', '#/checkpoint'],
        ['卡口规则', '#/checkpoint/rules'],
        ['卡口登记', '#/checkpoint/cp-hongxing/entries'],
        ['日报', '#/reports'],
        ['核查任务', '#/tasks'],
        ['覆盖', '#/coverage'],
        ['疑似重复', '#/duplicates'],
        ['设置', '#/settings'],
      ]);
      assert.deepEqual(found, []);
      // A case without a 旅居地 shows no empty line for it.
      await page.evaluate(() => (location.hash = '#/isolation/case-2'));
      await page.locator('[data-test="case-status"]').waitFor();
      assert.equal(await page.locator('[data-test="case-origin"]').count(), 0);
    });
  });

  test('a grid worker’s sheets and dialogs', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      /** Closes what is open over the screen (a sheet's close icon, a dialog's cancel). */
      const dismiss = async () => {
        for (const sel of ['.van-dialog__cancel', '.van-dialog__confirm', '.van-popup__close-icon']) {
          const open = page.locator(`${sel}:visible`);
          if (!(await open.count())) continue;
          await open.first().click();
          await page.waitForTimeout(500);
          return;
        }
      };
      /** Goes to `hash` and taps `target`: the sheet or dialog it opens is walked. */
      const open = (hash, target) => async () => {
        await dismiss();
        await page.evaluate((h) => (location.hash = h), hash);
        await page.locator(target).first().click();
      };
      const found = await walk(page, [
        ['体温登记', open('#/isolation/case-1', '[data-test="record-check"]')],
        ['核酸登记', open('#/isolation/case-1', '[data-test="record-test"]')],
        ['解除隔离', open('#/isolation/case-1', '[data-test="release"]')],
        ['开具通行证', open('#/households/h-wang', '[data-test="issue-pass"]')],
        ['日报', open('#/reports', '[data-test="report-unit"]')],
        ['核查任务', open('#/', '[data-test="task-row"]')],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the township’s screens', async () => {
    await withApp(server, { viewport: PHONE, fake: { role: 'township' } }, async (page) => {
      const found = await walk(page, [
        ['首页', '#/'],
        ['全镇概览', '#/overview'],
        ['日报', '#/reports'],
        ['设备', '#/devices'],
        ['核查任务', '#/tasks'],
        ['设置', '#/settings'],
        [
          '导出',
          async () => {
            await page.evaluate(() => (location.hash = '#/overview'));
            await page.locator('[data-test="export"]').first().click();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });
});
