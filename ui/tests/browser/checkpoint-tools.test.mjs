// Passes, QR codes, rules and shift plans in Chromium against the fake backend, at phone and
// laptop size: a pass issued from a household (a bad window refused in place, then the number
// and its QR code), that pass used at the checkpoint through a scanner's payload and refused
// the second time, a real camera scan (Chromium's fake camera playing a QR code), no camera,
// the township's rules editor (a new risk area drives the suggestion), and the shift plan.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { fakeCameraArgs, writeQrY4m } from './camera.mjs';
import { VIEWPORTS, callsOf, field, fieldError, pickDateTime, startServer, expectToast, withApp } from './helpers.mjs';

let server;
let dir;
let y4m;
// A valid pass number (check character included): the fake's seeded pass of the 王 household.
const SCAN_PASS = '2345678Z';
before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'gridbook-camera-'));
  y4m = join(dir, 'pass-qr.y4m');
  writeQrY4m(y4m, `GRIDBOOK-PASS:${SCAN_PASS}`);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const VISITOR_ID = '150581199001011238';
const TODAY = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** Types like a person (or a handheld scanner): one key at a time. */
async function type(page, locator, text) {
  await locator.pressSequentially(text, { delay: 20 });
}

async function openCheckpoint(page) {
  await page.locator('[data-test="quick-entry"]').waitFor();
  await page.locator('[data-test="counts"]').first().waitFor();
}

/** Picks a ledger resident in the quick entry by a search. */
async function pickResident(page, query, name) {
  await type(page, page.locator('[data-test="match-search"] input'), query);
  await page.locator('[data-test="match-hit"]', { hasText: name }).click();
  await page.locator('[data-test="matched"]', { hasText: name }).waitFor();
}

async function openMore(page) {
  const item = page.locator('[data-test="more"]');
  if (!(await item.locator('.van-collapse-item__title--expanded').count())) {
    await item.locator('.van-collapse-item__title').click();
  }
  await field(page, 'pass').waitFor();
}

/** The QR code in an <img> with an SVG data: URL, decoded like a scanner would. */
function decodeSvgUrl(src) {
  const svg = decodeURIComponent(src.slice(src.indexOf(',') + 1));
  const side = Number(/width="(\d+)"/.exec(svg)?.[1]);
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
    const [x0, y0, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = y0; y < y0 + c; y++) {
      for (let x = x0; x < x0 + c; x++) {
        const i = (y * side + x) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
    }
  }
  return jsQR(data, side, side)?.data ?? null;
}

/** Waits until the request of `cmd` matching `pred` was made, and returns it. */
async function waitCall(page, cmd, pred = () => true) {
  for (let i = 0; i < 100; i++) {
    const hit = (await callsOf(page, cmd)).find(pred);
    if (hit) return hit;
    await page.waitForTimeout(100);
  }
  throw new Error(`no ${cmd} call`);
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`passes and checkpoint settings (${size})`, () => {
    test('issue a pass from a household, show its QR code, use it once at the checkpoint', async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang' }, async (page, { shot }) => {
        const passes = page.locator('[data-test="passes"]');
        await passes.locator('[data-test="pass-row"]').first().waitFor();
        assert.equal(await passes.locator('[data-test="pass-row"]').count(), 1);
        assert.equal(await passes.locator('[data-test="pass-row"]').first().getAttribute('data-status'), 'valid');
        assert.match(await passes.innerText(), /有效/);

        // The sheet starts at now, for 24 hours, written in Chinese (no 12/05/2026).
        await passes.locator('[data-test="issue-pass"]').click();
        const sheet = page.locator('[data-test="issue-sheet"]');
        await sheet.waitFor();
        const value = (f) => sheet.locator(`[data-field="${f}"]`).getAttribute('data-value');
        const from = await value('valid_from');
        const to = await value('valid_to');
        assert.equal(from.slice(0, 10), TODAY);
        assert.match(from, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
        const next = new Date(`${from.slice(0, 10)}T00:00:00`);
        next.setDate(next.getDate() + 1);
        assert.equal(to, `${next.toLocaleDateString('sv-SE')}T${from.slice(11)}`);
        const label = await sheet.locator('[data-field="valid_from"] input').inputValue();
        assert.match(label, /^\d{4}年\d{1,2}月\d{1,2}日 周[日一二三四五六] \d{2}:\d{2}$/);

        // An end before the start: refused under the end, the window kept.
        await pickDateTime(page, 'valid_to', `${from.slice(0, 10)}T00:00`);
        assert.equal(await value('valid_to'), `${from.slice(0, 10)}T00:00`);
        await sheet.locator('[data-test="issue-save"]').click();
        await page.locator('[data-field="valid_to"] .van-field__error-message').waitFor();
        assert.equal(await fieldError(page, 'valid_to'), '通行证结束时间应晚于开始时间');
        assert.equal(await fieldError(page, 'valid_from'), '');
        assert.equal(await value('valid_to'), `${from.slice(0, 10)}T00:00`);
        assert.equal(await value('valid_from'), from);
        await shot('pass-issue-bad-window');

        // Fixed: the pass, its number in large type and its QR code.
        await pickDateTime(page, 'valid_to', to);
        assert.equal(await fieldError(page, 'valid_to'), '');
        await sheet.locator('[data-test="issue-save"]').click();
        const shown = page.locator('[data-test="pass-sheet"]');
        await shown.waitFor();
        const number = (await shown.locator('[data-test="pass-number"]').innerText()).trim();
        assert.match(await shown.locator('[data-test="pass-sheet-title"]').innerText(), /已签发通行证/);
        assert.match(number, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
        const issued = (await callsOf(page, 'issue_pass'))[1].args;
        assert.deepEqual(issued, { household: 'h-wang', from, to });
        const img = shown.locator('[data-test="pass-qr-img"]');
        await img.waitFor();
        await page.waitForFunction(() => {
          const el = document.querySelector('[data-test="pass-sheet"] [data-test="pass-qr-img"]');
          return el && el.complete && el.naturalWidth > 0;
        });
        const src = await img.getAttribute('src');
        assert.match(src, /^data:image\/svg\+xml/);
        assert.equal(decodeSvgUrl(src), `GRIDBOOK-PASS:${number}`);
        const box = await img.boundingBox();
        assert.ok(box.width >= 200 && box.width <= viewport.width, `QR code ${box.width} px wide`);
        assert.match(await shown.locator('[data-test="pass-status"]').innerText(), /有效/);
        await shot('pass-issued');

        // Listed first; a tap shows its QR code again.
        await page.locator('.van-popup__close-icon:visible').click();
        await shown.waitFor({ state: 'hidden' });
        const first = passes.locator('[data-test="pass-row"]').first();
        await passes.locator(`[data-test="pass-row"][data-number="${number}"]`).waitFor();
        assert.equal(await first.getAttribute('data-number'), number);
        assert.match(await first.innerText(), /未使用/);
        await shot('household-passes');
        await first.click();
        await page.locator(`[data-test="pass-sheet"] [data-test="pass-qr"][data-number="${number}"] [data-test="pass-qr-img"]`).waitFor();
        assert.equal((await page.locator('[data-test="pass-sheet-title"]').innerText()).trim(), '通行证');
        assert.equal((await callsOf(page, 'pass_qr')).at(-1).args.number, number);
        await page.locator('.van-popup__close-icon:visible').click();
        await page.locator('[data-test="pass-sheet"]').waitFor({ state: 'hidden' });

        // At the checkpoint: 王秀英 goes out; a scanner types the payload and Enter.
        await page.evaluate(() => (location.hash = '#/checkpoint'));
        await openCheckpoint(page);
        await page.locator('[data-test="direction-out"]').click();
        await pickResident(page, 'wxy', '王秀英');
        await page.locator('[data-test="temp-36.4"]').click();
        await page.locator('[data-test="code-green"]').click();
        await openMore(page);
        await field(page, 'purpose').fill('买菜');
        await field(page, 'pass').click();
        await type(page, field(page, 'pass'), `GRIDBOOK-PASS:${number}`);
        await field(page, 'pass').press('Enter');
        assert.equal(await field(page, 'pass').inputValue(), number);
        await page.locator('[data-test="pass-ok"]').waitFor();
        const check = await waitCall(page, 'check_pass', (c) => c.args.number === number);
        assert.deepEqual(check.args, { number, direction: 'out', idNumber: '150581195803070020', checkpoint: 'cp-hongxing', personId: 'p-wang' });
        // Enter saved nothing and lost nothing.
        assert.equal((await callsOf(page, 'add_entry')).length, 0);
        assert.equal(await page.locator('[data-test="matched"]', { hasText: '王秀英' }).count(), 1);
        assert.equal(await page.locator('[data-test="temp-36.4"]').getAttribute('aria-pressed'), 'true');
        assert.equal(await field(page, 'purpose').inputValue(), '买菜');
        await shot('pass-scanned-payload');
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '王秀英 已放行');
        assert.equal((await callsOf(page, 'add_entry'))[0].args.form.pass, number);

        // Her husband, the same pass, the same window: refused as soon as it is scanned.
        await pickResident(page, '0030', '李建国');
        await page.locator('[data-test="temp-36.6"]').click();
        await page.locator('[data-test="code-green"]').click();
        await openMore(page);
        await field(page, 'pass').click();
        await type(page, field(page, 'pass'), `gridbook-pass:${number}`);
        await field(page, 'pass').press('Enter');
        await page.locator('[data-field="pass"] .van-field__error-message').waitFor();
        assert.match(await fieldError(page, 'pass'), /本户已有一人于.*凭此证外出，每户每时段限一人/);
        assert.equal(await field(page, 'pass').inputValue(), number);
        await page.locator('[data-test="save"]').click();
        const dialog = page.locator('.van-dialog:visible');
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /通行证不能使用/);
        await dialog.locator('.van-dialog__confirm').click();
        assert.equal((await callsOf(page, 'add_entry')).length, 2);
        assert.equal(await page.locator('[data-test="recent"] [data-test="entry-row"]', { hasText: '李建国' }).count(), 0);

        // The household sees the use.
        await page.evaluate(() => (location.hash = '#/households/h-wang'));
        const row = page.locator(`[data-test="passes"] [data-test="pass-row"][data-number="${number}"]`);
        await row.waitFor();
        assert.match(await row.locator('[data-test="pass-uses"]').innerText(), /^出 \d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
      });
    });

    test('camera scan: the fake camera shows a pass QR code, the pass is filled and checked', async () => {
      await withApp(
        server,
        { viewport, hash: '#/checkpoint', fake: { demoPass: SCAN_PASS }, args: fakeCameraArgs(y4m) },
        async (page, { shot }) => {
          await openCheckpoint(page);
          await page.locator('[data-test="direction-out"]').click();
          await pickResident(page, 'wxy', '王秀英');
          await page.locator('[data-test="temp-36.5"]').click();
          await page.locator('[data-test="code-green"]').click();
          await openMore(page);
          assert.equal(await field(page, 'pass').inputValue(), '');
          await page.locator('[data-test="scan-pass"]').click();
          // The scanner closes by itself once it has read the code (often within the popup's
          // opening transition: nothing else fills the field).
          await page.waitForFunction((n) => document.querySelector('[data-field="pass"] input')?.value === n, SCAN_PASS, { timeout: 20_000 });
          await page.locator('[data-test="qr-scanner"]').waitFor({ state: 'hidden' });
          const check = await waitCall(page, 'check_pass', (c) => c.args.number === SCAN_PASS);
          assert.deepEqual(check.args, { number: SCAN_PASS, direction: 'out', idNumber: '150581195803070020', checkpoint: 'cp-hongxing', personId: 'p-wang' });
          await page.locator('[data-test="pass-ok"]').waitFor();
          assert.equal(await page.locator('[data-test="matched"]', { hasText: '王秀英' }).count(), 1);
          await shot('pass-camera-scanned');
          await page.locator('[data-test="save"]').click();
          await expectToast(page, '王秀英 已放行');
          assert.equal((await callsOf(page, 'add_entry'))[0].args.form.pass, SCAN_PASS);
          // The camera is off again.
          assert.equal(await page.evaluate(() => document.querySelector('[data-test="qr-video"]')?.srcObject ?? null), null);
        },
      );
    });

    test('a scan into the search box goes to the pass; the person picked after it is checked', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page) => {
        await openCheckpoint(page);
        const pass = await page.evaluate(() => window.__fake.checkpoint.demoPass);
        await page.locator('[data-test="direction-out"]').click();
        const search = page.locator('[data-test="match-search"] input');
        await search.click();
        await type(page, search, `GRIDBOOK-PASS:${pass}`);
        await search.press('Enter');
        await field(page, 'pass').waitFor();
        assert.equal(await field(page, 'pass').inputValue(), pass);
        assert.equal(await search.inputValue(), '');
        assert.equal(await page.locator('[data-test="match-none"]').count(), 0);
        assert.equal((await callsOf(page, 'match_residents')).filter((c) => /PASS/i.test(c.args.query)).length, 0);
        // Nobody picked yet, so nothing to check; picking 王秀英 checks the pass for her.
        assert.equal((await callsOf(page, 'check_pass')).length, 0);
        await pickResident(page, 'wxy', '王秀英');
        const check = await waitCall(page, 'check_pass', (c) => c.args.number === pass);
        assert.deepEqual(check.args, { number: pass, direction: 'out', idNumber: '150581195803070020', checkpoint: 'cp-hongxing', personId: 'p-wang' });
        await page.locator('[data-test="pass-ok"]').waitFor();
      });
    });

    test('no camera: the scanner says so and points to the scanner gun or typing', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await openCheckpoint(page);
        await page.evaluate(() => Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true }));
        await openMore(page);
        await field(page, 'pass').fill('56AR');
        await page.locator('[data-test="scan-pass"]').click();
        const problem = page.locator('[data-test="qr-problem"]');
        await problem.waitFor();
        assert.equal((await problem.innerText()).trim(), '未检测到摄像头，可用扫码枪或手动输入通行证号');
        await shot('pass-no-camera');
        await page.locator('[data-test="qr-close"]').click();
        await page.locator('[data-test="qr-scanner"]').waitFor({ state: 'hidden' });
        assert.equal(await field(page, 'pass').inputValue(), '56AR');
      });
    });

    test('rules editor: a bad threshold and a duplicate area are refused in place; a new area drives the suggestion', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint', fake: { role: 'township' } }, async (page, { shot }) => {
        await openCheckpoint(page);
        await page.locator('[data-test="rules-link"]').click();
        const editor = page.locator('[data-test="checkpoint-rules"]');
        await editor.locator('[data-test="rules-save"]').waitFor();
        assert.equal(await field(page, 'fever_tenths').inputValue(), '37.3');
        assert.equal(await editor.locator('[data-test="risk-area"]').count(), 2);
        assert.equal(await editor.locator('[data-test="rule-yellow_decision-turn-back"]').getAttribute('aria-checked'), 'true');

        // 39 ℃ is out of range: the backend's message under the threshold.
        await field(page, 'fever_tenths').fill('39');
        await editor.locator('[data-test="rule-medium_risk_decision-turn-back"]').click();
        await field(page, 'area-name').fill('大连市');
        await editor.locator('[data-test="area-level-medium"]').click();
        await editor.locator('[data-test="area-add"]').click();
        await editor.locator('[data-test="risk-area"][data-area="大连市"]').waitFor();
        assert.equal(await field(page, 'area-name').inputValue(), '');
        // The same area twice.
        await field(page, 'area-name').fill('满洲里市');
        await editor.locator('[data-test="area-level-high"]').click();
        await editor.locator('[data-test="area-add"]').click();
        await editor.locator('[data-test="rules-save"]').click();
        await page.locator('[data-field="fever_tenths"] .van-field__error-message').waitFor();
        assert.equal(await fieldError(page, 'fever_tenths'), '发热标准应在37.0–38.5℃之间');
        assert.equal(await field(page, 'fever_tenths').inputValue(), '39');
        assert.equal(await editor.locator('[data-test="rule-medium_risk_decision-turn-back"]').getAttribute('aria-checked'), 'true');
        assert.equal(await editor.locator('[data-test="risk-area"]').count(), 4);
        await shot('rules-bad-fever');

        await field(page, 'fever_tenths').fill('37.3');
        await editor.locator('[data-test="rules-save"]').click();
        await editor.locator('[data-test="areas-error"]').waitFor();
        assert.equal((await editor.locator('[data-test="areas-error"]').innerText()).trim(), '风险地区“满洲里市”重复');
        assert.equal(await fieldError(page, 'fever_tenths'), '');
        await editor.locator('[data-test="risk-area"]').nth(3).locator('[data-test="area-remove"]').click();
        assert.equal(await editor.locator('[data-test="risk-area"]').count(), 3);
        await shot('rules-edit');
        await editor.locator('[data-test="rules-save"]').click();
        await expectToast(page, '规则已保存，将同步到各卡口');
        const sent = (await callsOf(page, 'set_rules')).at(-1).args.rules;
        assert.equal(sent.fever_tenths, 373);
        assert.equal(sent.medium_risk_decision, 'turn-back');
        assert.deepEqual(sent.risk_areas.at(-1), { name: '大连市', level: 'medium', since: TODAY });

        // Back at the checkpoint: the area is offered, and travel through it is turned back.
        await openCheckpoint(page);
        await field(page, 'name').fill('欧阳晓燕');
        await field(page, 'id_number').fill(VISITOR_ID);
        await page.locator('[data-test="temp-36.6"]').click();
        await page.locator('[data-test="code-green"]').click();
        await openMore(page);
        await page.locator('[data-area="大连市"]').waitFor();
        await field(page, 'travel').fill('大连');
        const suggestion = page.locator('[data-test="suggestion"][data-decision="turn-back"]');
        await suggestion.waitFor();
        assert.match(await page.locator('[data-test="reasons"]').innerText(), /中风险地区：大连市/);
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '欧阳晓燕 已劝返');
        const add = (await callsOf(page, 'add_entry')).at(-1);
        assert.equal(add.args.form.travel, '大连');
        assert.equal(add.args.form.decision, null);
      });
    });

    test('shift plan: a gap is refused in place; four 6-hour shifts show in the banner', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint', fake: { now: `${TODAY}T10:00` } }, async (page, { shot }) => {
        await openCheckpoint(page);
        const banner = page.locator('[data-test="shift-banner"]');
        assert.equal(await banner.locator('[data-test="shift-hours"]').innerText(), '08:00–16:00');
        await banner.locator('[data-test="shift-plan"]').click();
        const sheet = page.locator('[data-test="plan-sheet"]');
        await sheet.waitFor();
        assert.equal(await sheet.locator('[data-test="plan-shift"]').count(), 3);
        assert.equal(await sheet.locator('[data-test="preset-three"]').getAttribute('aria-pressed'), 'true');
        assert.match(await sheet.locator('[data-test="plan-summary"]').innerText(), /共3班，合计24小时，每班2人/);

        // The first shift ends an hour late: the overlap is named before and after saving.
        await sheet.locator('[data-test="shift-end-0"]').fill('09:00');
        await sheet.locator('[data-test="plan-problem"]').waitFor();
        await sheet.locator('[data-test="plan-save"]').click();
        const error = sheet.locator('[data-test="plan-error"]');
        await error.waitFor();
        assert.equal((await error.innerText()).trim(), '第1班09:00结束，下一班08:00开始，班次须连续、无空档无重叠');
        assert.equal(await sheet.locator('[data-test="shift-end-0"]').inputValue(), '09:00');
        assert.equal(await sheet.locator('[data-test="plan-shift"]').count(), 3);
        await shot('shift-plan-error');

        // Four 6-hour shifts of three people.
        await sheet.locator('[data-test="preset-four"]').click();
        assert.equal(await sheet.locator('[data-test="plan-error"]').count(), 0);
        assert.equal(await sheet.locator('[data-test="plan-shift"]').count(), 4);
        await sheet.locator('[data-test="staff-per-shift"] .van-stepper__plus').click();
        assert.match(await sheet.locator('[data-test="plan-summary"]').innerText(), /共4班，合计24小时，每班3人/);
        await shot('shift-plan-four');
        await sheet.locator('[data-test="plan-save"]').click();
        await expectToast(page, '班次已保存');
        await sheet.waitFor({ state: 'hidden' });
        assert.deepEqual((await callsOf(page, 'set_shift_plan')).at(-1).args, {
          checkpoint: 'cp-hongxing',
          shifts: [
            { start: '00:00', end: '06:00' },
            { start: '06:00', end: '12:00' },
            { start: '12:00', end: '18:00' },
            { start: '18:00', end: '00:00' },
          ],
          staffPerShift: 3,
        });
        await banner.locator('[data-test="shift-hours"]', { hasText: '06:00–12:00' }).waitFor();

        // Two sign in: short of the three the plan asks for.
        await banner.locator('[data-test="sign-in"]').click();
        await field(page, 'staff').fill('王五 赵六');
        await page.locator('.van-dialog:visible .van-dialog__confirm').click();
        await banner.locator('[data-test="shift-staff"]', { hasText: '值班：王五、赵六' }).waitFor();
        assert.match(await banner.innerText(), /应到3人/);
        await shot('shift-plan-banner');

        // Opened again, the sheet shows the saved plan.
        await banner.locator('[data-test="shift-plan"]').click();
        await sheet.waitFor();
        assert.equal(await sheet.locator('[data-test="preset-four"]').getAttribute('aria-pressed'), 'true');
      });
    });
  });
}

describe('passes and rules in English', () => {
  for (const viewport of VIEWPORTS) {
    test(`the pass section and the rules editor follow the language (${viewport.width}x${viewport.height})`, async () => {
      await withApp(server, { viewport, hash: '#/households/h-wang', fake: { language: 'en', role: 'township' } }, async (page, { shot }) => {
        const passes = page.locator('[data-test="passes"]');
        await passes.locator('[data-test="pass-row"]').first().waitFor();
        assert.match(await passes.innerText(), /Temporary passes[\s\S]*Valid/);
        await passes.locator('[data-test="pass-row"]').first().click();
        await page.locator('[data-test="pass-sheet"] [data-test="pass-qr-img"]').waitFor();
        assert.match(await page.locator('[data-test="pass-sheet"]').innerText(), /Show this QR code/);
        await shot('pass-en');
        await page.locator('.van-popup__close-icon:visible').click();
        await page.evaluate(() => (location.hash = '#/checkpoint/rules'));
        await page.locator('[data-test="rules-save"]').waitFor();
        assert.match(await page.locator('[data-test="checkpoint-rules"]').innerText(), /Decision for each case[\s\S]*High-risk area in 14 days/);
        await shot('rules-en');
        // Nothing changed: nothing is sent.
        await page.locator('[data-test="rules-save"]').click();
        await expectToast(page, 'Nothing changed');
        assert.equal((await callsOf(page, 'set_rules')).length, 0);
        // An area typed but not added is saved with the rules.
        await field(page, 'area-name').fill('锡林浩特市');
        await page.locator('[data-test="rules-save"]').click();
        await expectToast(page, 'Rules saved; they sync to every checkpoint');
        const sent = (await callsOf(page, 'set_rules'))[0].args.rules;
        assert.deepEqual(sent.risk_areas.at(-1), { name: '锡林浩特市', level: 'medium', since: TODAY });
      });
    });
  }
});

describe('the suggestion on a partial form', () => {
  test('comes from the township\'s edited rules before the identity is typed', async () => {
    const viewport = VIEWPORTS[0];
    await withApp(server, { viewport, hash: '#/checkpoint', fake: { role: 'township' } }, async (page, { shot }) => {
      await openCheckpoint(page);
      const temp = page.locator('[data-test="temp-other"]');
      // No name, no ID: 37.1 and a green code are let through under the default 37.3.
      await temp.locator('input').fill('37.1');
      await page.locator('[data-test="code-green"]').click();
      await page.locator('[data-test="suggestion"][data-decision="allow"]').waitFor();
      assert.equal(await temp.evaluate((el) => el.classList.contains('fever')), false);

      // The township lowers the fever threshold to 37.0.
      await page.locator('[data-test="rules-link"]').click();
      const editor = page.locator('[data-test="checkpoint-rules"]');
      await editor.locator('[data-test="rules-save"]').waitFor();
      await field(page, 'fever_tenths').fill('37.0');
      await editor.locator('[data-test="rules-save"]').click();
      await expectToast(page, '规则已保存，将同步到各卡口');

      // Back at the checkpoint, the same partial form is a fever now: held, with the new line.
      await page.evaluate(() => (location.hash = '#/checkpoint'));
      await openCheckpoint(page);
      assert.equal(await field(page, 'name').inputValue(), '');
      assert.equal(await field(page, 'id_number').inputValue(), '');
      await temp.locator('input').fill('37.1');
      await page.locator('[data-test="code-green"]').click();
      const suggestion = page.locator('[data-test="suggestion"][data-decision="observe"]');
      await suggestion.waitFor();
      assert.match(await page.locator('[data-test="reasons"]').innerText(), /体温37\.1℃，达到发热标准37\.0℃/);
      assert.match(await page.locator('[data-test="save"]').innerText(), /留观转运/);
      assert.equal(await temp.evaluate((el) => el.classList.contains('fever')), true);
      const asked = (await callsOf(page, 'preview_entry')).at(-1).args.form;
      assert.deepEqual([asked.name, asked.id_number, asked.temp, asked.code], ['', '', '37.1', 'green']);
      await shot('checkpoint-partial-fever');
    });
  });
});
