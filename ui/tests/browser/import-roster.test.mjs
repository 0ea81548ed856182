// 导入 (the household roster) on the fake backend, at phone and laptop sizes. The fake hands
// every check and import to the real `gridbook import` on a data directory of the page's own
// (tests/fake/roster.js), so the counts, fixes and reasons asserted here are the import crate's.
// A messy sheet (a title row, header variants, full-width digits, a lower-case x, an ID number
// Excel turned into 1.10101E+17) is checked, its check sheet saved and read back, imported, and
// imported again to change nothing; a sheet with no header the import knows gets its header row
// tapped and its columns named; a sheet with a column without a header and a 联系电话 written
// twice has them shown by letter and chosen by position; a grid worker's device has no way in
// and is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIEWPORTS, callsOf, expectToast, pickOption, startServer, withApp } from './helpers.mjs';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid mainland ID number born 1980-01-`day` with sequence `seq`. */
function idNumber(day, seq) {
  const first17 = `1101051980010${day}${String(seq).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
/** The first valid ID number from `seq` on whose check character is X. */
function idEndingInX(day, seq) {
  for (let s = seq; ; s++) if (idNumber(day, s).endsWith('X')) return idNumber(day, s);
}
// The report sheet is read by openpyxl, a reader that is not ours (Debian's python3 has it).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const fullWidth = (s) => s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

const dir = mkdtempSync(join(tmpdir(), 'gridbook-roster-files-'));
const ZHANG = idNumber(1, 11);
const LI = idNumber(1, 12);
const XIAOMING = idEndingInX(2, 20);
const ZHAO = idNumber(3, 31);
// Row 1 a title, row 2 the header in other words than gridbook's own, rows 3–7 the people.
const MESSY = join(dir, '红星村一户一档.csv');
writeFileSync(
  MESSY,
  '\ufeff' +
    [
      '红星村一户一档台账（2026年12月）,,,,,,,',
      '户号,所属组,户主姓名,与户主关系,人员姓名,身份证号码,手机号码,家庭住址',
      `1,1组,张三,户主,张三,${ZHANG},13800138000,红星村1组1号`,
      `1,1组,张三,配偶,李梅,${fullWidth(LI)},,红星村1组1号`,
      '2,1组,王五,户主,王五,1.10101E+17,,红星村1组2号',
      `2,1组,王五,子女,王小明,${XIAOMING.toLowerCase()},,红星村1组2号`,
      `3,1组,赵六,户主,赵六,${ZHAO},13900139000,红星村1组3号`,
    ].join('\n') +
    '\n',
);
// No row names a column the import knows: the township taps row 2 and names the columns.
const NO_HEADER = join(dir, '走访名单.csv');
const SUN = idNumber(4, 41);
const ZHOU = idNumber(4, 42);
writeFileSync(NO_HEADER, ['十二月走访名单,,', '人名,证号,住处', `孙七,${SUN},红星村2组3号`, `周八,${ZHOU},红星村2组4号`].join('\n') + '\n');

// Column B has no header (its values are the ID numbers) and 联系电话 is written twice: the
// township names B and picks the second 联系电话 (column D; row 4 has it in full-width digits).
const COLUMNS = join(dir, '红星村三组（两列电话）.csv');
const [WU, ZHENG, WANG] = [idNumber(5, 51), idNumber(5, 52), idNumber(5, 53)];
writeFileSync(
  COLUMNS,
  [
    '红星村三组一户一档,,,,',
    '姓名,,联系电话,联系电话,家庭住址',
    `吴一,${WU},无,13900000021,红星村3组1号`,
    `郑二,${ZHENG},13800000022,${fullWidth('13900000022')},红星村3组2号`,
    `王三,${WANG},,13900000023,红星村3组3号`,
  ].join('\n') + '\n',
);

let server;
before(async () => (server = await startServer()));
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = async (page, sel) => (await page.locator(sel).innerText()).trim();
const count = async (page, what) => Number(await text(page, `[data-test="count-${what}"] b`));

/** Picks the field `label` (whole) for the mapping column `name`, tapping the wheel's far end
 * until the item is in view. */
async function mapColumn(page, index, label) {
  await page.locator(`[data-field="map-${index}"]`).click();
  const popup = page.locator('.van-popup:visible', { has: page.locator('.van-picker') }).last();
  await popup.waitFor();
  await page.waitForTimeout(400);
  const column = popup.locator('.van-picker-column').first();
  const items = column.locator('.van-picker-column__item');
  const target = (await items.allInnerTexts()).findIndex((t) => t.trim() === label);
  assert.ok(target >= 0, `no ${label} among the fields`);
  for (let step = 0; step < 40; step++) {
    const box = await column.boundingBox();
    const it = await items.nth(target).boundingBox();
    if (it.y >= box.y && it.y + it.height <= box.y + box.height) break;
    await page.mouse.click(box.x + box.width / 2, it.y < box.y ? box.y + it.height / 2 : box.y + box.height - it.height / 2);
    await page.waitForTimeout(300);
  }
  await items.nth(target).click();
  await page.waitForTimeout(400);
  await popup.locator('.van-picker__confirm').click();
  await popup.waitFor({ state: 'hidden' });
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`导入台账 (${size})`, () => {
    test('a messy sheet: checked row by row, its check sheet saved, imported, and imported again to no change', async () => {
      const saveDir = mkdtempSync(join(dir, 'out-'));
      const fake = { enrolled: true, role: 'township', openFile: MESSY, saveDir, rosterHold: 1500 };
      await withApp(server, { viewport, fake, hash: '#/households' }, async (page, { shot }) => {
        await page.locator('[data-test="to-import"]').waitFor();
        await shot('import-roster-entry');
        await page.locator('[data-test="to-import"]').click();
        await page.locator('[data-test="import-roster"]').waitFor();
        await pickOption(page, 'roster-village', '红星村');
        await page.locator('[data-test="roster-pick"]').click();
        await page.locator('[data-test="roster-check"]').waitFor();
        assert.equal(await text(page, '[data-test="header-at"]'), '表头在第 2 行');
        // The header's variants, as the import crate read them.
        const mapped = async (header) => (await page.locator(`[data-test="mapping-column"][data-column="${header}"] input`).inputValue()).trim();
        assert.equal(await mapped('身份证号码'), '公民身份号码');
        assert.equal(await mapped('手机号码'), '联系电话');
        assert.equal(await mapped('所属组'), '组');
        assert.equal(await mapped('家庭住址'), '现住址');
        assert.equal(await mapped('人员姓名'), '姓名');
        // Rows 3 and 7 as they were; 4 (full-width digits) and 6 (lower-case x) fixed; 5 refused.
        assert.deepEqual(
          [await count(page, 'rows'), await count(page, 'ok'), await count(page, 'fixed'), await count(page, 'refused')],
          [5, 2, 2, 1],
        );
        const row = (n) => page.locator(`[data-test="check-row"][data-row="${n}"]`);
        assert.equal(await row(4).getAttribute('data-status'), 'fixed');
        assert.match(await row(4).innerText(), /全角字符已改为半角/);
        assert.equal(await row(6).getAttribute('data-status'), 'fixed');
        assert.equal(await row(5).getAttribute('data-status'), 'refused');
        assert.match(await row(5).innerText(), /公民身份号码：.*1\.10101E\+17/);
        assert.equal(await page.locator('[data-test="check-row"]').count(), 3, 'ok rows are not listed');
        assert.match(await text(page, '[data-test="roster-plan"]'), /将新增 3 户、4 人，补充 0 人；0 人已在台账中无变化/);
        await page.locator('[data-test="row-filter"] .van-tab', { hasText: '拒绝' }).click();
        await page.waitForFunction(() => document.querySelectorAll('[data-test="check-row"]').length === 1);
        await page.locator('[data-test="row-filter"] .van-tab', { hasText: '全部' }).click();
        await shot('import-roster-check');

        // The check sheet through the save dialog: every row with its result and reason.
        await page.locator('[data-test="roster-export"]').click();
        await expectToast(page, /已导出检查表（5 行）/);
        const out = join(saveDir, '导入检查表.xlsx');
        assert.ok(existsSync(out), out);
        const sheet = JSON.parse(
          execFileSync(PYTHON, [
            '-c',
            'import json,sys,openpyxl\nws=openpyxl.load_workbook(sys.argv[1],read_only=True)["导入检查"]\nprint(json.dumps([["" if c is None else c for c in r] for r in ws.iter_rows(values_only=True)],ensure_ascii=False))',
            out,
          ]).toString(),
        );
        const reason = sheet[0].indexOf('原因或说明');
        const result = sheet[0].indexOf('导入结果');
        assert.ok(reason > 0 && result > 0, JSON.stringify(sheet[0]));
        const line5 = sheet.find((r) => r[0] === 5);
        assert.equal(line5[result], '拒绝');
        assert.match(line5[reason], /1\.10101E\+17/);

        // Import: a progress bar while the batches are written, then the result.
        await page.locator('[data-test="roster-import"]').click();
        const bar = page.locator('[data-test="roster-progress"]');
        await bar.filter({ hasText: '已写入 3 / 3' }).waitFor();
        await shot('import-roster-progress');
        await bar.locator('[data-test="roster-cancel"]').click();
        await bar.filter({ hasText: '正在停止' }).waitFor();
        assert.equal((await callsOf(page, 'roster_cancel')).length, 1);
        await page.locator('[data-test="roster-result"]').waitFor();
        assert.ok(
          (await callsOf(page, 'plugin:event|listen')).some((c) => c.args.event === 'roster-progress'),
          'the screen listens to the batches',
        );
        assert.match(await text(page, '[data-test="result-done"]'), /导入完成/);
        assert.equal(await text(page, '[data-test="result-added"]'), '新增 3 户、4 人');
        assert.equal(await text(page, '[data-test="result-refused"]'), '拒绝 1 行（未导入）');
        assert.equal(await page.locator('[data-test="result-nothing"]').count(), 0);
        assert.match(await text(page, '[data-test="result-refused-row"]'), /^第5行 公民身份号码：.*1\.10101E\+17/);
        await shot('import-roster-result');

        // The same file again: the check plans nothing new, the import changes nothing.
        await page.locator('[data-test="roster-again"]').click();
        await page.locator('[data-test="roster-check"]').waitFor();
        assert.match(await text(page, '[data-test="roster-plan"]'), /将新增 0 户、0 人，补充 0 人；4 人已在台账中无变化/);
        assert.equal(await text(page, '[data-test="roster-import"]'), '导入（没有新内容）');
        await page.locator('[data-test="roster-import"]').click();
        await page.locator('[data-test="roster-result"]').waitFor();
        assert.equal(await text(page, '[data-test="result-nothing"]'), '没有任何变化：文件中的人员都已在台账中');
        assert.equal(await text(page, '[data-test="result-added"]'), '新增 0 户、0 人');
        assert.equal(await text(page, '[data-test="result-unchanged"]'), '4 人已在台账中，无变化');
        await shot('import-roster-again');
      });
    });

    test('a sheet with no header it knows: the row is tapped, the columns named, then imported', async () => {
      const fake = { enrolled: true, role: 'township', openFile: NO_HEADER };
      await withApp(server, { viewport, fake, hash: '#/import' }, async (page, { shot }) => {
        await pickOption(page, 'roster-village', '红星村');
        await page.locator('[data-test="roster-pick"]').click();
        await page.locator('[data-test="header-pick"]').waitFor();
        assert.match(await text(page, '[data-test="no-header"]'), /没有找到表头/);
        assert.equal(await page.locator('[data-test="head-row"]').count(), 4);
        assert.equal(await page.locator('[data-test="roster-check"]').count(), 0, 'no report without a header');
        await shot('import-roster-no-header');

        await page.locator('[data-test="head-row"][data-row="2"]').click();
        await page.locator('[data-test="column-mapping"]').waitFor();
        assert.equal(await text(page, '[data-test="header-at"]'), '表头在第 2 行');
        assert.match(await text(page, '[data-test="roster-mapping-error"]'), /姓名.*公民身份号码/);
        assert.ok(await page.locator('[data-test="roster-import"]').isDisabled());
        await mapColumn(page, 0, '姓名');
        await mapColumn(page, 1, '公民身份号码');
        await mapColumn(page, 2, '现住址');
        assert.equal(await page.locator('[data-test="roster-mapping-error"]').count(), 0);
        assert.ok(await page.locator('[data-test="roster-import"]').isDisabled(), 'not before the columns are checked');
        await page.locator('[data-test="roster-recheck"]').click();
        await page.locator('[data-test="roster-recheck"]').waitFor({ state: 'detached' });
        const check = (await callsOf(page, 'roster_check')).at(-1).args;
        assert.equal(check.headerRow, 2);
        assert.deepEqual(check.map, [
          { header: '人名', column: 0, field: 'name' },
          { header: '证号', column: 1, field: 'id_number' },
          { header: '住处', column: 2, field: 'address' },
        ]);
        assert.deepEqual([await count(page, 'rows'), await count(page, 'ok'), await count(page, 'refused')], [2, 2, 0]);
        await shot('import-roster-mapped');
        await page.locator('[data-test="roster-import"]').click();
        await page.locator('[data-test="roster-result"]').waitFor();
        assert.equal(await text(page, '[data-test="result-added"]'), '新增 2 户、2 人');
      });
    });

    test('a column with no header and a repeated header: shown by letter, chosen by position', async () => {
      const fake = { enrolled: true, role: 'township', openFile: COLUMNS };
      await withApp(server, { viewport, fake, hash: '#/import' }, async (page, { shot }) => {
        await pickOption(page, 'roster-village', '红星村');
        await page.locator('[data-test="roster-pick"]').click();
        await page.locator('[data-test="column-mapping"]').waitFor();
        assert.equal(await text(page, '[data-test="header-at"]'), '表头在第 2 行');
        const labels = async () => (await page.locator('[data-test="mapping-column"] .van-field__label').allInnerTexts()).map((s) => s.trim());
        assert.deepEqual(await labels(), ['姓名', '第B列（无表头）', '联系电话（第C列）', '联系电话（第D列）', '家庭住址']);
        const mapped = async (letter) => (await page.locator(`[data-test="mapping-column"][data-letter="${letter}"] input`).inputValue()).trim();
        // The leftmost 联系电话 is taken, the other left for the township; B is not imported.
        assert.deepEqual([await mapped('B'), await mapped('C'), await mapped('D')], ['不导入', '联系电话', '不导入']);
        assert.deepEqual([await count(page, 'rows'), await count(page, 'refused')], [3, 3], 'no ID numbers without column B');
        await shot('import-roster-columns');

        await mapColumn(page, 1, '公民身份号码');
        await mapColumn(page, 3, '联系电话');
        await page.locator('[data-test="roster-recheck"]').click();
        await page.locator('[data-test="roster-recheck"]').waitFor({ state: 'detached' });
        const check = (await callsOf(page, 'roster_check')).at(-1).args;
        assert.deepEqual(check.map, [
          { header: '', column: 1, field: 'id_number' },
          { header: '联系电话', column: 3, field: 'phone' },
        ]);
        // Column C gave the phone up to D, as the check read it; row by row, D's values.
        assert.deepEqual([await mapped('B'), await mapped('C'), await mapped('D')], ['公民身份号码', '不导入', '联系电话']);
        assert.deepEqual([await count(page, 'rows'), await count(page, 'ok'), await count(page, 'fixed'), await count(page, 'refused')], [3, 2, 1, 0]);
        const row4 = page.locator('[data-test="check-row"][data-row="4"]');
        assert.equal(await row4.getAttribute('data-status'), 'fixed');
        assert.match(await row4.innerText(), /全角字符已改为半角/);
        assert.equal(await page.locator('[data-test="roster-recheck"]').count(), 0, 'the settled columns are what was checked');
        await shot('import-roster-columns-mapped');
        await page.locator('[data-test="roster-import"]').click();
        await page.locator('[data-test="roster-result"]').waitFor();
        assert.equal(await text(page, '[data-test="result-added"]'), '新增 3 户、3 人');
      });
    });

    test("a grid worker's device has no way in, and the backend refuses it", async () => {
      await withApp(server, { viewport, fake: { enrolled: true, openFile: MESSY }, hash: '#/households' }, async (page) => {
        await page.locator('[data-test="households-pane"]').waitFor();
        assert.equal(await page.locator('[data-test="to-import"]').count(), 0);
        await page.evaluate(() => (location.hash = '#/import'));
        await page.locator('[data-test="roster-township-only"]').waitFor();
        assert.equal(await page.locator('[data-test="roster-pick"]').count(), 0);
        const refused = await page.evaluate((path) =>
          window.__TAURI_INTERNALS__.invoke('roster_check', { path, village: null, headerRow: null, map: [] }).then(
            () => null,
            (e) => e,
          ), MESSY);
        assert.equal(refused?.kind, 'refused');
        assert.equal(refused?.code, 'not_township');
      });
    });
  });
}
