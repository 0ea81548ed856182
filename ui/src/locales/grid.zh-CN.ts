// 简体中文 strings of the villages and groups on the township's 设备 screen; grid.en.ts must
// have the same keys (a unit test checks).
export default {
  title: '村（社区）和组',
  addVillage: '添加村（社区）',
  renameVillage: '“{name}”改名',
  addGroup: '为{village}添加组',
  renameGroup: '{village}“{name}”改名',
  rename: '改名',
  group: '组',
  name: '名称',
  villagePlaceholder: '如：红星村、东城社区',
  groupPlaceholder: '如：3组、三组',
  hint: '改名不影响已登记的户和人员；台账、导出和日报都会显示新名称，并同步到各设备。',
  saved: '已保存，将同步到各设备',
  empty: '还没有村（社区）',
};
