// The save of a form sheet (BottomSheet): one write at a time, the backend's refusal kept for
// the sheet's error line, and the sheet closed once the write is done.
import { ref } from 'vue';
import { useText } from '../composables';

export function useSheetSave(close: () => void) {
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
      error.value = err(e);
    } finally {
      saving.value = false;
    }
  }
  return { saving, error, run };
}
