// The fake backend's app lock, added to window.__fake.commands (see backend/)
// and loaded after the other fakes: while the store is locked every other command answers
// `locked`, as the Tauri shell does before the store is opened.
//
// Options (window.__FAKE_OPTS.lock): { pin: '246810', locked: true, idleMinutes: 5,
// recovery: 'ABCDE-…' }; without it the store is plain and open (and with
// window.__FAKE_OPTS.pinDue, was enrolled without a PIN). Wrong PINs back off as the
// key file does: 5 in a row wait 30 s, doubling. Tests reach the state through
// window.__fake.lock.
(function installFakeLock() {
  const g = globalThis;
  if (!g.__fake || g.__fake.lock) return;
  const { commands } = g.__fake;
  const o = (g.__FAKE_OPTS || {}).lock;
  const st = {
    encrypted: !!o,
    locked: !!(o && o.locked),
    pin: o ? o.pin : null,
    recovery: o ? o.recovery || null : null,
    idleMinutes: o && o.idleMinutes !== undefined ? o.idleMinutes : 5,
    // Enrolled earlier without a PIN (window.__FAKE_OPTS.pinDue): the app asks for one at start.
    pinDue: !o && !!(g.__FAKE_OPTS || {}).pinDue,
    failures: 0,
    waitUntil: 0,
  };
  const norm = (c) => String(c || '').replace(/[^0-9a-z]/gi, '').toUpperCase();
  const now = () => Math.floor(Date.now() / 1000);
  const fail = (kind, message, extra) => Object.assign({ kind, message, field: null, code: null }, extra || {});
  function attempt(ok) {
    if (st.waitUntil > now()) {
      const s = st.waitUntil - now();
      throw fail('wait', `PIN 错误次数过多，请 ${s} 秒后再试`, { code: String(s) });
    }
    if (ok) {
      st.failures = 0;
      st.waitUntil = 0;
      return;
    }
    st.failures += 1;
    const wait = st.failures < 5 ? 0 : Math.min(3600, 30 * 2 ** Math.min(16, st.failures - 5));
    st.waitUntil = wait ? now() + wait : 0;
    const msg = `PIN 不正确（已连续错误 ${st.failures} 次）${wait ? `，请 ${wait} 秒后再试` : ''}`;
    throw fail('wrong_pin', msg, { field: 'pin', code: wait ? String(wait) : null });
  }
  function checkNew(p) {
    const n = [...String(p || '')].length;
    if (n < 4 || n > 64) throw fail('invalid', 'PIN 应为 4–64 个字符', { field: 'new_pin' });
  }
  const newCode = () => {
    const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const c = Array.from({ length: 25 }, () => A[Math.floor(Math.random() * 32)]).join('');
    return c.match(/.{5}/g).join('-');
  };

  for (const name of Object.keys(commands)) {
    const inner = commands[name];
    commands[name] = (args) => {
      if (st.locked) throw fail('locked', '本机数据已加密，请输入 PIN 解锁');
      return inner(args);
    };
  }
  Object.assign(commands, {
    lock_status: () => ({
      encrypted: st.encrypted,
      locked: st.locked,
      failures: st.failures,
      wait_secs: Math.max(0, st.waitUntil - now()),
      has_recovery: !!st.recovery,
      idle_minutes: st.idleMinutes,
      pin_due: !st.encrypted && !!st.pinDue,
    }),
    require_pin: () => {
      if (!st.encrypted) st.pinDue = true;
      return null;
    },
    unlock: ({ pin }) => {
      attempt(pin === st.pin);
      st.locked = false;
      return null;
    },
    recover: ({ code, newPin }) => {
      checkNew(newPin);
      if (!st.recovery) throw fail('refused', '本机没有生成过恢复码');
      attempt(norm(code) === norm(st.recovery));
      st.pin = newPin;
      st.locked = false;
      return null;
    },
    set_pin: ({ current, newPin }) => {
      if (st.locked) throw fail('locked', '本机数据已加密，请输入 PIN 解锁');
      checkNew(newPin);
      if (st.encrypted) {
        attempt(current === st.pin);
        st.pin = newPin;
        return null;
      }
      st.encrypted = true;
      st.pin = newPin;
      st.recovery = newCode();
      return st.recovery;
    },
    new_recovery_code: ({ pin }) => {
      attempt(pin === st.pin);
      st.recovery = newCode();
      return st.recovery;
    },
    set_lock_idle: ({ minutes }) => {
      // The township's setting (the grid document): township staff only, 1–60 minutes.
      if (g.__fake.state && g.__fake.state.enrolled && g.__fake.state.role !== 'township') {
        throw fail('refused', '自动锁定时间由镇街统一设置，只有镇街工作人员可以修改');
      }
      if (!(minutes >= 1 && minutes <= 60)) throw fail('invalid', '自动锁定时间应为 1–60 分钟', { field: 'minutes' });
      st.idleMinutes = minutes;
      return minutes;
    },
  });
  g.__fake.lock = st;
})();
