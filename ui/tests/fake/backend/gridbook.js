// The real `gridbook` command line, as the fake backend asks it: through window.__gridbook,
// which the browser tests expose to the page and the unit tests install (../cli.mjs). Only
// pure commands (no store, nothing written) are run through it; the rules they answer with
// are the app's own, so a screen cannot be tested against a rule the app does not have.

/** Runs a pure gridbook command with `input` (sent as JSON; nothing for a command that reads
 * none); null when no command line is at hand (`npm run dev`). Its errors are thrown as the
 * backend's ({ kind, field, message }). */
export async function ask(command, input) {
  const run = globalThis.__gridbook;
  if (typeof run !== 'function') return null;
  const r = await run(command, input === undefined ? undefined : JSON.stringify(input));
  if (!r.ok) throw r.error;
  return r.value;
}

/** What the fake throws when a rule is needed and no command line is at hand. */
export const unavailable = (what) => ({ kind: 'unavailable', message: `开发环境未连接 gridbook 命令行，无法${what}` });
