// An in-memory stand-in for the gridbook Tauri backend, for the browser tests and `npm run dev`.
//
// It installs window.__TAURI_INTERNALS__ (invoke, transformCallback, unregisterCallback) and
// window.__TAURI_EVENT_PLUGIN_INTERNALS__, so @tauri-apps/api's own `invoke` and `listen` work
// unchanged, and window.__fake for the tests (emit events, read state, flip online/offline).
// The feature fakes (../checkpoint/, ../isolation.js, …) add their commands to it.
//
// The state and options (state.js), field checks (checks.js), records and queries
// (records.js), the seeded demo township (demo.js), the ledger commands (ledger.js), the
// device's status, settings and sync (sync.js) and the events (events.js).
import { checkIdNumber, checkPhone, Invalid, notFound } from './checks.js';
import { commands } from './commands.js';
import { makeId, materialize } from './demo.js';
import { addCallback, emit, listen, listenerCount, removeCallback, unlisten } from './events.js';
import './ledger.js';
import { addPersonRecord, alive, historyPush, ordered, pinyinOf, publicPerson, residentsOf, search } from './records.js';
import { chance, g, int, iso, opts, pick, rand, state, touched, uuid } from './state.js';
import { emitStatus } from './sync.js';

const calls = [];
function invoke(cmd, args) {
  calls.push({ cmd, args: args === undefined ? {} : JSON.parse(JSON.stringify(args)) });
  if (cmd === 'plugin:event|listen') return Promise.resolve(listen(args.event, args.handler));
  if (cmd === 'plugin:event|unlisten') {
    unlisten(args.event, args.eventId);
    return Promise.resolve(null);
  }
  const fn = commands[cmd];
  return new Promise((resolve, reject) => {
    setTimeout(async () => {
      if (!fn) return reject(`command ${cmd} not found`);
      try {
        const result = await fn(args || {});
        // Results cross the IPC boundary as JSON: never hand out live state.
        resolve(result === undefined ? null : JSON.parse(JSON.stringify(result)));
      } catch (e) {
        reject(e instanceof Invalid ? { kind: e.kind, field: e.field, message: e.message } : e);
      }
    }, opts.delay);
  });
}

g.__TAURI_INTERNALS__ = {
  invoke,
  transformCallback: addCallback,
  unregisterCallback: removeCallback,
  convertFileSrc: (p) => p,
  metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
};
g.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
  unregisterListener: unlisten,
};

export const fake = {
  state,
  calls,
  commands,
  emit,
  emitStatus,
  /** Moves the backend to a sync status and emits it, as the real sync loop would. */
  pushStatus(st) {
    state.unsynced = st.unsynced;
    if (st.last_sync !== undefined && st.last_sync !== null) state.last_sync = st.last_sync;
    state.syncing = st.state === 'syncing';
    if (st.state === 'offline') state.online = false;
    if (st.state === 'idle' || st.state === 'syncing') state.online = true;
    emit('sync-status', { ...st });
  },
  setOnline(on) {
    state.online = !!on;
    emitStatus();
  },
  listenerCount,
  checkIdNumber,
  makeValidId: (birth, male) => makeId(birth, male),
  // For the feature fakes (../isolation.js, ../checkpoint/, …), which add their commands to
  // `commands` and keep their own state next to this one.
  lib: { uuid, rand, pick, int, chance, Invalid, notFound, touched, search, checkPhone, iso, materialize, alive, residentsOf, publicPerson, pinyinOf, addPersonRecord, historyPush, ordered },
};
g.__fake = fake;
