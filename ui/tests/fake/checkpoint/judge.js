// The township's rules for the checkpoint fake are the real ones: asked of the `gridbook`
// command line (`rules builtin`, `checkpoint judge`, `rules check`) through window.__gridbook,
// which the browser tests expose to the page and the unit tests install (../cli.mjs). Without
// it (`npm run dev`) there are no rules, no suggestion, and an entry cannot be recorded.
import { ask as cli } from '../backend/gridbook.js';
import { state } from './state.js';

/** The rules in force: the work plan's (`gridbook rules builtin`) with the demo township's risk
 * areas until staff edit them; null without a command line. */
export async function rulesInForce() {
  if (!state.rules) {
    const builtin = await cli('rules builtin');
    if (!builtin) return null;
    state.rules ??= { ...builtin, risk_areas: state.demoAreas };
  }
  return state.rules;
}

/**
 * The suggestion for what is known of `form` (the app's entry form) at `at` (local
 * 'YYYY-MM-DDTHH:MM:SS') by the rules in force, for a person in the control state `isolation`:
 * { decision (null until direction, temperature and code are known), reasons, needs_note,
 * fever }, or null without a command line.
 */
export async function judge(form, isolation, at) {
  return cli('checkpoint judge', { rules: await rulesInForce(), form, isolation: isolation || null, at });
}

/** The rules as the backend keeps them, or the backend's error for the first problem. */
export function checkRules(rules) {
  return cli('rules check', rules);
}
