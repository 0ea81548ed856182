// The quick entry form's state that is not layout: the suggestion as the form fills (the
// backend judges every form, the identity typed or not, by the township's rules) and the pass
// check.
import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { api } from '../../api';
import { useText } from '../../composables';
import { entryPayload, previewKey, type Suggestion } from '../../logic/checkpoint';
import { passFromText } from '../../logic/pass';
import { createSearcher } from '../../logic/search';
import type { EntryForm, EntryPreview, SearchHit } from '../../types';

/** A local call answers in about a millisecond: the suggestion follows the taps. */
const PREVIEW_DELAY = 40;

/** The form's free-text fields. */
export type TextField = 'name' | 'id_number' | 'phone' | 'plate' | 'travel' | 'hukou' | 'residence' | 'purpose';
/** The fields of a person's identity (filled from a ledger match). */
export type IdentityField = 'name' | 'id_number' | 'phone' | 'plate';
export const IDENTITY_FIELDS: IdentityField[] = ['name', 'id_number', 'phone', 'plate'];

/**
 * The suggestion for `form` from the backend's preview, asked again whenever a field that
 * matters changes (from the first tap on, before the identity is typed); and the person's
 * control state (居家隔离第N天…).
 */
export function useSuggestion(form: EntryForm, matched: Ref<SearchHit | null>) {
  const { locale } = useText();
  const preview = ref<{ key: string; result: EntryPreview } | null>(null);
  const key = computed(() => previewKey(form));
  const previewer = createSearcher<EntryPreview>({
    delay: PREVIEW_DELAY,
    run: (k) => api.previewEntry(JSON.parse(k) as EntryForm),
    onResult: (k, result) => (preview.value = { key: previewKey(JSON.parse(k) as EntryForm), result }),
    // Invalid fields are reported on saving; the preview judges what is known.
    onError: () => {},
  });
  onBeforeUnmount(() => previewer.cancel());
  watch(key, () => previewer.input(JSON.stringify(entryPayload(form, null, null))), { immediate: true });

  const current = computed(() => (preview.value && preview.value.key === key.value ? preview.value.result : null));
  /** The person's control state (居家隔离第N天…): the current preview's, else the match's. */
  const isolation = computed(() => (current.value ? (current.value.isolation ?? null) : (matched.value?.isolation ?? null)));
  const isolationText = computed(() =>
    isolation.value ? (locale.value === 'zh-CN' ? isolation.value.label : isolation.value.label_en) : '',
  );
  const suggestion = computed<Suggestion | null>(() => {
    const r = current.value;
    if (!r || !r.decision) return null;
    return {
      decision: r.decision,
      reasons: r.reasons.map((x) => ({ code: x.code, text: locale.value === 'zh-CN' ? x.zh : x.en })),
      needsNote: r.needs_note,
      fever: r.fever,
    };
  });
  return { preview, isolation, isolationText, suggestion };
}

/** The pass field: what a scanner types is kept as the number, and asked about as soon as typed. */
export function usePassCheck(form: EntryForm, errors: Record<string, string>) {
  const { err } = useText();
  /** The number last checked and accepted (for this direction and person), shown as such. */
  const passOk = ref('');
  /** A handheld scanner types the QR payload: the field keeps only the number. */
  function setPass(v: string) {
    form.pass = passFromText(v);
    errors.pass = '';
    passOk.value = '';
  }
  const asking = () => `${(form.pass ?? '').trim()}|${form.direction}|${form.id_number.trim()}|${form.person_id ?? ''}`;
  /** Asks about the pass as soon as it is typed, so a refused one shows before saving. */
  async function checkPass() {
    const number = (form.pass ?? '').trim();
    if (!number || !form.id_number.trim()) return;
    const asked = asking();
    try {
      // A resident picked is checked by person: the store has the full ID number.
      await api.checkPass(number, form.direction, form.id_number.trim(), form.checkpoint, form.person_id ?? null);
      if (asked !== asking()) return;
      errors.pass = '';
      passOk.value = asked;
    } catch (e) {
      if (asked !== asking()) return;
      errors.pass = err(e);
      passOk.value = '';
    }
  }
  // A check answers for one direction and one person.
  watch(
    () => [form.direction, form.id_number, form.person_id],
    () => (passOk.value = ''),
  );
  return { passOk, setPass, checkPass };
}
