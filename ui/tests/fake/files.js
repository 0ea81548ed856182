// The fake backend's save dialog (Tauri's dialog plugin, `plugin:dialog|save`), exports and
// printouts, added to window.__fake.commands (see backend/). The dialog answers
// `<FAKE_OPTS.saveDir or /home/gridbook/文档>/<default name>`, or null with FAKE_OPTS.saveCancel;
// an export counts the rows it would write from the fake's state (persons of the scope for the
// ledger, cases for cases); a certificate is refused for a case that is not released. Tests
// read what was "written" from window.__fake.files.
(function installFakeFiles() {
  const g = globalThis;
  if (!g.__fake || g.__fake.files) return;
  const fake = g.__fake;
  const { state, commands } = fake;
  const opts = g.__FAKE_OPTS || {};
  const written = [];
  // Full ID numbers and phones shown on this device (the store's reveal.rs): the log's entries.
  const reveals = [];
  const KINDS = ['ledger', 'cases', 'checks', 'entries', 'reports', 'coverage'];

  const nowText = () => {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  const checkOut = (out, ext) => {
    if (typeof out !== 'string' || !out) throw { kind: 'invalid', message: '请选择保存位置' };
    if (!out.toLowerCase().endsWith(`.${ext}`)) throw { kind: 'invalid', message: `文件扩展名应为 .${ext}` };
  };

  // The township record: its name and the reporting phone printed on notices (same rule as the
  // store: 3–15 digits with '-', '(', ')' or spaces; empty clears).
  const township = { id: state.township_id, name: state.township_name || '本镇', hotline: null };

  /** The village of household `h` when this device's role may see it in full (the store's
   * may_reveal: township staff, the village's grid worker, a device never enrolled); refused
   * otherwise. */
  const permitted = (h) => {
    const village = h?.village_id ?? null;
    const may = state.role === 'township' || (state.role === 'grid-worker' && state.village_id === village) || (!state.role && !state.village_id);
    if (!may) throw { kind: 'refused', message: '本设备的角色只能看到脱敏的身份证号和电话' };
    return village;
  };

  Object.assign(commands, {
    township_info: () => (state.township_id ? { ...township } : null),
    set_township_info: ({ name, hotline }) => {
      if (state.role !== 'township') throw { kind: 'forbidden', message: '只有镇街设备可以修改镇街信息' };
      if (typeof hotline === 'string') {
        const h = hotline.trim();
        const digits = (h.match(/\d/g) || []).length;
        if (h && (!/^[\d\-() ]+$/.test(h) || digits < 3 || digits > 15)) {
          throw { kind: 'invalid', field: 'hotline', message: `监督举报电话“${h}”应为3–15位数字（可带区号和“-”）` };
        }
        township.hotline = h || null;
      }
      if (typeof name === 'string' && name.trim()) township.name = name.trim();
      return { ...township };
    },
    'plugin:dialog|save': ({ options }) => {
      if (opts.saveCancel) return null;
      return `${opts.saveDir || '/home/gridbook/文档'}/${options?.defaultPath || 'export'}`;
    },
    export_file: ({ form }) => {
      if (!KINDS.includes(form.kind)) throw { kind: 'invalid', message: `导出类型“${form.kind}”无效` };
      if (form.format !== 'xlsx' && form.format !== 'csv') throw { kind: 'invalid', message: `文件格式“${form.format}”无效` };
      checkOut(form.out, form.format);
      if (form.fullIds && state.role !== 'township') throw { kind: 'refused', message: '只有镇级设备可以导出完整身份证号' };
      let rows = 0;
      if (form.kind === 'ledger') {
        rows = [...state.persons.values()].filter((p) => !p.deleted && (!form.village || state.households.get(p.household_id)?.village_id === form.village)).length;
      } else if (form.kind === 'cases') {
        rows = fake.isolation ? [...fake.isolation.cases.values()].filter((c) => !c.deleted).length : 0;
      }
      written.push({ what: 'export', ...form, rows, at: nowText() });
      return { rows, path: form.out, full_ids: !!form.fullIds };
    },
    // The log of exports and printouts: what this fake device wrote, newest first, after one
    // entry synced from the grid worker's phone of the devices registry (devices.js).
    // A person's full ID number or phone, or a household's phone: township staff, or the grid
    // worker of the record's village (the same rule as the store); logged as a reveal (which
    // record, which field), never with the value.
    reveal: ({ recordId, field }) => {
      if (field !== 'id_number' && field !== 'phone') throw { kind: 'refused', message: '只能查看完整的身份证号或电话' };
      const p = state.persons.get(recordId);
      const h = p ? null : state.households.get(recordId);
      if ((!p || p.deleted) && (!h || h.deleted)) throw { kind: 'not_found', message: '找不到该记录' };
      if (h && field !== 'phone') throw { kind: 'refused', message: '户只有电话可查看完整号码' };
      const village = permitted(h ?? state.households.get(p.household_id));
      const value = (h ? h.phone : field === 'phone' ? p.phone : p.id_number) || '';
      if (value) reveals.push({ recordId, name: h ? h.address : p.name, field, village, at: nowText() });
      return value;
    },
    // One value of a conflicting ID number or phone, by its place: the same rule, the same log.
    reveal_choice: ({ recordId, field, index }) => {
      if (field !== 'id_number' && field !== 'phone') throw { kind: 'refused', message: '只能查看完整的身份证号或电话' };
      const c = state.conflicts.find((x) => x.record_id === recordId && x.field === field);
      if (!c) throw { kind: 'not_found', message: '该冲突已处理或不存在' };
      const p = state.persons.get(recordId);
      const h = p ? state.households.get(p.household_id) : state.households.get(recordId);
      const village = permitted(h);
      if (!(index >= 0 && index < c.values.length)) throw { kind: 'invalid', message: `没有第 ${index + 1} 个冲突值` };
      const value = typeof c.values[index] === 'string' ? c.values[index] : '';
      if (value) reveals.push({ recordId, name: p ? p.name : h.address, field, village, at: nowText() });
      return value;
    },
    // The edit forms' loads (the store's person_to_edit, household_to_edit): the full values
    // for a role that may see the village, one reveal recorded per value handed out.
    person_to_edit: ({ id }) => {
      const p = state.persons.get(id);
      if (!p || p.deleted) throw { kind: 'not_found', message: '找不到该人员' };
      const h = state.households.get(p.household_id);
      const village = permitted(h);
      const row = commands.household_detail({ id: p.household_id }).residents.find((r) => r.id === id);
      if (!row) throw { kind: 'not_found', message: '找不到该人员' };
      for (const field of ['id_number', 'phone']) {
        if (p[field]) reveals.push({ recordId: id, name: p.name, field, village, at: nowText() });
      }
      return { ...row, id_number: p.id_number, phone: p.phone ?? null };
    },
    household_to_edit: ({ id }) => {
      const h = state.households.get(id);
      if (!h || h.deleted) throw { kind: 'not_found', message: '找不到该户' };
      const village = permitted(h);
      if (h.phone) reveals.push({ recordId: id, name: h.address, field: 'phone', village, at: nowText() });
      return { ...commands.household_detail({ id }), phone: h.phone ?? null };
    },
    exports_log: ({ limit }) => {
      const pad = (n) => String(n).padStart(2, '0');
      const at = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      const worker = fake.devices?.devices.find((d) => d.role === 'grid-worker');
      const mine = written.map((w, i) => ({
        id: `log-${i}`,
        at: w.at,
        device: state.device_name,
        device_id: state.device_id,
        kind: w.what === 'export' ? w.kind : w.what,
        format: w.what === 'export' ? w.format : 'pdf',
        village_id: w.village || null,
        date_from: w.from || null,
        date_to: w.to || null,
        subject: w.caseId || null,
        rows: w.what === 'export' ? w.rows : 1,
        full_ids: !!w.fullIds,
        path: String(w.out).split('/').pop(),
      }));
      const shown = reveals.map((r, i) => ({
        id: `reveal-${i}`,
        at: r.at,
        device: state.device_name,
        device_id: state.device_id,
        kind: 'reveal',
        format: '',
        village_id: r.village,
        date_from: null,
        date_to: null,
        subject: r.recordId,
        subject_name: r.name,
        field: r.field,
        rows: 1,
        full_ids: true,
        path: '',
      }));
      const synced = worker
        ? [{ id: 'log-worker', at: at(new Date(Date.now() - 2 * 3600_000)), device: '王网格员', device_id: worker.device_id, kind: 'ledger', format: 'xlsx', village_id: 'v-hongxing', date_from: null, date_to: null, subject: null, rows: 1320, full_ids: false, path: '一户一档台账.xlsx' }]
        : [];
      const newest = [...mine.reverse(), ...shown.reverse()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      return [...newest, ...synced].slice(0, limit);
    },
    print_notice: ({ caseId, out }) => {
      checkOut(out, 'pdf');
      if (!fake.isolation?.cases.get(caseId)) throw { kind: 'not_found', message: '找不到管控对象' };
      written.push({ what: 'notice', caseId, out, at: nowText() });
      return { path: out, bytes: 48213, number: null };
    },
    print_certificate: ({ caseId, out }) => {
      checkOut(out, 'pdf');
      const c = fake.isolation?.cases.get(caseId);
      if (!c) throw { kind: 'not_found', message: '找不到管控对象' };
      if (c.status !== 'released') throw { kind: 'refused', message: '管控对象尚未解除，不能开具期满证明' };
      const number = `MST-${(c.released_on || '').replace(/-/g, '')}-${caseId.slice(-4).toUpperCase()}`;
      written.push({ what: 'certificate', caseId, out, number, at: nowText() });
      return { path: out, bytes: 51377, number };
    },
  });
  fake.files = written;
})();
