// The fake backend's roster import (导入), added to window.__fake.commands. Nothing of the
// import is decided here: each command asks the real `gridbook import --detail` on a data
// directory of the page's own (window.__gridbookRoster, ../cli.mjs), where the fake's villages
// and groups are made by name first. The fake only keeps what the real store keeps elsewhere:
// only a township device may import (`not_township`, as the store refuses), the batches'
// progress is sent as `roster-progress` events (the progress lines of the run), and a cancel
// is recorded (the command line's run is too short to stop). A column chosen by position is
// passed as `--map #N=FIELD`. FAKE_OPTS.rosterHold (ms) keeps an import running that long
// after its last batch, for the progress bar to be seen.
(function installFakeRoster() {
  const g = globalThis;
  if (!g.__fake || g.__fake.roster) return;
  const fake = g.__fake;
  const { state, commands, emit } = fake;
  const { touched } = fake.lib;
  const opts = g.__FAKE_OPTS || {};
  const run = () => {
    const r = g.__gridbookRoster;
    if (typeof r !== 'function') throw { kind: 'internal', message: '没有可用的 gridbook 命令行' };
    return r;
  };
  /** The real directory's village id of the fake's village `id` (made with its groups). */
  const realVillage = async (id) => {
    if (!id) return null;
    const villages = state.villages.map((v) => ({ name: v.name, groups: v.groups.map((x) => x.name) }));
    const ids = await run()('villages', { villages });
    const name = state.villages.find((v) => v.id === id)?.name;
    if (!name) throw { kind: 'not_found', field: 'village', message: `找不到村（社区）：${id}` };
    return ids[name];
  };
  const township = () => {
    if (state.role ? state.role !== 'township' : !!state.village_id) {
      throw { kind: 'refused', code: 'not_township', message: '只有镇街设备可以导入户籍台账' };
    }
  };
  const importing = async ({ path, village, headerRow, map }, extra) => {
    township();
    // A choice that names its column by position goes to `--map` as `#N=FIELD` (N from 1),
    // the command line's way of naming a column whose header is blank or repeated.
    const byPosition = (map || []).map((m) => (typeof m.column === 'number' ? { header: `#${m.column + 1}`, field: m.field } : m));
    const r = await run()('import', { path, village: await realVillage(village), headerRow, map: byPosition, ...extra });
    if (!r.ok) throw r.error;
    return r;
  };
  const cancels = [];

  Object.assign(commands, {
    roster_check: async (args) => (await importing(args, { dryRun: true })).value,
    roster_report: async (args) => {
      const r = await importing(args, { dryRun: true, report: args.out });
      return r.value.summary?.rows ?? 0;
    },
    roster_import: async (args) => {
      const r = await importing(args, { dryRun: false });
      for (const p of r.progress) emit('roster-progress', p);
      touched();
      if (opts.rosterHold) await new Promise((ok) => setTimeout(ok, opts.rosterHold));
      return r.value;
    },
    roster_cancel: () => {
      cancels.push(Date.now());
      return null;
    },
  });
  fake.roster = { cancels };
})();
