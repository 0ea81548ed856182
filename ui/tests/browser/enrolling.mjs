// What the enrollment tests share: the static server and a directory for the fake camera's
// files, for the whole test file, and a device waiting in the fake relay's registry.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './helpers.mjs';

/** Starts the server and makes the directory (named from `prefix`) before the file's tests,
 * closes and removes them after; they are `env.server` and `env.dir` meanwhile. */
export function enrollingEnv(prefix) {
  const env = { server: null, dir: '' };
  before(async () => {
    env.server = await startServer();
    env.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    env.server.close();
    rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}

/** A device waiting in the fake relay's registry with the one-time `code`. */
export const seedCode = (page, code) =>
  page.evaluate((c) => {
    const reg = window.__fake.devices;
    const id = `dev-${c}`;
    reg.devices.push({ device_id: id, name: '红星村-李医生手机', role: 'doctor', scope: 'village:v-hongxing', revoked: false, last_sync: null });
    reg.codes.set(c, { device_id: id, expires: Date.now() + 3600_000, used: false });
  }, code);
