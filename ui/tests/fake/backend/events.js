// The fake backend's events, as @tauri-apps/api's `listen` and `transformCallback` use them:
// callbacks by id, listeners by event, and emit.
const callbacks = new Map();
let nextCallback = 1;
const listeners = new Map(); // event -> Map(eventId -> handlerId)
let nextEventId = 1;

/** Registers a callback (transformCallback): its id. */
export function addCallback(cb, once) {
  const id = nextCallback++;
  callbacks.set(id, (payload) => {
    if (once) callbacks.delete(id);
    return cb && cb(payload);
  });
  return id;
}
export function removeCallback(id) {
  callbacks.delete(id);
}
/** plugin:event|listen: the event id. */
export function listen(event, handlerId) {
  const id = nextEventId++;
  if (!listeners.has(event)) listeners.set(event, new Map());
  listeners.get(event).set(id, handlerId);
  return id;
}
export function unlisten(event, eventId) {
  const ls = listeners.get(event);
  if (ls) ls.delete(eventId);
}
export const listenerCount = (event) => (listeners.get(event) ? listeners.get(event).size : 0);

/** Sends `payload` to every listener of `event`: how many there were. */
export function emit(event, payload) {
  const ls = listeners.get(event);
  if (!ls) return 0;
  for (const [eventId, handlerId] of ls) {
    const cb = callbacks.get(handlerId);
    if (cb) cb({ event, id: eventId, payload });
  }
  return ls.size;
}
