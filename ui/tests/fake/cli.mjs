// The real `gridbook` command line for the fake backend, in Node: the browser tests expose it to
// the page (helpers.mjs) and the unit tests install it on globalThis, as window.__gridbook.
// The fake asks it for the rules the store owns: the township's checkpoint rules (`checkpoint
// judge`, `rules check`), the ledger's field checks (`field check`) and the isolation release
// conditions (`case release-check`), so what the screens show comes from the one set of rules,
// in Rust. Only these pure commands (no store, nothing written) may be run through it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const COMMANDS = {
  'checkpoint judge': ['checkpoint', 'judge'],
  'rules check': ['rules', 'check'],
  'field check': ['field', 'check'],
  'case release-check': ['case', 'release-check'],
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
 * Runs `gridbook --json <command>` with `input` (JSON text) on stdin. Resolves to
 * { ok: true, value } or { ok: false, error: { kind, field, message } } as the command printed
 * them; rejects only when the binary could not run.
 */
export function runGridbook(command, input) {
  const args = COMMANDS[command];
  if (!args) return Promise.reject(new Error(`not a pure gridbook command: ${command}`));
  const bin = gridbookBin();
  return new Promise((ok, fail) => {
    const child = spawn(bin, ['--json', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
    child.stdin.end(input);
  });
}
