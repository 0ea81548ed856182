// What a list shows of a person's ID number or phone: the same two rules as the Rust side
// (crates/domain/src/privacy.rs, used by exports, printouts and the CLI). The length is kept,
// so a clerk can still tell what kind of document or number it was.

/** Keeps the first `head` and last `tail` characters of `chars`, the rest as `*`. */
function keepEnds(chars: string[], head: number, tail: number): string {
  const n = chars.length;
  return chars.map((c, i) => (i < head || i >= n - tail ? c : '*')).join('');
}

/**
 * "110101199003073931" → "110101********3931": a number of 10 characters or more keeps its
 * first 6 (the place of registration) and last 4; a shorter one (a passport, a permit) its
 * first and last character; one of 2 characters or fewer is all stars.
 */
export function maskId(id: string | null | undefined): string {
  const chars = [...(id ?? '').trim()];
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  return n < 10 ? keepEnds(chars, 1, 1) : keepEnds(chars, 6, 4);
}

/**
 * "13812345678" → "138****5678": spaces and dashes dropped, a number of 8 characters or more
 * keeps its first 3 and last 4; 3 to 7 characters their first and last; shorter is all stars.
 */
export function maskPhone(phone: string | null | undefined): string {
  const chars = [...(phone ?? '')].filter((c) => !/\s/.test(c) && c !== '-');
  const n = chars.length;
  if (n <= 2) return '*'.repeat(n);
  return n < 8 ? keepEnds(chars, 1, 1) : keepEnds(chars, 3, 4);
}

/**
 * Whether this device's role may show a person of `village` in full (behind a tap), as the
 * store decides it (crates/store/src/township/reveal.rs, which refuses any other): township
 * staff, the village's grid worker, and a device never enrolled (the township's own).
 */
export function mayReveal(
  status: { role?: string | null; village_id?: string | null } | null | undefined,
  village: string | null | undefined,
): boolean {
  const role = status?.role || null;
  const home = status?.village_id || null;
  if (role === 'township') return true;
  if (role === 'grid-worker') return !!village && home === village;
  if (role) return false;
  return !home || home === village;
}
