// A list behind one of the township overview's figures: narrowed to ?village=ID and within it
// to &group=ID, with the list's own filters in the address too; loaded again when the unit,
// a filter or the data change, an answer that came after a newer request dropped.
import { ref, watch, type WatchSource } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import { useText } from './composables';
import { store } from './store';

/** A text parameter of the address, '' when absent or given twice. */
export function queryText(query: LocationQuery, key: string): string {
  const v = query[key];
  return typeof v === 'string' ? v : '';
}

/** The text parameters of the current address, read once: `asked('tag')`. */
export function useQueryText(): (key: string) => string {
  const query = useRoute().query;
  return (key) => queryText(query, key);
}

/** A list narrowed to a unit, as `useUnitList` gives it (what `UnitListPage` shows). */
export type UnitList<T> = ReturnType<typeof useUnitList<T>>;

export function useUnitList<T>(
  fetch: (villageId: string | undefined, groupId: string | undefined) => Promise<T[]>,
  /** The list's own filters, as they go in the address. */
  own: () => Record<string, string>,
  /** What else reloads the list when it changes. */
  filters: WatchSource[] = [],
) {
  const { err } = useText();
  const route = useRoute();
  const router = useRouter();
  const villageId = ref(queryText(route.query, 'village'));
  const groupId = ref(villageId.value ? queryText(route.query, 'group') : '');
  const rows = ref<T[] | null>(null);
  const error = ref('');
  let seq = 0;

  async function load() {
    const mine = ++seq;
    rows.value = null;
    try {
      const r = await fetch(villageId.value || undefined, groupId.value || undefined);
      if (mine !== seq) return;
      rows.value = r;
      error.value = '';
    } catch (e) {
      if (mine === seq) error.value = err(e);
    }
  }
  watch([villageId, groupId, ...filters], () => {
    const unit = villageId.value ? { village: villageId.value, ...(groupId.value ? { group: groupId.value } : {}) } : {};
    void router.replace({ query: { ...own(), ...unit } });
    void load();
  });
  watch(() => store.dataVersion, () => void load());
  void load();

  /** Every village again (the unit chip's cross). */
  function widen() {
    villageId.value = '';
    groupId.value = '';
  }
  return { villageId, groupId, rows, error, widen };
}
