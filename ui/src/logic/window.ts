// Windowing for the household list: only the rows in (and just around) the viewport exist in
// the DOM, and only the pages that cover them are fetched.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  itemHeight: number;
  total: number;
  overscan: number;
}

export interface Window {
  /** First index rendered. */
  start: number;
  /** One past the last index rendered. */
  end: number;
  /** Pixel offset of row `start` from the top of the list. */
  offset: number;
  /** Height of the whole (virtual) list. */
  height: number;
}

export function computeWindow({ scrollTop, viewportHeight, itemHeight, total, overscan }: WindowInput): Window {
  const height = Math.max(0, total * itemHeight);
  if (total <= 0 || itemHeight <= 0) return { start: 0, end: 0, offset: 0, height };
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, height - viewportHeight));
  const first = Math.floor(top / itemHeight);
  const visible = Math.ceil(Math.max(viewportHeight, itemHeight) / itemHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + visible + overscan);
  return { start, end, offset: start * itemHeight, height };
}

/** Page numbers (of `pageSize` rows) that cover rows [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/** Pages to forget when the cache grows past `max`: the ones farthest from the window. */
export function pagesToEvict(cached: number[], keep: number[], max: number): number[] {
  if (cached.length <= max) return [];
  const centre = keep.length ? (keep[0] + keep[keep.length - 1]) / 2 : 0;
  const keepSet = new Set(keep);
  return cached
    .filter((p) => !keepSet.has(p))
    .sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre))
    .slice(0, cached.length - max);
}
