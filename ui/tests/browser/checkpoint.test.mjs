// The checkpoint (卡口) screens in Chromium against the fake backend, at phone and laptop size:
// the quick path for a known resident, a red-code visitor typed by hand, a bad ID, a pass used
// twice, shift sign-in and handover, the entry list by day, and the checkpoint picker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWPORTS, callsOf, field, fieldError, pickOption, startServer, expectToast, withApp } from './helpers.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

const WANG_ID = '150581195803070020'; // 王秀英 of 红星村, in the fake ledger
const VISITOR_ID = '150581199001011238';
const BAD_ID = '150581199001011234'; // check character should be 8
const TODAY = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** The number on a count tile. */
async function count(page, key) {
  return Number((await page.locator(`[data-test="count-${key}"] .n`).first().innerText()).trim());
}

async function open(page) {
  await page.locator('[data-test="quick-entry"]').waitFor();
  await page.locator('[data-test="counts"]').first().waitFor();
}

/** Types like a person: one key at a time. */
async function type(page, css, text) {
  await page.locator(css).first().pressSequentially(text, { delay: 30 });
}

for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  describe(`checkpoint (${size})`, () => {
    test('a known resident: four typed characters, then four taps', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        const before = { in: await count(page, 'in'), observed: await count(page, 'observed') };
        const recentBefore = await page.locator('[data-test="recent"] [data-test="entry-row"]').count();

        // Typing: the ID tail, four characters.
        await type(page, '[data-test="match-search"] input', WANG_ID.slice(-4));
        const hit = page.locator('[data-test="match-hit"]', { hasText: '王秀英' });
        await hit.waitFor();
        await shot('checkpoint-match');

        let taps = 0;
        const tap = async (locator) => {
          taps++;
          await locator.click();
        };
        await tap(hit);
        await page.locator('[data-test="matched"]', { hasText: '王秀英' }).waitFor();
        await tap(page.locator('[data-test="temp-36.5"]'));
        await tap(page.locator('[data-test="code-green"]'));
        await page.locator('[data-test="suggestion"][data-decision="allow"]').waitFor();
        assert.match(await page.locator('[data-test="save"]').innerText(), /放行/);
        await shot('checkpoint-ready');
        await tap(page.locator('[data-test="save"]'));
        assert.equal(taps, 4);

        await expectToast(page, '王秀英 已放行');
        const adds = await callsOf(page, 'add_entry');
        assert.equal(adds.length, 1);
        assert.deepEqual(adds[0].args.form, {
          checkpoint: 'cp-hongxing',
          direction: 'in',
          name: '王秀英',
          id_number: WANG_ID,
          phone: '13812345678',
          plate: '',
          temp: '36.5',
          code: 'green',
          travel: '',
          hukou: '',
          residence: '',
          purpose: '',
          areas: [],
          decision: null,
          note: null,
          pass: null,
          person_id: 'p-wang',
        });

        // The new entry is on top of the recent ones and today's "in" went up by one.
        const first = page.locator('[data-test="recent"] [data-test="entry-row"]').first();
        await page.waitForFunction((n) => document.querySelectorAll('[data-test="recent"] [data-test="entry-row"]').length === n, recentBefore + 1);
        assert.match(await first.innerText(), /王秀英[\s\S]*36\.5[\s\S]*绿码[\s\S]*放行/);
        assert.equal(await count(page, 'in'), before.in + 1);
        assert.equal(await count(page, 'observed'), before.observed);
        // The form is empty for the next person.
        assert.equal(await page.locator('[data-test="matched"]').count(), 0);
        assert.equal(await field(page, 'name').inputValue(), '');
        assert.equal(await page.locator('[data-test="match-search"] input').inputValue(), '');
        assert.equal(await page.locator('[data-test="temp-36.5"]').getAttribute('aria-pressed'), 'false');
        // The search box is in view with the focus, ready for the next person.
        await page.waitForFunction(() => document.activeElement === document.querySelector('[data-test="match-search"] input'));
        await page.waitForFunction(() => {
          const r = document.querySelector('[data-test="match-search"]').getBoundingClientRect();
          return r.top >= 0 && r.bottom <= window.innerHeight;
        });
        await shot('checkpoint-saved');

        // A tap on the entry shows it whole, with the reason of its decision.
        await first.click();
        const detail = page.locator('[data-test="entry-detail"]');
        await detail.waitFor();
        assert.match(await detail.innerText(), /体温正常、绿码/);
        assert.match(await detail.innerText(), /台账居民/);
      });
    });

    test('a resident in home isolation: the match shows the state in red before saving', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        // The fake isolation backend seeds case-2: home isolation that started six days ago.
        const who = await page.evaluate(() => {
          const f = window.__fake;
          const c = f.isolation && f.isolation.cases.get('case-2');
          const p = c && f.state.persons.get(c.person_id);
          return p ? p.name : null;
        });
        assert.ok(who, 'the fake seeds a home-isolation case');
        await type(page, '[data-test="match-search"] input', who);
        const hit = page.locator('[data-test="match-hit"]', { hasText: who }).first();
        await hit.waitFor();
        const state = /^居家隔离第7天，至\d{1,2}月\d{1,2}日$/;
        assert.match((await hit.locator('[data-test="match-isolation"]').innerText()).trim(), state);
        await hit.click();
        const tag = page.locator('[data-test="matched"] [data-test="isolation-state"]');
        await tag.waitFor();
        assert.match((await tag.innerText()).trim(), state);
        await shot('checkpoint-isolated');
      });
    });

    test('a red-code visitor typed by hand is held, not let in; looser needs a reason', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        const before = { in: await count(page, 'in'), observed: await count(page, 'observed') };
        // Nobody in the ledger: the search says so and keeps the name for the form.
        await type(page, '[data-test="match-search"] input', '欧阳晓燕');
        await page.locator('[data-test="match-none"]').waitFor();
        await page.locator('[data-test="match-keep"]').click();
        assert.equal(await field(page, 'name').inputValue(), '欧阳晓燕');
        await field(page, 'id_number').fill(VISITOR_ID);
        await field(page, 'phone').fill('13912345678');
        await page.locator('[data-test="temp-36.6"]').click();
        await page.locator('[data-test="code-red"]').click();

        // The suggestion comes before saving: 留观转运, because of the red code.
        const suggestion = page.locator('[data-test="suggestion"][data-decision="observe"]');
        await suggestion.waitFor();
        await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === 'preview_entry' && c.args.form.code === 'red'));
        assert.match(await suggestion.innerText(), /留观转运/);
        assert.match(await page.locator('[data-test="reasons"]').innerText(), /红码/);
        assert.match(await page.locator('[data-test="save"]').innerText(), /留观转运/);
        await shot('checkpoint-red-code');

        // Letting them through instead needs a reason: the save is stopped, nothing is sent.
        await page.locator('[data-test="decision-other"]').click();
        await page.locator('[data-test="decision-allow"]').click();
        assert.match(await page.locator('[data-test="chosen"]').innerText(), /放行/);
        await page.locator('[data-test="save"]').click();
        assert.match(await fieldError(page, 'note'), /须填写原因/);
        assert.equal((await callsOf(page, 'add_entry')).length, 0);
        await shot('checkpoint-override-note');

        // Back to the suggestion, and save.
        await page.locator('[data-test="decision-observe"]').click();
        assert.equal(await page.locator('[data-test="chosen"]').count(), 0);
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '欧阳晓燕 留观转运');
        const adds = await callsOf(page, 'add_entry');
        assert.equal(adds.length, 1);
        assert.equal(adds[0].args.form.code, 'red');
        assert.equal(adds[0].args.form.decision, null);
        await page.locator('[data-test="recent"] [data-test="entry-row"][data-decision="observe"]', { hasText: '欧阳晓燕' }).waitFor();
        assert.equal(await count(page, 'observed'), before.observed + 1);
        assert.equal(await count(page, 'in'), before.in);
        const row = page.locator('[data-test="recent"] [data-test="entry-row"]').first();
        assert.match(await row.innerText(), /欧阳晓燕[\s\S]*红码[\s\S]*留观转运/);
      });
    });

    test('an invalid ID: the Chinese message under the field, every input kept', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        await field(page, 'name').fill('赵红梅');
        await field(page, 'id_number').fill(BAD_ID);
        await field(page, 'phone').fill('13912345678');
        await field(page, 'plate').fill('蒙G88888');
        await page.locator('[data-test="temp-36.4"]').click(); // leaving the ID field checks it
        await page.locator('[data-test="code-green"]').click();
        await page.locator('[data-test="more"] .van-collapse-item__title').click();
        await field(page, 'purpose').fill('走亲戚');
        await page.locator('[data-field="id_number"] .van-field__error-message').waitFor();
        assert.match(await fieldError(page, 'id_number'), /身份证号校验不通过：某一位可能输错了/);

        await page.locator('[data-test="save"]').click();
        await expectToast(page, '请先改正标红的内容');
        assert.equal((await callsOf(page, 'add_entry')).length, 0);
        assert.equal(await field(page, 'id_number').inputValue(), BAD_ID);
        assert.equal(await field(page, 'name').inputValue(), '赵红梅');
        assert.equal(await field(page, 'phone').inputValue(), '13912345678');
        assert.equal(await field(page, 'plate').inputValue(), '蒙G88888');
        assert.equal(await field(page, 'purpose').inputValue(), '走亲戚');
        assert.equal(await page.locator('[data-test="temp-36.4"]').getAttribute('aria-pressed'), 'true');
        assert.equal(await page.locator('[data-test="code-green"]').getAttribute('aria-pressed'), 'true');
        await shot('checkpoint-bad-id');

        // The backend's own refusal lands under its field too: a thermometer typo.
        await field(page, 'id_number').fill(VISITOR_ID);
        assert.equal(await fieldError(page, 'id_number'), '');
        await page.locator('[data-test="temp-other"] input').fill('45');
        await page.locator('[data-test="save"]').click();
        await page.locator('[data-field="temp"] .van-field__error-message').waitFor();
        assert.equal(await fieldError(page, 'temp'), '体温应在35.0–42.0℃之间');
        assert.equal(await page.locator('[data-test="temp-other"] input').inputValue(), '45');
        assert.equal(await field(page, 'name').inputValue(), '赵红梅');
        assert.equal(await field(page, 'purpose').inputValue(), '走亲戚');

        // Fixed, it saves.
        await page.locator('[data-test="temp-other"] input').fill('36.7');
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '赵红梅 已放行');
      });
    });

    test('a temporary pass used twice is refused with its message', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        const pass = await page.evaluate(() => window.__fake.checkpoint.demoPass);
        await page.locator('[data-test="direction-out"]').click();

        // 王秀英 goes out on her household's pass.
        await type(page, '[data-test="match-search"] input', 'wxy');
        await page.locator('[data-test="match-hit"]', { hasText: '王秀英' }).click();
        await page.locator('[data-test="temp-36.2"]').click();
        await page.locator('[data-test="code-green"]').click();
        await page.locator('[data-test="more"] .van-collapse-item__title').click();
        await field(page, 'pass').fill(pass);
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '王秀英 已放行');
        assert.equal((await callsOf(page, 'add_entry'))[0].args.form.pass, pass);
        // The direction stays "out" for the next person.
        assert.equal(await page.locator('[data-test="direction-out"]').getAttribute('aria-checked'), 'true');

        // Her husband tries the same pass in the same window.
        await type(page, '[data-test="match-search"] input', '0030');
        await page.locator('[data-test="match-hit"]', { hasText: '李建国' }).click();
        await page.locator('[data-test="temp-36.4"]').click();
        await page.locator('[data-test="code-green"]').click();
        await page.locator('[data-test="more"] .van-collapse-item__title').click();
        await field(page, 'pass').fill(pass);
        await page.locator('[data-test="save"]').click();
        const dialog = page.locator('.van-dialog:visible');
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /通行证不能使用/);
        assert.match(await dialog.innerText(), /本户已有一人于.*凭此证外出，每户每时段限一人/);
        await shot('checkpoint-pass-refused');
        await dialog.locator('.van-dialog__confirm').click();
        assert.match(await fieldError(page, 'pass'), /每户每时段限一人/);
        assert.equal(await field(page, 'pass').inputValue(), pass);
        assert.equal(await page.locator('[data-test="matched"]', { hasText: '李建国' }).count(), 1);
        assert.equal((await callsOf(page, 'add_entry')).length, 2);
        assert.equal(await page.locator('[data-test="recent"] [data-test="entry-row"]', { hasText: '李建国' }).count(), 0);
      });
    });

    test('shift: sign in with names, hand over with a note', async () => {
      // Mid-morning, so the day shift is on and the handover is its own (in a shift's first 30
      // minutes it would belong to the shift before).
      await withApp(server, { viewport, hash: '#/checkpoint', fake: { now: `${TODAY}T10:00` } }, async (page, { shot }) => {
        await open(page);
        const banner = page.locator('[data-test="shift-banner"]');
        assert.match(await banner.innerText(), /08:00–16:00/);
        assert.match(await banner.innerText(), /本班次尚未签到/);
        assert.match(await page.locator('[data-test="last-handover"]').innerText(), /夜间无异常/);
        await shot('checkpoint-shift');

        await banner.locator('[data-test="sign-in"]').click();
        const signIn = page.locator('.van-dialog:visible');
        await signIn.waitFor();
        await signIn.locator('.van-dialog__confirm').click();
        assert.equal(await fieldError(page, 'staff'), '请填写值班人员');
        await field(page, 'staff').fill('王五 赵六');
        await signIn.locator('.van-dialog__confirm').click();
        await expectToast(page, '已签到');
        await banner.locator('[data-test="shift-staff"]', { hasText: '值班：王五、赵六' }).waitFor();
        assert.deepEqual((await callsOf(page, 'shift_start'))[0].args, { checkpoint: 'cp-hongxing', staff: ['王五', '赵六'] });

        // Entries now carry the name of the one on duty.
        await type(page, '[data-test="match-search"] input', 'wxy');
        await page.locator('[data-test="match-hit"]', { hasText: '王秀英' }).click();
        await page.locator('[data-test="temp-36.5"]').click();
        await page.locator('[data-test="code-green"]').click();
        await page.locator('[data-test="save"]').click();
        await expectToast(page, '王秀英 已放行');
        await page.waitForFunction(() => /王秀英/.test(document.querySelector('[data-test="recent"] [data-test="entry-row"]')?.textContent ?? ''));
        await page.locator('[data-test="recent"] [data-test="entry-row"]').first().click();
        assert.match(await page.locator('[data-test="entry-detail"]').innerText(), /王五/);
        await page.locator('.van-popup__close-icon:visible').click();

        await banner.locator('[data-test="handover"]').click();
        const handover = page.locator('.van-dialog:visible');
        await handover.waitFor();
        await page.locator('[data-field="handover-note"] textarea').fill('无异常，测温枪电量低需充电');
        await handover.locator('.van-dialog__confirm').click();
        await expectToast(page, '已交班');
        await banner.locator('[data-test="last-handover"]', { hasText: '测温枪电量低需充电' }).waitFor();
        assert.match(await banner.innerText(), /本班次尚未签到/);
        assert.match(await page.locator('[data-test="last-handover"]').innerText(), /王五、赵六/);
        await shot('checkpoint-handover');
      });
    });

    test('entry list by day: today, then yesterday in order with its counts', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        const todayIn = await count(page, 'in');
        await page.locator('[data-test="by-day"]').click();
        await page.locator('[data-test="checkpoint-entries"]').waitFor();
        const today = await page.evaluate(() => {
          const d = new Date();
          const p = (n) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
        });
        assert.equal(await page.locator('[data-test="day-text"]').getAttribute('data-day'), today);
        assert.match(await page.locator('[data-test="day-text"]').innerText(), /^\d{4}年\d{1,2}月\d{1,2}日$/);
        assert.equal(await count(page, 'in'), todayIn);
        assert.equal(await page.locator('[data-test="day-next"]').isDisabled(), true);

        await page.locator('[data-test="day-prev"]').click();
        await page.waitForFunction((d) => document.querySelector('[data-test="day-text"]').dataset.day !== d, today);
        const rows = page.locator('[data-test="day-entries"] [data-test="entry-row"]');
        await page.waitForFunction(() => document.querySelectorAll('[data-test="day-entries"] [data-test="entry-row"]').length === 4);
        const times = await rows.locator('.time').allInnerTexts();
        assert.deepEqual(times, ['09:12', '10:40', '14:05', '18:30']);
        assert.equal(await count(page, 'turned_back'), 1);
        assert.equal(await count(page, 'observed'), 1);
        assert.match(await page.locator('[data-test="day-total"]').innerText(), /共4人次/);
        assert.equal(await rows.nth(1).getAttribute('data-decision'), 'turn-back');
        assert.equal(await rows.nth(3).getAttribute('data-decision'), 'observe');
        await shot('checkpoint-entries');
        await rows.nth(3).click();
        assert.match(await page.locator('[data-test="entry-detail"]').innerText(), /体温37\.6℃/);
        await shot('checkpoint-entry-detail');
        const listed = await callsOf(page, 'entries');
        assert.equal(listed.at(-1).args.checkpoint, 'cp-hongxing');
      });
    });

    test('checkpoints: choose one and the device remembers it; add one when there is none', async () => {
      await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
        await open(page);
        assert.equal(await page.locator('[data-test="checkpoint-name"]').innerText(), '红星村村口卡点');
        await page.locator('[data-test="checkpoint-switch"]').click();
        await page.locator('[data-test="checkpoint-picker"]').waitFor();
        await shot('checkpoint-picker');
        await page.locator('[data-test="checkpoint-option"]', { hasText: '新华村南口卡点' }).click();
        await page.locator('[data-test="checkpoint-name"]', { hasText: '新华村南口卡点' }).waitFor();
        await page.reload();
        await open(page);
        assert.equal(await page.locator('[data-test="checkpoint-name"]').innerText(), '新华村南口卡点');

        // A township without checkpoints: the empty state adds one.
        await page.evaluate(() => {
          window.__fake.checkpoint.state.checkpoints.length = 0;
          location.hash = '#/';
        });
        await page.locator('[data-test="home"]').waitFor();
        await page.evaluate(() => (location.hash = '#/checkpoint'));
        await page.locator('[data-test="no-checkpoint"]').waitFor();
        await page.locator('[data-test="add-checkpoint-save"]').click();
        assert.equal(await fieldError(page, 'village_id'), '请选择村（社区）');
        await pickOption(page, 'village_id', '东风社区');
        await field(page, 'cp-name').fill('东风社区东门');
        await field(page, 'cp-place').fill('东门岗亭');
        await shot('checkpoint-empty');
        await page.locator('[data-test="add-checkpoint-save"]').click();
        await page.locator('[data-test="checkpoint-name"]', { hasText: '东风社区东门' }).waitFor();
        await open(page);
        assert.deepEqual((await callsOf(page, 'add_checkpoint'))[0].args, { villageId: 'v-dongfeng', name: '东风社区东门', place: '东门岗亭' });
      });
    });
  });
}

describe('checkpoint in English', () => {
  for (const viewport of VIEWPORTS) {
    test(`labels and the suggestion follow the language (${viewport.width}x${viewport.height})`, async () => {
      await withApp(server, { viewport, hash: '#/checkpoint', fake: { language: 'en' } }, async (page, { shot }) => {
        await open(page);
        assert.match(await page.locator('[data-test="shift-banner"]').innerText(), /Shift/);
        await type(page, '[data-test="match-search"] input', 'wxy');
        await page.locator('[data-test="match-hit"]', { hasText: '王秀英' }).click();
        await page.locator('[data-test="temp-37.2"]').click();
        await page.locator('[data-test="code-yellow"]').click();
        await page.locator('[data-test="suggestion"][data-decision="turn-back"]').waitFor();
        assert.match(await page.locator('[data-test="save"]').innerText(), /Save · Turn back/);
        assert.match(await page.locator('[data-test="reasons"]').innerText(), /yellow/i);
        await shot('checkpoint-en');
      });
    });
  }
});

describe('checkpoint and the township control list', () => {
  test('a whole ID number of a person isolated in another village shows the list entry, no name', async () => {
    const viewport = VIEWPORTS[0];
    await withApp(server, { viewport, hash: '#/checkpoint' }, async (page, { shot }) => {
      await open(page);
      // A person of another village than the checkpoint's, in home isolation like case-2.
      const other = await page.evaluate(() => {
        const f = window.__fake;
        const cp = f.checkpoint && f.checkpoint.state.checkpoints[0];
        const villageOf = (p) => f.state.households.get(p.household_id)?.village_id;
        const p = [...f.state.persons.values()].find((x) => !x.deleted && /^\d{17}[\dX]$/.test(x.id_number || '') && cp && villageOf(x) !== cp.village_id);
        const c2 = f.isolation && f.isolation.cases.get('case-2');
        if (!p || !c2) return null;
        f.isolation.cases.set('case-listed', { ...c2, id: 'case-listed', person_id: p.id });
        const village = f.state.villages.find((v) => v.id === villageOf(p));
        return { id: p.id_number, name: p.name, village: village.name };
      });
      assert.ok(other, 'the fake has a person of another village and a home-isolation case');
      await type(page, '[data-test="match-search"] input', other.id);
      const hit = page.locator('[data-test="match-hit"]', { has: page.locator('[data-test="match-listed"]') });
      await hit.waitFor();
      const label = (await hit.locator('[data-test="match-isolation"]').innerText()).trim();
      assert.equal(label.startsWith(`${other.village}管控：居家隔离第7天`), true, label);
      assert.doesNotMatch(await hit.innerText(), new RegExp(other.name));
      await shot('checkpoint-control-list');
      // Choosing it keeps the number for the entry; the name stays for the volunteer to ask.
      await hit.click();
      assert.equal(await field(page, 'id_number').inputValue(), other.id);
      assert.equal(await field(page, 'name').inputValue(), '');
    });
  });
});
