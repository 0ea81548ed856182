// The real `gridbook` command line for the fake backend, in Node: the browser tests expose it to
// the page (helpers.mjs) and the unit tests install it on globalThis, as window.__gridbook.
// The fake asks it for the rules the store owns: the township's checkpoint rules (`checkpoint
// judge`, `rules check`, and `rules builtin` for the work plan's defaults), passes (`pass
// issue-check`, `pass verify`, `pass qr`) and shifts (`shift judge`), the ledger's field checks
// (`field check`) and duplicate persons (`person duplicate-check`), and the isolation rules:
// policies (`policy builtin`, `policy check`), a case's dates and control state (`case
// state-check`), the due list (`case due-check`), escalation (`check review`, `test review`)
// and the release conditions (`case release-check`), so what the screens show comes from the
// one set of rules, in Rust. Only these pure commands (no store, nothing written) may be run
// through it.
//
// The roster import (导入) is the store's own work: `rosterRunner` gives each page a real data
// directory of its own, where the fake's villages are made and `gridbook import` plans and
// writes the files the tests pick (../roster.js), so every count and reason on the screen is
// the import crate's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COMMANDS = {
  'checkpoint judge': ['checkpoint', 'judge'],
  'rules check': ['rules', 'check'],
  'rules builtin': ['rules', 'builtin'],
  'field check': ['field', 'check'],
  'case release-check': ['case', 'release-check'],
  'case due-check': ['case', 'due-check'],
  'case state-check': ['case', 'state-check'],
  'policy check': ['policy', 'check'],
  'policy builtin': ['policy', 'builtin'],
  'check review': ['check', 'review'],
  'test review': ['test', 'review'],
  'pass issue-check': ['pass', 'issue-check'],
  'pass verify': ['pass', 'verify'],
  'pass qr': ['pass', 'qr'],
  'shift judge': ['shift', 'judge'],
  'person duplicate-check': ['person', 'duplicate-check'],
};

/** The binary: GRIDBOOK_BIN, else the workspace's debug build. */
export function gridbookBin() {
  const bin = process.env.GRIDBOOK_BIN || resolve(process.env.CARGO_TARGET_DIR || resolve(ROOT, 'target'), 'debug', 'gridbook');
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: build it with \`cargo build --locked -p gridbook\` (or set GRIDBOOK_BIN)`);
  }
  return bin;
}

/**
 * Runs `gridbook --json <command>` with `input` (JSON text) on stdin, or nothing for a command
 * that reads none (`input` undefined). Resolves to
 * { ok: true, value } or { ok: false, error: { kind, field, message } } as the command printed
 * them; rejects only when the binary could not run.
 */
export function runGridbook(command, input) {
  const args = COMMANDS[command];
  if (!args) return Promise.reject(new Error(`not a pure gridbook command: ${command}`));
  const bin = gridbookBin();
  return new Promise((ok, fail) => {
    const child = spawn(bin, ['--json', ...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        if (code === 0) return ok({ ok: true, value: JSON.parse(out) });
        const { error } = JSON.parse(err);
        ok({ ok: false, error: { kind: error.kind, field: error.field ?? undefined, message: error.message } });
      } catch {
        fail(new Error(`gridbook ${command} exited ${code}: ${err || out}`));
      }
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Runs `gridbook --json ARGS` on the data directory `data`: { code, out, err }. */
function runIn(data, args) {
  const bin = gridbookBin();
  return new Promise((ok, fail) => {
    const child = spawn(bin, ['--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GRIDBOOK_DATA: data } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => ok({ code, out, err }));
  });
}

/** The command's error as the backend's ({ kind, field, code, message }). */
function errorOf(r) {
  const line = r.err.trim().split('\n').at(-1) ?? '';
  try {
    const { error } = JSON.parse(line);
    return { kind: error.kind, field: error.field ?? undefined, code: error.code ?? undefined, message: error.message };
  } catch {
    throw new Error(`gridbook exited ${r.code}: ${r.err || r.out}`);
  }
}

/**
 * A roster importer on a data directory of its own (made on first use):
 * - `villages`: { villages: [{ name, groups: [name] }] } → { [name]: id }, making what is missing;
 * - `import`: { path, village (an id of this directory), headerRow, map: [{ header, field }],
 *   dryRun, report (an .xlsx path) } → { ok: true, value: the `--detail` report, progress:
 *   [{ done, total }] from the progress lines } or { ok: false, error }.
 */
export function rosterRunner() {
  let data = null;
  const dir = () => (data ??= mkdtempSync(join(tmpdir(), 'gridbook-roster-')));
  const json = async (args) => {
    const r = await runIn(dir(), args);
    if (r.code !== 0) throw new Error(`gridbook ${args.join(' ')}: ${r.err}`);
    return JSON.parse(r.out);
  };
  return async (op, input) => {
    if (op === 'villages') {
      const have = new Map((await json(['village', 'list'])).map((v) => [v.name, v.id]));
      for (const v of input.villages) {
        if (!have.has(v.name)) {
          const id = (await json(['village', 'add', '--name', v.name])).id;
          have.set(v.name, id);
          for (const g of v.groups) await json(['group', 'add', '--village', id, '--name', g]);
        }
      }
      return Object.fromEntries(have);
    }
    if (op !== 'import') throw new Error(`not a roster operation: ${op}`);
    const args = ['import', input.path, '--detail'];
    if (input.village) args.push('--village', input.village);
    if (input.headerRow) args.push('--header-row', String(input.headerRow));
    if (input.map?.length) args.push('--map', input.map.map((m) => `${m.header}=${m.field ?? 'ignore'}`).join(','));
    if (input.dryRun) args.push('--dry-run');
    if (input.report) args.push('--report', input.report);
    const r = await runIn(dir(), args);
    if (r.code !== 0) return { ok: false, error: errorOf(r) };
    const progress = [...r.err.matchAll(/(\d+)\/(\d+)\s*$/gm)].map((m) => ({ done: +m[1], total: +m[2] }));
    return { ok: true, value: JSON.parse(r.out), progress };
  };
}
