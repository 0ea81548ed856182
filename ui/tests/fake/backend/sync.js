// The fake backend's device and sync: the app's status, settings, enrolment, the sync loop's
// status events, and the relay's refusals and the records set aside.
import { Invalid } from './checks.js';
import { commands } from './commands.js';
import { emit } from './events.js';
import { counts, ordered } from './records.js';
import { g, iso, opts, state, WRITES } from './state.js';

// ---- the sync loop's status ----------------------------------------------------------------
function syncState() {
  if (!state.enrolled) return 'not_enrolled';
  if (state.syncing) return 'syncing';
  if (!state.online) return 'offline';
  return 'idle';
}
export function emitStatus(extra) {
  emit('sync-status', { state: syncState(), unsynced: state.unsynced, last_sync: state.last_sync, ...(extra || {}) });
}

Object.assign(commands, {
  app_status: () => {
    const c = counts();
    return {
      device_name: state.device_name,
      township_id: state.township_id,
      township_name: state.township_name,
      enrolled: state.enrolled,
      role: state.role,
      village_id: state.village_id,
      relay_url: state.relay_url,
      writes: state.role ? WRITES[state.role] || [] : ['grid', 'ledger', 'care', 'gate', 'entries', 'reports'],
      refused: state.refused.length,
      households: ordered('').length,
      persons: c.persons,
      unsynced: state.unsynced,
      last_sync: state.last_sync,
      online: state.online,
      syncing: state.syncing,
      under_follow_up: c.followUp,
      today: opts.now ? opts.now.slice(0, 10) : new Date().toLocaleDateString('sv-SE'),
      now: opts.now ? `${opts.now.slice(0, 16)}:00`.slice(0, 19) : new Date().toLocaleString('sv-SE').replace(' ', 'T'),
    };
  },
  // opts.noVillages: a device whose township data has not arrived (or that is not enrolled).
  settings_get: () => ({ device_name: state.device_name, relay_url: state.relay_url, language: state.language }),
  set_device_name: ({ name }) => {
    const v = String(name || '').trim();
    if (!v) throw new Invalid('name', '设备名称不能为空');
    if (v.length > 40) throw new Invalid('name', '设备名称不能超过40个字');
    state.device_name = v;
    return null;
  },
  set_language: ({ lang }) => {
    if (lang !== 'zh-CN' && lang !== 'en') throw { kind: 'invalid', message: '不支持的语言' };
    state.language = lang;
    if (g.sessionStorage) g.sessionStorage.setItem('fake-language', lang);
    return null;
  },
  enroll: ({ relayUrl, token }) => {
    if (!/^https?:\/\/[^\s/]+/.test(String(relayUrl || ''))) throw new Invalid('relay_url', '中继地址格式不正确，应以 http:// 或 https:// 开头');
    if (String(token || '').length < 8) throw new Invalid('token', '注册令牌无效或已过期，请向镇街管理员重新获取');
    state.enrolled = true;
    state.relay_url = relayUrl;
    state.township_id = '0b6c2f1e-5d3a-5f0e-9a51-7c2d4e8f1a90';
    state.township_name = '莫斯台街道';
    state.role = 'grid-worker';
    state.village_id = 'v-hongxing';
    setTimeout(() => emitStatus(), 0);
    return { relay_id: 'relay-01', township_id: state.township_id, device_id: state.device_id, name: state.device_name, role: 'grid-worker', village_id: 'v-hongxing' };
  },
  refused_edits: () => JSON.parse(JSON.stringify(state.refused)),
  quarantine: () => JSON.parse(JSON.stringify(state.quarantine)),
  discard_refused: ({ docId }) => {
    const r = state.refused.find((x) => x.doc_id === docId);
    if (!r) throw { kind: 'refused', code: 'not_refused', message: '中继没有拒收这份数据，无需放弃' };
    state.refused = state.refused.filter((x) => x !== r);
    state.unsynced = Math.max(0, (state.unsynced || 0) - r.changes);
    setTimeout(() => emitStatus(), 0);
    return r.changes;
  },
  sync_now: () => {
    if (!state.enrolled) throw { kind: 'not_enrolled', message: '本机尚未加入镇街同步，请先在“设置”中填写中继地址和注册令牌' };
    if (!state.online) throw { kind: 'offline', message: '网络不通，无法连接中继，修改已保存在本机，联网后会自动同步' };
    if (state.syncing) throw { kind: 'busy', message: '正在同步，请稍候' };
    state.syncing = true;
    emitStatus();
    const sent = state.unsynced;
    return new Promise((resolve) => {
      setTimeout(() => {
        state.syncing = false;
        // Edits the relay refused stay unsynced until discarded.
        state.unsynced = state.refused.reduce((n, r) => n + r.changes, 0);
        state.last_sync = iso(Date.now());
        emitStatus();
        const refused = state.refused.map((r) => [r.doc_id, 'read-only: changes from this device are not accepted']);
        resolve({ rounds: 2, docs_sent: Math.min(sent, 3), docs_received: 1, bytes_sent: 1800 + sent * 310, bytes_received: 960, ms: 420, refused });
      }, opts.syncMs ?? 400);
    });
  },
});
