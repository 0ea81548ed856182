// The fake backend's device commands (the township's 设备 screen and enrollment with a one-time
// code), added to window.__fake.commands (see backend/). Like the relay: only a township
// device manages devices; a new device gets an 8-letter code from the relay's alphabet that
// works once and expires after 24 hours; a revoked device's code no longer works; a device
// cannot revoke itself. Codes issued here enroll the fake's own device (enroll_code) too.
// Tests reach the registry through window.__fake.devices.
(function installFakeDevices() {
  const g = globalThis;
  if (!g.__fake || g.__fake.devices) return;
  const fake = g.__fake;
  const { state, commands } = fake;
  const { uuid, Invalid } = fake.lib;
  const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  const ROLES = ['grid-worker', 'volunteer', 'doctor', 'township'];
  const now = () => Math.floor(Date.now() / 1000);

  const registry = {
    devices: [
      { device_id: state.device_id, name: state.device_name, role: 'township', scope: 'township', revoked: false, last_sync: now() - 25 * 60 },
      { device_id: uuid(), name: '红星村-王网格员手机', role: 'grid-worker', scope: 'village:v-hongxing', revoked: false, last_sync: now() - 3 * 3600 },
      { device_id: uuid(), name: '新华村卡口平板', role: 'volunteer', scope: 'village:' + (state.villages[1]?.id ?? 'v-xinhua'), revoked: false, last_sync: null },
    ],
    /** code → { device_id, expires, used } */
    codes: new Map(),
    /** The SHA-256 fingerprint of the CA that issued the fake relay's certificate. */
    townshipCa: '3f'.repeat(32),
  };

  const refusedForRole = () => {
    if (state.role !== 'township') throw { kind: 'refused', message: '只有镇街设备可以管理设备' };
    if (!state.enrolled) throw { kind: 'not_enrolled', message: '尚未登记到中继：请在“设置”中填写中继地址和登记令牌' };
  };
  const newCode = () => {
    let s = '';
    for (let i = 0; i < 8; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
    return `${s.slice(0, 4)}-${s.slice(4)}`;
  };

  Object.assign(commands, {
    devices_list: () => {
      refusedForRole();
      return registry.devices.map((d) => ({ ...d }));
    },
    device_add: ({ name, role, village }) => {
      refusedForRole();
      const n = String(name ?? '').trim();
      if (!n || n.length > 60) throw new Invalid('name', '输入无效：device name must be 1–60 characters');
      if (!ROLES.includes(role)) throw { kind: 'invalid', message: `输入无效：unknown role '${role}'` };
      if (role === 'township' && village) throw { kind: 'invalid', message: '输入无效：a township device has no village' };
      if (role !== 'township' && !state.villages.some((v) => v.id === village)) {
        throw { kind: 'invalid', message: '找不到该村（社区），请先同步' };
      }
      const d = { device_id: uuid(), name: n, role, scope: role === 'township' ? 'township' : `village:${village}`, revoked: false, last_sync: null };
      registry.devices.push(d);
      const code = newCode();
      const expires = new Date((now() + 24 * 3600) * 1000);
      registry.codes.set(code, { device_id: d.device_id, expires: expires.getTime(), used: false });
      const relay = state.relay_url ? `relay=${encodeURIComponent(state.relay_url).replace(/%3A/g, ':').replace(/%2F/g, '/')}&` : '';
      return { device_id: d.device_id, code, expires_at: expires.toISOString().replace(/\.\d{3}Z$/, 'Z'), qr_text: `gridbook:enroll?${relay}code=${code}` };
    },
    device_revoke: ({ deviceId }) => {
      refusedForRole();
      if (deviceId === state.device_id) throw { kind: 'invalid', message: '不能停用本机' };
      const d = registry.devices.find((x) => x.device_id === deviceId);
      if (!d) throw { kind: 'invalid', message: `输入无效：unknown device ${deviceId}` };
      d.revoked = true;
      return null;
    },
    enroll_code: ({ relayUrl, code, ca }) => {
      if (!/^https?:\/\/[^\s/]+/.test(String(relayUrl || ''))) throw new Invalid('relay_url', '中继地址格式不正确，应以 http:// 或 https:// 开头');
      // A pinned township CA (the QR code's `ca=`): the relay's certificate must come from it,
      // checked before the code is sent.
      if (ca != null && ca !== registry.townshipCa) {
        throw {
          kind: 'untrusted_relay',
          message: '中继的证书不是本乡镇的证书机构（CA）签发的，已拒绝连接，未发送任何数据：请核对中继地址和登记二维码，或联系镇防控办',
          message_en: "The relay's certificate was not issued by the township's CA: the connection was refused and nothing was sent. Check the relay address and the enrollment QR code, or ask the township office",
          field: null,
          code: null,
        };
      }
      const c = registry.codes.get(String(code || '').toUpperCase());
      const d = c && registry.devices.find((x) => x.device_id === c.device_id);
      if (!c || c.used || c.expires <= Date.now() || !d || d.revoked) {
        throw { kind: 'refused', message: '注册码无效、已用过或已过期：请向镇防控办索取新的注册码' };
      }
      c.used = true;
      const hello = commands.enroll({ relayUrl, token: `token-of-${d.device_id}` });
      state.role = d.role;
      state.village_id = d.role === 'township' ? null : d.scope.slice('village:'.length);
      return { ...hello, device_id: d.device_id, name: d.name, role: d.role, village_id: state.village_id };
    },
    // The township's villages and groups (the store's rule: 1–40 / 1–20 characters, no two
    // villages of the township or groups of a village with one name; ids never change).
    village_add: ({ name }) => {
      const n = villageName(name, null);
      const v = { id: uuid(), name: n, groups: [] };
      state.villages.push(v);
      return v.id;
    },
    village_rename: ({ id, name }) => {
      const v = state.villages.find((x) => x.id === id);
      if (!v) throw { kind: 'not_found', message: '找不到该村（社区）' };
      v.name = villageName(name, id);
      return { id, name: v.name };
    },
    group_add: ({ villageId, name }) => {
      const v = state.villages.find((x) => x.id === villageId);
      if (!v) throw { kind: 'not_found', message: '找不到该村（社区）' };
      const grp = { id: uuid(), name: groupName(v, name, null), village_id: v.id, order: v.groups.length + 1 };
      v.groups.push(grp);
      state.groups.set(grp.id, grp);
      return grp.id;
    },
    group_rename: ({ id, name }) => {
      const grp = state.groups.get(id);
      const v = grp && state.villages.find((x) => x.id === grp.village_id);
      if (!v) throw { kind: 'not_found', message: '找不到该组' };
      grp.name = groupName(v, name, id);
      return { id, name: grp.name };
    },
  });
  function villageName(raw, except) {
    const n = String(raw ?? '').trim();
    if (!n || [...n].length > 40) throw new Invalid('name', '村（社区）名称应为1–40个字');
    if (state.villages.some((v) => v.name === n && v.id !== except)) {
      throw new Invalid('name', `本镇已有名为“${n}”的村（社区），请换一个名称`);
    }
    return n;
  }
  function groupName(village, raw, except) {
    const n = String(raw ?? '').trim();
    if (!n || [...n].length > 20) throw new Invalid('name', '组名应为1–20个字');
    if (village.groups.some((g) => g.name === n && g.id !== except)) {
      throw new Invalid('name', `该村（社区）已有名为“${n}”的组，请换一个名称`);
    }
    return n;
  }
  fake.devices = registry;
})();
