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
