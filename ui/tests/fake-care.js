// The fake backend's care commands: added to window.__fake.commands (see fake-backend.js).
(function installFakeCare() {
  const g = globalThis;
  if (!g.__fake) return;
})();
