// The fake backend's checkpoint commands (卡口): added to window.__fake.commands (../backend/).
//
// Faithful enough for the screens: the same validation order and Chinese messages (with
// `field`) as the store's entry form (state.js), the township's rules (the work plan's defaults
// from the real code, and the demo's risk areas), applied and checked by the real ones through
// the `gridbook` command line (judge.js: the suggestion, the choices needing a note, fevers) and
// edited by staff (rules.js), temporary passes issued to a household with their QR code drawn
// by the real code, refused when used twice, out of their window or unknown by the real pass
// rules (passes.js), each checkpoint's shift plan (three 8-hour shifts by default) with sign-in
// and handover, checked and placed by the real shift rules (shifts.js), entries and today's
// counts, and residents' control state from the real isolation rules (entries.js). A demo
// checkpoint is seeded in the first village, with a few entries today and yesterday and a
// handover note, and a second, empty one in the next village, so the screen has a checkpoint to
// switch to (demo.js).
//
// Options (window.__FAKE_OPTS): now ('YYYY-MM-DDTHH:MM', local) starts the clock there, as in
// ../isolation.js; checkpointEntries (6) is how many entries today starts with; demoPass (a
// valid pass number) numbers the seeded pass of the 王 household instead of a fixed one. Tests
// reach the state and helpers through window.__fake.checkpoint.
import { demoPass } from './demo.js';
import './entries.js';
import { parsePass, seedPass } from './passes.js';
import './rules.js';
import { shiftOn } from './shifts.js';
import { fake, state, validate } from './state.js';

fake.checkpoint = { state, demoPass, seedPass, parsePass, validate, shiftOn };
