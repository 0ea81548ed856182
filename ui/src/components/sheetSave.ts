// The save of a form sheet (BottomSheet): one write at a time, the backend's refusal kept for
// the sheet's error line, and the sheet closed once the write is done.
import { ref } from 'vue';
import { useText } from '../composables';

/**
 * `refused`, when given, decides where a refusal shows instead: it gets what was thrown and
 * returns the text for the error line, or '' when it showed the refusal elsewhere (a toast,
 * a field).
 */
export function useSheetSave(close: () => void, refused?: (e: unknown) => string) {
  const { err } = useText();
  const saving = ref(false);
  const error = ref('');
  /** Runs `write`; closes the sheet when it succeeds, else shows why on the error line. */
  async function run(write: () => Promise<void>) {
    if (saving.value) return;
    saving.value = true;
    error.value = '';
    try {
      await write();
      close();
    } catch (e) {
      error.value = refused ? refused(e) : err(e);
    } finally {
      saving.value = false;
    }
  }
  return { saving, error, run };
}
