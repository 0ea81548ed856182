// The fake backend's commands by name, as the Tauri app registers them: each feature's module
// adds its own (ledger.js, sync.js, ../checkpoint/…), and invoke (index.js) calls them.
export const commands = {};
