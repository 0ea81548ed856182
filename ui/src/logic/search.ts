// Search-as-you-type: waits `delay` ms after the last keystroke, runs one query at a time,
// and never lets an older answer overwrite a newer one.

export interface SearchOptions<T> {
  delay: number;
  run: (query: string) => Promise<T>;
  onResult: (query: string, result: T) => void;
  onError?: (query: string, error: unknown) => void;
  /** Called with true when a query is about to run and false when the newest one settled. */
  onBusy?: (busy: boolean) => void;
  /** Queries shorter than this (after trimming) are not sent; onResult gets nothing. */
  minLength?: number;
}

export interface Searcher {
  input: (query: string) => void;
  /** Runs the pending query now (Enter key). */
  flush: () => void;
  cancel: () => void;
}

export function createSearcher<T>(opts: SearchOptions<T>): Searcher {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: string | null = null;
  let seq = 0;
  const min = opts.minLength ?? 1;

  const fire = () => {
    timer = null;
    if (pending === null) return;
    const q = pending;
    pending = null;
    const mine = ++seq;
    opts.onBusy?.(true);
    opts.run(q).then(
      (r) => {
        if (mine !== seq) return;
        opts.onBusy?.(false);
        opts.onResult(q, r);
      },
      (e) => {
        if (mine !== seq) return;
        opts.onBusy?.(false);
        opts.onError?.(q, e);
      },
    );
  };

  return {
    input(query: string) {
      const q = query.trim();
      if (timer) clearTimeout(timer);
      timer = null;
      if (q.length < min) {
        pending = null;
        seq++; // drop any answer still on its way
        opts.onBusy?.(false);
        return;
      }
      pending = q;
      timer = setTimeout(fire, opts.delay);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
      seq++;
    },
  };
}
