// English strings of the villages and groups on the township's devices screen.
export default {
  title: 'Villages and groups',
  addVillage: 'Add village',
  renameVillage: 'Rename "{name}"',
  addGroup: 'Add a group to {village}',
  renameGroup: 'Rename {village} "{name}"',
  rename: 'Rename',
  group: 'Group',
  name: 'Name',
  villagePlaceholder: 'e.g. Hongxing village',
  groupPlaceholder: 'e.g. Group 3',
  hint: 'Renaming keeps the households and persons registered; ledgers, exports and reports show the new name, on every device once synced.',
  saved: 'Saved; it syncs to every device',
  empty: 'No villages yet',
};
