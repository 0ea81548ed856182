// The Chinese UI speaks Chinese in its dialogs too (the rule of zh-words.test.mjs, at phone
// size): the duplicate-person merge, dismissal and undo dialogs; adding a device, its code and
// QR code, revoking one, naming villages and groups; joining with a code, right or wrong; the app
// lock (locked, a wrong PIN, the back-off, a forgotten PIN, setting a PIN and its recovery code);
// and the other sheets, pickers and confirms of the case, the household, the checkpoint (its
// shift sign-in and handover, adding a checkpoint), the daily report, the checkpoint rules and
// the edits the relay refused; and the dialogs that show the store's own Chinese texts with a
// date in them (a positive test, a release refused, missed follow-up days, a pass already used).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, field, startServer, withApp } from './helpers.mjs';
import { dismiss, opener, walk } from './zh-text.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server.close());

/** A step that taps `target` (the first match) over what is on screen. */
const tap = (page, target) => async () => page.locator(target).first().click();

describe(`no English in the Chinese UI's dialogs (${PHONE.width}x${PHONE.height})`, () => {
  test('a grid worker’s duplicate-person dialogs', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/duplicates', fake: { duplicates: true } }, async (page) => {
      const pair = (i) => page.locator('[data-test="dup-pair"]').nth(i);
      await pair(0).locator('[data-test="dup-side"]').first().waitFor();
      const found = await walk(page, [
        [
          '确认合并',
          async () => {
            await pair(1).locator('[data-test="dup-keep"]').nth(1).click();
            await pair(1).locator('[data-test="dup-merge"]').click();
            await page.locator('.van-dialog:visible', { hasText: '确认合并' }).waitFor();
          },
        ],
        [
          '已合并',
          async () => {
            await page.locator('.van-dialog:visible .van-dialog__confirm').click();
            await page.locator('[data-test="merged-row"]').first().waitFor();
          },
        ],
        ['撤销合并', tap(page, '[data-test="merged-row"] [data-test="unmerge"]')],
        [
          '不是同一人',
          async () => {
            await dismiss(page);
            await pair(0).locator('[data-test="dup-dismiss"]').click();
            await page.locator('[data-test="dismiss-dialog"]').waitFor();
          },
        ],
        [
          '已标记',
          async () => {
            await page.locator('[data-test="dismiss-reason"] input').fill('父女同名');
            await page.locator('[data-test="dismiss-dialog"] .van-dialog__confirm').click();
            await page.locator('[data-test="dismissed-row"]').waitFor();
          },
        ],
        ['撤销标记', tap(page, '[data-test="dismissed-row"] [data-test="restore"]')],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the township’s device dialogs: adding, the code and QR code, revoking, village names', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/devices', fake: { role: 'township' } }, async (page) => {
      await page.locator('[data-test="device-row"]').first().waitFor();
      const found = await walk(page, [
        ['添加设备', tap(page, '[data-test="device-add"]')],
        ['添加设备（未填）', tap(page, '[data-test="device-save"]')],
        [
          '注册码',
          async () => {
            await page.locator('[data-test="device-name"] input').fill('红星村-李医生手机');
            await page.locator('[data-test="device-role"] [data-role="doctor"]').click();
            await page.locator('[data-test="device-village"] .van-radio').first().click();
            await page.locator('[data-test="device-save"]').click();
            await page.locator('[data-test="device-code-text"]').waitFor();
            await page.waitForFunction(() => document.querySelector('[data-test="device-qr"]')?.complete);
          },
        ],
        [
          '停用设备',
          async () => {
            await page.locator('[data-test="device-code-done"]').click();
            await page.locator('[data-test="device-code"]').waitFor({ state: 'hidden' });
            await page.locator('[data-test="device-revoke"]').first().click();
          },
        ],
        [
          '村（社区）名称',
          async () => {
            await dismiss(page);
            await page.locator('[data-test="village-rename"]').first().click();
          },
        ],
        [
          '重名',
          async () => {
            const names = await page.locator('[data-test="grid-village-name"]').allInnerTexts();
            await page.locator('[data-test="grid-form"] [data-test="grid-name"] input').fill(names[1].trim());
            await page.locator('[data-test="grid-form"] [data-test="grid-save"]').click();
            await page.locator('[data-test="grid-form"] .van-field__error-message').waitFor();
          },
        ],
        [
          '组名称',
          async () => {
            await dismiss(page);
            await page.locator('[data-test="group-add"]').first().click();
          },
        ],
        [
          '卡口规则未保存',
          async () => {
            await dismiss(page);
            await page.evaluate(() => (location.hash = '#/checkpoint/rules'));
            await page.locator('[data-test="checkpoint-rules"] .seg[aria-checked="false"]').first().click();
            await page.evaluate(() => (location.hash = '#/devices'));
            await page.locator('.van-dialog:visible').waitFor();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('a new device joins with a code: wrong, then right; the QR scanner without a camera', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings', fake: { enrolled: false } }, async (page) => {
      await page.locator('[data-test="settings"]').waitFor();
      await page.evaluate(() => {
        const reg = window.__fake.devices;
        reg.devices.push({ device_id: 'dev-k7', name: '红星村-李医生手机', role: 'doctor', scope: 'village:v-hongxing', revoked: false, last_sync: null });
        reg.codes.set('K7MQ-4XRT', { device_id: 'dev-k7', expires: Date.now() + 3600_000, used: false });
      });
      const enroll = (code) => async () => {
        await page.locator('[data-test="relay-url"] input').fill('https://relay.mositai.example:8443');
        await page.locator('[data-test="token"] input').fill(code);
        await page.locator('[data-test="enroll"]').click();
      };
      const found = await walk(page, [
        ['注册', '#/settings'],
        ['扫码注册', tap(page, '[data-test="enroll-scan"]')],
        [
          '注册码无效',
          async () => {
            await dismiss(page);
            await enroll('k7mq 4xrz')();
            await page.locator('[data-test="token"] .van-field__error-message').waitFor();
          },
        ],
        [
          '已注册',
          async () => {
            await enroll('k7mq 4xrt')();
            await page.locator('[data-test="enroll-status"]', { hasText: '莫斯台街道' }).waitFor();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the app lock: locked, a wrong PIN, the back-off, a forgotten PIN', async () => {
    const fake = { lock: { pin: '246810', locked: true, recovery: 'AB12C-DE34F-GH56J-KM78N-PQ90R' } };
    await withApp(server, { viewport: PHONE, fake }, async (page) => {
      await page.locator('[data-test="lock-screen"]').waitFor();
      const wrong = async () => {
        await page.locator('[data-test="lock-pin"] input').fill('000000');
        await page.locator('[data-test="lock-unlock"]').click();
      };
      const found = await walk(page, [
        ['已锁定', async () => {}],
        [
          'PIN 不正确',
          async () => {
            await wrong();
            await page.locator('[data-test="lock-error"]').waitFor();
          },
        ],
        ['忘记 PIN', tap(page, '[data-test="lock-forgot"]')],
        [
          '恢复码错误',
          async () => {
            await page.locator('[data-test="lock-code"] input').fill('AB12C-DE34F-GH56J-KM78N-PQ90S');
            await page.locator('[data-test="lock-new-pin"] input').fill('8642');
            await page.locator('[data-test="lock-new-pin-again"] input').fill('8642');
            await page.locator('[data-test="lock-recover"]').click();
            await page.locator('[data-test="lock-error"]').waitFor();
          },
        ],
        [
          '两次 PIN 不一致',
          async () => {
            await page.locator('[data-test="lock-new-pin-again"] input').fill('8643');
            await page.locator('[data-test="lock-recover"]').click();
            await page.locator('[data-test="lock-error"]', { hasText: '不一致' }).waitFor();
          },
        ],
        [
          '稍后再试',
          async () => {
            await page.reload();
            await page.locator('[data-test="lock-screen"]').waitFor();
            for (let i = 1; i <= 5; i++) {
              await wrong();
              if (i < 5) await page.locator('[data-test="lock-error"]', { hasText: `${i} 次` }).waitFor();
            }
            await page.locator('[data-test="lock-wait"]').waitFor();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the app lock in the settings: setting a PIN, its recovery code, a new code, the idle time', async () => {
    await withApp(server, { viewport: PHONE, hash: '#/settings' }, async (page) => {
      await page.locator('[data-test="lock-state"]').waitFor();
      const setPin = (a, b) => async () => {
        await page.locator('[data-test="lock-set-new"] input').fill(a);
        await page.locator('[data-test="lock-set-again"] input').fill(b);
        await page.locator('[data-test="lock-set-pin"]').click();
      };
      const found = await walk(page, [
        ['不一致', setPin('97531', '97532')],
        [
          '恢复码',
          async () => {
            await setPin('97531', '97531')();
            await page.locator('.recovery-code-dialog').waitFor();
          },
        ],
        [
          '已加密',
          async () => {
            await page.locator('.recovery-code-dialog .van-dialog__confirm').click();
            await page.locator('[data-test="lock-state"]', { hasText: '已加密' }).waitFor();
          },
        ],
        [
          '新恢复码（PIN 不正确）',
          async () => {
            await page.locator('[data-test="lock-current"] input').fill('11111');
            await page.locator('[data-test="lock-new-code"]').click();
          },
        ],
        [
          '新恢复码',
          async () => {
            await page.locator('[data-test="lock-current"] input').fill('97531');
            await page.locator('[data-test="lock-new-code"]').click();
            await page.locator('.recovery-code-dialog:visible').waitFor();
          },
        ],
        [
          '自动锁定',
          async () => {
            await page.locator('.recovery-code-dialog .van-dialog__confirm').click();
            await page.locator('[data-test="lock-idle-5"]').click();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('a grid worker’s other sheets, pickers and confirms', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      const open = (hash, target) => opener(page, hash, target);
      const found = await walk(page, [
        ['结束管控', open('#/isolation/case-1', '[data-test="close-case"]')],
        [
          '需转诊',
          async () => {
            await open('#/isolation/case-1', '[data-test="record-check"]')();
            await page.locator('[data-test="check-sheet"] [data-field="temp"] input').fill('37.6');
            await page.locator('[data-test="check-sheet"] [data-symptom="dry-cough"]').click();
            await page.locator('[data-test="check-save"]').click();
            await page.locator('.van-dialog:visible').waitFor();
          },
        ],
        ['转诊结果', open('#/isolation/case-1', '[data-test="close-referral"]')],
        ['开始管控·日期', open('#/isolation/start/p-liming', '[data-field="start"]')],
        ['开始管控·原因', open('#/isolation/start/p-liming', '[data-field="reason"]')],
        ['删除成员', open('#/households/h-wang/person/p-liming/edit', '.remove')],
        ['通行证', open('#/households/h-wang', '[data-test="pass-row"]')],
        [
          '签发通行证·时间',
          async () => {
            await open('#/households/h-wang', '[data-test="issue-pass"]')();
            await page.locator('[data-test="issue-sheet"] [data-field]').first().click();
          },
        ],
        ['签到', open('#/checkpoint', '[data-test="sign-in"]')],
        ['签到（未填）', tap(page, '.van-dialog:visible .van-dialog__confirm')],
        [
          '交班',
          async () => {
            await page.locator('[data-field="staff"] input').fill('王五 赵六');
            await page.locator('.van-dialog:visible .van-dialog__confirm').click();
            await page.locator('[data-test="shift-staff"]', { hasText: '王五' }).waitFor();
            await page.locator('[data-test="handover"]').click();
          },
        ],
        ['交班（未填）', tap(page, '.van-dialog:visible .van-dialog__confirm')],
        ['班次安排', open('#/checkpoint', '[data-test="shift-plan"]')],
        ['选择卡口', open('#/checkpoint', '[data-test="checkpoint-switch"]')],
        ['添加卡口', tap(page, '[data-test="checkpoint-add"]')],
        ['添加卡口（未填）', tap(page, '[data-test="add-checkpoint-save"]')],
        ['登记详情', open('#/checkpoint', '[data-test="recent"] [data-test="entry-row"]')],
        [
          '扫通行证',
          async () => {
            await open('#/checkpoint', '[data-test="more"] .van-collapse-item__title')();
            await page.locator('[data-test="scan-pass"]').click();
          },
        ],
        ['按日登记·选日期', open('#/checkpoint/cp-hongxing/entries', '[data-test="day"]')],
        ['日报·选日期', open('#/reports', '[data-test="day"]')],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('the store’s own texts with a date: a positive test, a release refused, missed days, a pass used', async () => {
    await withApp(server, { viewport: PHONE }, async (page) => {
      const open = (hash, target) => opener(page, hash, target);
      /** Taps release on a case and confirms. */
      const release = (hash) => async () => {
        await open(hash, '[data-test="release"]')();
        await page.locator('.van-dialog:visible', { hasText: '解除管控并出具期满证明' }).locator('.van-dialog__confirm').click();
      };
      const found = await walk(page, [
        [
          '暂不能解除管控',
          async () => {
            await release('#/isolation/case-1')();
            await page.locator('.van-dialog:visible', { hasText: '暂不能解除管控' }).waitFor();
          },
        ],
        [
          '解除原因',
          async () => {
            // A policy that asks only for the daily checks, and a day without one.
            await page.evaluate(() => {
              const iso = window.__fake.isolation;
              const c = iso.cases.get('case-2');
              c.spec.release = { period_over: false, tests_negative: false, no_open_escalation: false, final_check: false };
              const [y, m, d] = c.start.split('-').map(Number);
              const day2 = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
              iso.visits = iso.visits.filter((v) => v.case_id !== c.id || !v.at.startsWith(day2));
            });
            await release('#/isolation/case-2')();
            await page.locator('[data-test="release-reason-text"]').waitFor();
          },
        ],
        [
          '核酸阳性',
          async () => {
            await open('#/isolation/case-2', '[data-test="record-test"]')();
            await page.locator('[data-test="test-sheet"] [data-result="positive"]').click();
            await page.locator('[data-test="test-save"]').click();
            await page.locator('.van-dialog:visible', { hasText: '核酸检测阳性' }).waitFor();
          },
        ],
        [
          '通行证不能使用',
          async () => {
            await dismiss(page);
            await page.evaluate(() => (location.hash = '#/checkpoint'));
            await page.locator('[data-test="quick-entry"]').waitFor();
            // Her husband went out on the household's pass when it opened.
            const pass = await page.evaluate(() => {
              const { state, demoPass } = window.__fake.checkpoint;
              const p = state.passes.find((x) => x.number === demoPass);
              const husband = [...window.__fake.state.persons.values()].find((x) => x.name === '李建国');
              p.uses.push({ at: p.valid_from, direction: 'out', id_number: husband.id_number, checkpoint_id: 'cp-hongxing', entry_id: 'entry-earlier' });
              return demoPass;
            });
            await page.locator('[data-test="direction-out"]').click();
            await page.locator('[data-test="match-search"] input').pressSequentially('wxy', { delay: 30 });
            await page.locator('[data-test="match-hit"]', { hasText: '王秀英' }).click();
            await page.locator('[data-test="temp-36.2"]').click();
            await page.locator('[data-test="code-green"]').click();
            await page.locator('[data-test="more"] .van-collapse-item__title').click();
            await field(page, 'pass').fill(pass);
            await page.locator('[data-test="save"]').click();
            await page.locator('.van-dialog:visible', { hasText: '本户已有一人于' }).waitFor();
          },
        ],
      ]);
      assert.deepEqual(found, []);
    });
  });

  test('a volunteer’s edits the relay refused: the sheet and the discard confirm', async () => {
    const refused = {
      doc_id: 'grid:0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90',
      what: '全镇设置（村组、管控方案、卡口决策规则）',
      reason: '本机的角色只能查看这类记录，不能修改（角色可能已被镇防控办调整）',
      reason_en: 'This device\'s role may only read these records',
      role: '卡口志愿者',
      changes: 1,
      last_at: '2026-12-05T09:12',
      records: [{ id: 'rules-0b6c2f1e', type: 'rules', label: '', created: false }],
      whole_document: false,
    };
    await withApp(server, { viewport: PHONE, fake: { role: 'volunteer', unsynced: 1, refused: [refused] } }, async (page) => {
      await page.locator('[data-test="refused-banner"]').waitFor();
      const found = await walk(page, [
        ['被拒收的修改', tap(page, '[data-test="refused-banner"]')],
        ['丢弃修改', tap(page, '[data-test="refused-sheet"] [data-test="refused-discard"]')],
      ]);
      assert.deepEqual(found, []);
    });
  });
});
