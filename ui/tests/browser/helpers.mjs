// Shared harness for the browser tests: a static server for ui/dist, Debian's Chromium through
// playwright-core (no browser download), the fake backend injected before the app loads with
// the real `gridbook` command line exposed to it for the checkpoint rules (../fake/cli.mjs),
// and screenshots at phone and laptop sizes into tests/screenshots/.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildSync } from 'esbuild';
import { gridbookBin, rosterRunner, runGridbook } from '../fake/cli.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const UI = resolve(here, '..', '..');
const DIST = join(UI, 'dist');
// The fake backend, then the fakes of each feature (they add their commands to it), in the
// order tests/fake/index.js imports them.
const FAKES = join(UI, 'tests', 'fake', 'index.js');
export const SHOTS = join(UI, 'tests', 'screenshots');

export const PHONE = { width: 360, height: 740 };
export const LAPTOP = { width: 1280, height: 800 };
export const VIEWPORTS = [PHONE, LAPTOP];

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The page gets the app's own Content-Security-Policy (from the Tauri config when it is there), so
// anything the webview would refuse (a data: font, eval, a CDN) fails the tests here too.
const DEFAULT_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src ipc: http://ipc.localhost";
function appCsp() {
  try {
    const conf = JSON.parse(readFileSync(join(UI, '..', 'src-tauri', 'tauri.conf.json'), 'utf8'));
    return conf?.app?.security?.csp || DEFAULT_CSP;
  } catch {
    return DEFAULT_CSP;
  }
}
const CSP = process.env.GRIDBOOK_CSP ?? appCsp();

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Serves ui/dist on a free loopback port. */
export async function startServer() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('ui/dist is missing: run `npm run build` before `npm run test:browser`');
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    if (!path || path.endsWith('/')) path += 'index.html';
    const file = join(DIST, path);
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (file.endsWith('.html') && CSP) headers['content-security-policy'] = CSP;
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** The fakes and the UI logic they import, bundled into one script for page.addInitScript. */
function bundleFakes() {
  const out = buildSync({
    entryPoints: [FAKES],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}
const fakeSource = bundleFakes();
// Fail early, with how to fix it, when the command line the fake asks is not built.
gridbookBin();

/**
 * Opens the app in a fresh Chromium profile at `viewport`, with the fake backend installed
 * (options in `fake`), runs `fn(page, ctx)` and closes everything. Fails on page errors.
 * `args` are added to Chromium's command line (e.g. a fake camera playing a file).
 */
export async function withApp(server, { viewport, fake = {}, hash = '#/', args = [] }, fn) {
  const profile = mkdtempSync(join(tmpdir(), 'gridbook-ui-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...args],
    viewport,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    hasTouch: viewport.width < 768,
    isMobile: false,
  });
  const errors = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    // The township's checkpoint rules, as the real backend applies them (tests/fake/checkpoint/judge.js).
    await context.exposeFunction('__gridbook', runGridbook);
    // The roster import, by the real command line on a data directory of this page's own.
    await context.exposeFunction('__gridbookRoster', rosterRunner());
    await page.addInitScript(`window.__FAKE_OPTS = ${JSON.stringify({ delay: 3, ...fake })};`);
    await page.addInitScript(fakeSource);
    await page.goto(server.url + hash);
    await page.waitForSelector('[data-test="sync-bar"]');
    // Icons come from the bundled font file: it must have loaded under the CSP.
    await page.waitForFunction(() => document.fonts.check('16px vant-icon', '\ue600') || document.fonts.status === 'loaded');
    const size = `${viewport.width}x${viewport.height}`;
    const shot = async (name) => {
      mkdirSync(SHOTS, { recursive: true });
      // Let transitions and toasts settle so the picture shows what a person would see.
      await page.waitForTimeout(350);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`) });
    };
    await fn(page, { shot, size, wide: viewport.width >= 768, context });
    if (errors.length) throw new Error(`errors in the page:\n${errors.join('\n')}`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Waits for a visible toast that says `expected` (a string, matched whole, or a RegExp) and
 * returns its text. An earlier toast may still be on screen, fading out: reading "the" toast
 * would read that one.
 */
export async function expectToast(page, expected) {
  const escaped = typeof expected === 'string' ? expected.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&') : '';
  const whole = typeof expected === 'string' ? new RegExp('^\\s*' + escaped + '\\s*$') : expected;
  const toast = page.locator('.van-toast:visible', { hasText: whole }).last();
  try {
    await toast.waitFor({ timeout: 10_000 });
  } catch {
    const seen = await page.locator('.van-toast:visible').allInnerTexts();
    throw new Error(`no toast saying ${expected}; on screen: ${JSON.stringify(seen)}`);
  }
  return (await toast.innerText()).trim();
}

/** Every fake-backend call of `cmd` made so far. */
export async function callsOf(page, cmd) {
  return page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c), cmd);
}

/** Picks `text` in the bottom picker opened by the field `name`. */
export async function pickOption(page, name, text) {
  await page.locator(`[data-field="${name}"]`).click();
  // The picker's own popup (a field may sit in a sheet that is a popup too).
  const popup = page.locator('.van-popup:visible', { has: page.locator('.van-picker') }).last();
  await popup.waitFor();
  const option = popup.locator('.van-picker-column__item', { hasText: text }).first();
  await option.click();
  // The picker scrolls the clicked item to the middle; confirm after it settles.
  await page.waitForTimeout(400);
  await popup.locator('.van-picker__confirm').click();
  await popup.waitFor({ state: 'hidden' });
}

/**
 * Sets the DateTimeField `name` to `at` ('YYYY-MM-DD', or 'YYYY-MM-DDTHH:MM') through its
 * wheels: year, month and day, then (with a time) 下一步, hour and minute; 确定. A time of
 * day alone ('HH:MM', a `time-only` field): hour and minute; 确定.
 */
export async function pickDateTime(page, name, at) {
  const timeOnly = /^(\d{2}):(\d{2})$/.exec(at);
  const [, y, mo, d, h, mi] = timeOnly
    ? [at, undefined, undefined, undefined, timeOnly[1], timeOnly[2]]
    : /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(at);
  await page.locator(`[data-field="${name}"]`).click();
  const group = page.locator(`[data-test="${name}-picker"]`);
  await group.waitFor();
  // Let the sheet finish sliding up before tapping its wheels.
  await page.waitForTimeout(400);
  // A wheel shows a few items around the chosen one; a tap on an item scrolls it to the middle.
  // Far items are reached by tapping the edge item on their side until they are in view.
  // Both tabs are rendered: the date's three wheels, then the time's two (time-only: two).
  const wheel = async (i, text) => {
    const column = group.locator('.van-picker-column').nth(i);
    const items = column.locator('.van-picker-column__item');
    const target = (await items.allInnerTexts()).findIndex((t) => t.trim() === text);
    assert.ok(target >= 0, `no ${text} on wheel ${i}`);
    for (let step = 0; step < 60; step++) {
      const box = await column.boundingBox();
      const it = await items.nth(target).boundingBox();
      if (it.y >= box.y && it.y + it.height <= box.y + box.height) break;
      const y = it.y < box.y ? box.y + it.height / 2 : box.y + box.height - it.height / 2;
      await page.mouse.click(box.x + box.width / 2, y);
      await page.waitForTimeout(300);
    }
    await items.nth(target).click();
    await page.waitForTimeout(400);
  };
  if (timeOnly) {
    await wheel(0, h);
    await wheel(1, mi);
  } else {
    await wheel(0, `${+y}年`);
    await wheel(1, `${+mo}月`);
    await wheel(2, `${+d}日`);
  }
  if (h !== undefined && !timeOnly) {
    await group.locator('.van-picker__confirm', { hasText: '下一步' }).click();
    await group.locator('.van-tab--active', { hasText: '时间' }).waitFor();
    await page.waitForTimeout(400);
    await wheel(3, h);
    await wheel(4, mi);
  }
  await group.locator('.van-picker__confirm').click();
  await group.waitFor({ state: 'hidden' });
}

/** The input element inside the Vant field `name`. */
export function field(page, name) {
  return page.locator(`[data-field="${name}"] input`).first();
}

/** The error message shown under the Vant field `name` (empty string when none). */
export async function fieldError(page, name) {
  const el = page.locator(`[data-field="${name}"] .van-field__error-message`);
  if ((await el.count()) === 0) return '';
  return (await el.first().innerText()).trim();
}
