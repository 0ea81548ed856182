import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSearcher } from '../../src/logic/search';

describe('search as you type', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(delayOf: (q: string) => number = () => 0) {
    const run = vi.fn((q: string) => new Promise<string>((r) => setTimeout(() => r(`result:${q}`), delayOf(q))));
    const results: [string, string][] = [];
    const busy: boolean[] = [];
    const s = createSearcher<string>({
      delay: 150,
      run,
      onResult: (q, r) => results.push([q, r]),
      onBusy: (b) => busy.push(b),
    });
    return { s, run, results, busy };
  }

  it('waits 150 ms after the last keystroke and sends one query', async () => {
    const { s, run, results } = setup();
    s.input('w');
    await vi.advanceTimersByTimeAsync(100);
    s.input('wx');
    await vi.advanceTimersByTimeAsync(100);
    s.input('wxy');
    await vi.advanceTimersByTimeAsync(149);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith('wxy');
    await vi.advanceTimersByTimeAsync(1);
    expect(results).toEqual([['wxy', 'result:wxy']]);
  });

  it('never lets a slow older answer overwrite a newer one', async () => {
    const { s, results } = setup((q) => (q === 'wx' ? 1000 : 10));
    s.input('wx');
    await vi.advanceTimersByTimeAsync(150); // 'wx' is on its way (slow)
    s.input('wxy');
    await vi.advanceTimersByTimeAsync(160); // 'wxy' answered
    await vi.advanceTimersByTimeAsync(1000); // 'wx' answers late
    expect(results).toEqual([['wxy', 'result:wxy']]);
  });

  it('trims, and sends nothing for an empty box (dropping answers in flight)', async () => {
    const { s, run, results, busy } = setup(() => 50);
    s.input('  1234 ');
    await vi.advanceTimersByTimeAsync(160);
    expect(run).toHaveBeenCalledWith('1234');
    s.input('   ');
    await vi.advanceTimersByTimeAsync(500);
    expect(results).toEqual([]);
    expect(busy[busy.length - 1]).toBe(false);
  });

  it('flush runs the pending query at once (Enter)', async () => {
    const { s, run } = setup();
    s.input('王');
    s.flush();
    expect(run).toHaveBeenCalledWith('王');
    await vi.advanceTimersByTimeAsync(500);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('reports errors of the newest query only', async () => {
    const errors: string[] = [];
    const s = createSearcher<string>({
      delay: 150,
      run: (q) => Promise.reject({ kind: 'io', message: q }),
      onResult: () => {},
      onError: (q) => errors.push(q),
    });
    s.input('a');
    await vi.advanceTimersByTimeAsync(200);
    expect(errors).toEqual(['a']);
  });
});
