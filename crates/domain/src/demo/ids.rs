//! Mainland ID numbers that are valid (region, birth date, gender parity, check character)
//! and unique within the township although each village is generated on its own.
//!
//! Two people collide only when region, birth date and gender agree. For each such bucket the
//! 500 sequence numbers of the gender are split between the villages of the plan through a
//! bijection that depends on the bucket (so the digits look random, yet villages never share
//! one); a village that runs out of numbers for a bucket moves the birth date a day earlier —
//! the caller stores the returned date, so the ID and the record still agree.

use std::collections::HashMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use super::rng::mix;
use crate::validate::check_char;

/// Sequence numbers per gender (three digits, parity = gender).
const PER_GENDER: u32 = 500;
/// Multiplier of the bijection that scatters the numbers (coprime with 500).
const SCATTER: u32 = 263;

/// Hands out ID numbers for one village.
#[derive(Debug)]
pub(super) struct IdAllocator {
    first: u32,
    slots: u32,
    seed: u64,
    used: HashMap<u64, u32>,
}

impl IdAllocator {
    /// The allocator of village `village` out of `villages` (at most 500).
    pub(super) fn new(seed: u64, village: usize, villages: usize) -> Self {
        let villages = villages.clamp(1, PER_GENDER as usize) as u32;
        let slots = PER_GENDER / villages;
        Self {
            first: (village as u32 % villages) * slots,
            slots,
            seed,
            used: HashMap::new(),
        }
    }

    /// An ID number for a person of `region` born on `birth` (or, rarely, a few days earlier:
    /// the returned date is the one encoded).
    pub(super) fn issue(
        &mut self,
        region: u32,
        birth: NaiveDate,
        male: bool,
    ) -> (String, NaiveDate) {
        let mut date = birth;
        loop {
            let key = (u64::from(region) << 32)
                | (u64::from(date.num_days_from_ce() as u32) << 1)
                | u64::from(male);
            let count = self.used.entry(key).or_insert(0);
            if *count < self.slots {
                let local = self.first + *count;
                *count += 1;
                let offset = (mix(key ^ self.seed) % u64::from(PER_GENDER)) as u32;
                let k = (local * SCATTER + offset) % PER_GENDER;
                let seq = k * 2 + u32::from(male);
                return (number(region, date, seq), date);
            }
            match date.pred_opt() {
                Some(d) => date = d,
                None => return (number(region, date, u32::from(male)), date),
            }
        }
    }
}

/// The 18 characters: region, yyyymmdd, sequence, check character.
fn number(region: u32, date: NaiveDate, seq: u32) -> String {
    let mut s = String::with_capacity(18);
    // Writing into a String cannot fail.
    let _ = write!(
        s,
        "{region:06}{:04}{:02}{:02}{seq:03}",
        date.year(),
        date.month(),
        date.day()
    );
    s.push(check_char(&s).unwrap_or('X'));
    s
}
