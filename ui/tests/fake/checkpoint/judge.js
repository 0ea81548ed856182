// The township's rules for the checkpoint fake are the real ones: asked of the `gridbook`
// command line (`checkpoint judge`, `rules check`) through window.__gridbook, which the browser
// tests expose to the page and the unit tests install (../cli.mjs). Without it (`npm run dev`)
// there is no suggestion, and an entry cannot be recorded.
import { ask as cli } from '../backend/gridbook.js';
import { state } from './state.js';

/**
 * The suggestion for what is known of `form` (the app's entry form) at `at` (local
 * 'YYYY-MM-DDTHH:MM:SS') by the rules in force, for a person in the control state `isolation`:
 * { decision (null until direction, temperature and code are known), reasons, needs_note,
 * fever }, or null without a command line.
 */
export function judge(form, isolation, at) {
  return cli('checkpoint judge', { rules: state.rules, form, isolation: isolation || null, at });
}

/** The rules as the backend keeps them, or the backend's error for the first problem. */
export function checkRules(rules) {
  return cli('rules check', rules);
}
