import { describe, expect, it } from 'vitest';
import { computeWindow, pagesFor, pagesToEvict } from '../../src/logic/window';

describe('virtual list window', () => {
  const base = { itemHeight: 76, viewportHeight: 600, overscan: 6 };

  it('renders a screenful plus overscan at the top', () => {
    const w = computeWindow({ ...base, scrollTop: 0, total: 100_000 });
    expect(w.start).toBe(0);
    expect(w.end).toBe(Math.ceil(600 / 76) + 1 + 6);
    expect(w.offset).toBe(0);
    expect(w.height).toBe(7_600_000);
  });

  it('keeps the DOM small anywhere in 100k rows', () => {
    const w = computeWindow({ ...base, scrollTop: 50_000 * 76 + 30, total: 100_000 });
    expect(w.start).toBe(50_000 - 6);
    expect(w.offset).toBe((50_000 - 6) * 76);
    expect(w.end - w.start).toBeLessThan(30);
  });

  it('clamps at the bottom and past the end', () => {
    const w = computeWindow({ ...base, scrollTop: 10_000_000, total: 100 });
    expect(w.end).toBe(100);
    expect(w.start).toBeGreaterThan(80);
    expect(w.start).toBeLessThan(100);
  });

  it('handles short and empty lists', () => {
    expect(computeWindow({ ...base, scrollTop: 0, total: 3 })).toEqual({ start: 0, end: 3, offset: 0, height: 228 });
    expect(computeWindow({ ...base, scrollTop: 0, total: 0 })).toEqual({ start: 0, end: 0, offset: 0, height: 0 });
    expect(computeWindow({ ...base, scrollTop: -50, total: 10 }).start).toBe(0);
  });

  it('finds the pages that cover a window', () => {
    expect(pagesFor(0, 17, 100)).toEqual([0]);
    expect(pagesFor(95, 112, 100)).toEqual([0, 1]);
    expect(pagesFor(100, 200, 100)).toEqual([1]);
    expect(pagesFor(5, 5, 100)).toEqual([]);
  });

  it('evicts the pages farthest from the window', () => {
    expect(pagesToEvict([0, 1, 2], [1], 5)).toEqual([]);
    expect(pagesToEvict([0, 1, 2, 3, 50, 51], [50, 51], 4).sort((a, b) => a - b)).toEqual([0, 1]);
  });
});
