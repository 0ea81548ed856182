//! A small deterministic PRNG: xoshiro256** seeded through SplitMix64.
//!
//! Written here rather than taken from `rand` so that a seed gives the same township on every
//! platform and every dependency upgrade: demo data is shown to people and compared in tests.

use uuid::{Builder, Uuid};

/// A well-mixed 64-bit hash of `x` (the SplitMix64 finalizer).
pub(crate) fn mix(x: u64) -> u64 {
    let mut state = x;
    splitmix64(&mut state)
}

/// One SplitMix64 step; also the mixer used to derive independent streams.
fn splitmix64(state: &mut u64) -> u64 {
    let mut g = SplitMix64(*state);
    let z = g.next_u64();
    *state = g.0;
    z
}

/// SplitMix64: the smallest deterministic generator, for tests and benchmarks that pick
/// samples, delays and actions from a seed (and the seeding step of [`Rng`]).
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

/// xoshiro256** generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded from one 64-bit value.
    pub(crate) fn new(seed: u64) -> Self {
        let mut sm = seed;
        Self {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    /// An independent stream for `(seed, tag, index)`, e.g. one per village, so that a village
    /// can be generated without generating the ones before it.
    pub(crate) fn stream(seed: u64, tag: u64, index: u64) -> Self {
        let mut h = seed;
        let a = splitmix64(&mut h);
        let mut h = a ^ tag;
        let b = splitmix64(&mut h);
        let mut h = b ^ index;
        Self::new(splitmix64(&mut h))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (0 when `n` is 0); Lemire's multiply-shift, bias below 2^-40 here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a collection of `len` items.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item of a non-empty slice.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A random (version 4) UUID drawn from this stream.
    pub(crate) fn uuid(&mut self) -> Uuid {
        let bits = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
    }
}

/// A table for picking an index with integer weights in `O(log n)`.
#[derive(Debug, Clone)]
pub(crate) struct Weighted {
    cumulative: Vec<u64>,
}

impl Weighted {
    /// Builds the table; weights of zero are never picked.
    pub(crate) fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let mut total = 0u64;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += u64::from(w);
                total
            })
            .collect();
        Self { cumulative }
    }

    /// A weighted index (0 for an empty table).
    pub(crate) fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let x = rng.below(total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_rng_streams_are_deterministic_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(7, 1, 2);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(7, 1, 2);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(7, 1, 3);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn demo_rng_ranges_and_weights() {
        let mut r = Rng::new(1);
        for _ in 0..1000 {
            let x = r.range(3, 12);
            assert!((3..=12).contains(&x));
        }
        let w = Weighted::new([0, 5, 0, 5]);
        let mut seen = [0u32; 4];
        for _ in 0..1000 {
            seen[w.pick(&mut r)] += 1;
        }
        assert_eq!(seen[0] + seen[2], 0);
        assert!(seen[1] > 400 && seen[3] > 400);
        assert_eq!(r.uuid().get_version_num(), 4);
    }
}
