//! A budget for the bytes of request bodies the relay holds at once, across all requests:
//! the body as received and, decompressed, the sync request and its decoded messages.
//!
//! Each sync request reserves what it may hold before it holds it (the declared length of its
//! body, then twice its decompressed size: the plain bytes and the messages decoded from them),
//! and is answered `503` with `Retry-After` when the budget cannot cover it, instead of
//! waiting with memory taken. Requests of at most [`SMALL`] bytes draw on a share of the budget
//! that larger ones cannot take ([`SMALL_SHARE`]): a few hostile devices sending the largest
//! bodies at once cannot keep the honest, light devices out.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes of bodies in flight across all requests (see the module notes): with the 64 MiB
/// limit of one request, three of the largest at once.
pub const BUDGET: usize = 256 << 20;
/// A request of at most this many bytes is small.
pub const SMALL: usize = 1 << 20;
/// The part of the budget that only small requests may use.
pub const SMALL_SHARE: usize = 32 << 20;
/// What a refused request is told to wait before retrying, in seconds.
pub const RETRY_AFTER_SECS: u64 = 1;

/// Permits count kibibytes, so that a budget of gigabytes fits a semaphore's `u32`.
fn kib(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX)
}

/// The relay's budget of bytes in flight.
pub struct Budget {
    all: Arc<Semaphore>,
    large: Arc<Semaphore>,
    total: usize,
}

/// Bytes reserved by one request, given back when dropped.
#[derive(Debug)]
pub struct Held {
    _all: OwnedSemaphorePermit,
    _large: Option<OwnedSemaphorePermit>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(BUDGET)
    }
}

impl Budget {
    /// A budget of `total` bytes (at least twice [`SMALL_SHARE`]).
    pub fn new(total: usize) -> Budget {
        let total = total.max(2 * SMALL_SHARE);
        Budget {
            all: Arc::new(Semaphore::new(kib(total) as usize)),
            large: Arc::new(Semaphore::new(kib(total - SMALL_SHARE) as usize)),
            total,
        }
    }

    /// The budget in bytes.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Reserves `bytes`, or `None` at once if the budget cannot cover them now.
    pub fn try_take(&self, bytes: usize) -> Option<Held> {
        let n = kib(bytes.max(1));
        let large = if bytes > SMALL {
            Some(self.large.clone().try_acquire_many_owned(n).ok()?)
        } else {
            None
        };
        let all = self.all.clone().try_acquire_many_owned(n).ok()?;
        Some(Held {
            _all: all,
            _large: large,
        })
    }

    /// Bytes reserved now.
    pub fn in_use(&self) -> usize {
        (kib(self.total) as usize - self.all.available_permits()) * 1024
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_requests_leave_the_small_share_to_small_ones() {
        let b = Budget::new(128 << 20);
        let big: Vec<Held> = (0..3).filter_map(|_| b.try_take(32 << 20)).collect();
        assert_eq!(big.len(), 3, "96 MiB of large requests fit in 128 - 32");
        assert!(
            b.try_take(2 << 20).is_none(),
            "no large request past 96 MiB"
        );
        let small: Vec<Held> = (0..32).filter_map(|_| b.try_take(SMALL)).collect();
        assert_eq!(small.len(), 32, "the small share is whole");
        assert!(b.try_take(4096).is_none(), "the budget is spent");
        drop(small);
        drop(big);
        assert_eq!(b.in_use(), 0, "everything given back");
        assert!(b.try_take(96 << 20).is_some());
    }
}
