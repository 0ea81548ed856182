// The fake backend's checkpoint commands: added to window.__fake.commands (see fake-backend.js).
(function installFakeCheckpoint() {
  const g = globalThis;
  if (!g.__fake) return;
})();
