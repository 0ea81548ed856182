// The fake backend of the browser tests and `npm run dev`, in the order it installs: the
// backend first (window.__TAURI_INTERNALS__ and window.__fake), then each feature's commands.
//
// The fakes are ES modules and take the UI's own helpers from src/logic (one implementation of
// each); the rules that live only in Rust (the checkpoint's decisions, passes and shifts, the
// ledger's field checks and duplicate persons, the isolation policies, due list, escalation
// and release conditions) they ask of the `gridbook` command line (backend/gridbook.js). The browser tests bundle this file once with esbuild
// (format iife), expose the command line to the page and inject the bundle before the app
// loads (tests/browser/helpers.mjs); vite dev imports it (src/main.ts), without the rules.
import './backend/index.js';
import './isolation.js';
import './checkpoint/index.js';
import './reports.js';
import './overview-lists.js';
import './lock.js';
import './devices.js';
import './files.js';
import './tasks.js';
import './duplicates.js';
import './roster.js';
