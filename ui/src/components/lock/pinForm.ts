// The PIN form of the settings and of the PIN after enrollment: a new PIN typed twice, set
// through the backend (which encrypts a plain store and makes a recovery code, shown once).
import { ref } from 'vue';
import { showDialog } from 'vant';
import { lockApi, toApiError } from '../../api';
import { refreshLock } from '../../lock';

type Translate = (key: string) => string;

/** Shows a recovery code once, with what it is for. */
export function showRecoveryCode(t: Translate, code: string): void {
  void showDialog({
    title: t('lock.codeTitle'),
    message: `${code}\n\n${t('lock.codeBody')}`,
    confirmButtonText: t('lock.codeDone'),
    className: 'recovery-code-dialog',
  });
}

/** The form's fields and its saving. */
export function usePinForm(t: Translate) {
  const newPin = ref('');
  const again = ref('');
  const error = ref('');
  const busy = ref(false);

  /** Sets the new PIN (`current` unlocks an encrypted store first) and shows the recovery
   * code when one was made; false, with the error shown, when it was not set. */
  async function save(current?: string): Promise<boolean> {
    error.value = '';
    if (newPin.value !== again.value) {
      error.value = t('lock.mismatch');
      return false;
    }
    busy.value = true;
    try {
      const code = await lockApi.setPin(newPin.value, current);
      newPin.value = again.value = '';
      await refreshLock();
      if (code) showRecoveryCode(t, code);
      return true;
    } catch (e) {
      error.value = toApiError(e).message;
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { newPin, again, error, busy, save };
}
