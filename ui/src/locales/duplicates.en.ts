// English strings of the duplicate persons screen; same keys as duplicates.zh-CN.ts.
import type zh from './duplicates.zh-CN';

const en: typeof zh = {
  nav: 'Duplicates',
  title: 'Possible duplicate persons',
  hint: 'These persons may be registered twice. Check, then merge one into the other: the merged person leaves every list and its tests, doses, cases and checkpoint entries count for the one kept. A merge can be undone.',
  empty: 'No possible duplicates',
  reasons: {
    same_id_number: 'Same ID number',
    same_name_birth: 'Same name and birth date',
    same_name_phone: 'Same name and phone',
  },
  keep: 'Keep this one',
  merged: 'Merged',
  differs: 'differs',
  fields: {
    name: 'Name',
    id_number: 'ID number',
    birth_date: 'Birth date',
    phone: 'Phone',
    household: 'Household',
    village: 'Village',
    plate: 'Plate',
    address: 'Address',
  },
  merge: 'Merge',
  mergeTitle: 'Confirm merge',
  mergeConfirm: 'Merge {gone} into {keep}? The merged person leaves every list and its records count for the one kept; what the one kept has stays as it is.',
  fill: 'Fill the empty {field} from the merged person',
  mergedDone: 'Merged',
  mergedList: 'Merged persons',
  mergedInto: 'Merged into {name}',
  unmerge: 'Undo merge',
  unmergeConfirm: 'Undo the merge of “{name}”? The person comes back into every list.',
  unmergedDone: 'Merge undone',
  crossVillage: 'Persons of two villages are merged by the township',
};

export default en;
