// The fake backend's state: its options, deterministic random numbers, the device's state
// and the township's villages and groups. Options come from window.__FAKE_OPTS:
//   { households: 240, enrolled: true, language: 'zh-CN', delay: 3, seed: 7, online: true }
export const g = globalThis;
export const opts = Object.assign(
  { households: 240, enrolled: true, language: 'zh-CN', delay: 3, seed: 7, online: true, unsynced: 3 },
  g.__FAKE_OPTS || {},
);

// ---- deterministic random ------------------------------------------------------------------
let rngState = opts.seed >>> 0 || 1;
export function rand() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const pick = (arr) => arr[Math.floor(rand() * arr.length)];
export const chance = (p) => rand() < p;
export const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
let idCounter = 0;
/** The next number of the fake's ids. */
export const nextId = () => ++idCounter;
export const uuid = (prefix) => `${prefix}-${nextId().toString(36).padStart(6, '0')}-${Math.floor(rand() * 1e8).toString(36)}`;

/** Runs `fn` with the random numbers of `seed`, then goes on where it was. */
export function withRng(seed, fn) {
  const saved = rngState;
  rngState = seed >>> 0 || 1;
  try {
    return fn();
  } finally {
    rngState = saved;
  }
}

// ---- state ---------------------------------------------------------------------------------
export const DAY = 86400000;
export const now = () => new Date();
export const iso = (d) => new Date(d).toISOString();
export const state = {
  device_name: '红星村-网格员01',
  device_id: 'dev-7f3a',
  actor: '张海燕',
  township_id: opts.enrolled ? '0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90' : null,
  township_name: opts.enrolled ? '莫斯台街道' : null,
  enrolled: !!opts.enrolled,
  // The relay's role for this device (opts.role: 'township' for the township's laptop) and
  // its village (none for the township).
  role: opts.enrolled ? opts.role || 'grid-worker' : null,
  village_id: opts.enrolled && (opts.role || 'grid-worker') !== 'township' ? opts.village || 'v-hongxing' : null,
  relay_url: opts.enrolled ? 'https://relay.mositai.example:8443' : null,
  online: opts.online !== false,
  syncing: false,
  unsynced: opts.unsynced,
  last_sync: opts.enrolled ? iso(Date.now() - 25 * 60000) : null,
  // The real backend keeps the language in its settings: survive a reload like it does.
  language: (g.sessionStorage && g.sessionStorage.getItem('fake-language')) || opts.language,
  villages: [],
  groups: new Map(),
  households: new Map(),
  persons: new Map(),
  history: new Map(),
  conflicts: [],
  version: 0,
  // Documents whose edits the relay refused (opts.refused: RefusedEdit objects).
  refused: JSON.parse(JSON.stringify(opts.refused || [])),
  // Records the device set aside (opts.quarantine: QuarantineRow objects).
  quarantine: JSON.parse(JSON.stringify(opts.quarantine || [])),
};

// What each role may write in its village (the store's rights.rs, the relay's access.rs).
export const WRITES = {
  'grid-worker': ['ledger', 'care', 'gate', 'entries', 'reports'],
  volunteer: ['gate', 'entries'],
  doctor: ['care'],
  township: ['grid', 'ledger', 'care', 'gate', 'entries', 'reports'],
};

const VILLAGES = [
  { id: 'v-hongxing', name: '红星村', groups: 6 },
  { id: 'v-xinhua', name: '新华村', groups: 5 },
  { id: 'v-dongfeng', name: '东风社区', groups: 4 },
];
for (const v of VILLAGES) {
  const groups = [];
  for (let i = 1; i <= v.groups; i++) {
    const grp = { id: `${v.id}-g${i}`, name: `${i}组`, village_id: v.id, order: i };
    groups.push(grp);
    state.groups.set(grp.id, grp);
  }
  state.villages.push({ id: v.id, name: v.name, groups });
}

/** A write: the cached lists are stale, and one more change waits for the relay. */
export function touched() {
  state.version++;
  state.unsynced++;
}
