// The app lock's state: locked at start when the store is encrypted (the backend answers
// `locked`), and again after the idle minutes of the lock settings without a touch or a key.
// The idle lock covers the screen; the store stays open underneath (background sync goes on)
// and the PIN is checked by the backend again before the screen opens.
import { reactive } from 'vue';
import { lockApi } from './api';

export const lock = reactive({
  /** The lock screen is shown. */
  locked: false,
  /** Locked by idleness (the app had started) rather than at start. */
  idle: false,
  encrypted: false,
  idleMinutes: 5,
  /** Enrolled without a PIN: the PIN form covers the app until one is set. */
  pinDue: false,
});

let lastActivity = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function touched() {
  lastActivity = Date.now();
}

/** Reads the lock settings after an unlock or a PIN change and starts watching for idleness. */
export async function refreshLock(): Promise<void> {
  const info = await lockApi.status();
  lock.encrypted = info.encrypted;
  lock.idleMinutes = info.idle_minutes;
  lock.pinDue = info.pin_due;
  watchIdle();
}

/** After an enrollment: a store without a PIN must get one before the app is used. */
export async function pinAfterEnrollment(): Promise<void> {
  await lockApi.requirePin();
  await refreshLock();
}

/** Locks the screen when the store is encrypted and nothing happened for the idle minutes. */
export function checkIdle(now: number = Date.now()): void {
  if (!lock.encrypted || lock.locked || lock.idleMinutes <= 0) return;
  if (now - lastActivity >= lock.idleMinutes * 60_000) {
    lock.locked = true;
    lock.idle = true;
  }
}

function watchIdle() {
  if (timer) return;
  for (const ev of ['pointerdown', 'keydown', 'touchstart', 'wheel']) {
    window.addEventListener(ev, touched, { passive: true, capture: true });
  }
  timer = setInterval(() => checkIdle(), 5_000);
}

/** After a successful unlock. */
export function unlocked(): void {
  lock.locked = false;
  lock.idle = false;
  touched();
}
