//! Deterministic demo data: a realistic township generated from a seed.
//!
//! Pure: no I/O, no clock (`today` is a parameter), no `rand` (a small PRNG of our own, so a
//! seed means the same township everywhere). [`plan`] draws the grid; [`village_households`]
//! draws one village at a time, each from its own stream, so a caller can write 100k
//! households village by village without holding them all.

mod events;
mod family;
mod ids;
mod names;
mod places;
mod rng;
mod traits;
mod village;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

use crate::model::{Group, Household, Person, TestEvent, Township, Vaccination, Village};
use names::{NUMERALS, TOWNSHIPS, VILLAGE_PREFIXES};
use rng::Rng;
pub use rng::SplitMix64;

/// Most villages a plan holds: the ID sequence numbers are split between villages, and real
/// townships have far fewer.
pub const MAX_VILLAGES: usize = 500;

/// Stream tag of the plan.
const TAG_PLAN: u64 = 0x706c_616e;
/// Stream tag of a village's households.
const TAG_VILLAGE: u64 = 0x7669_6c6c;

/// The grid of a demo township and how many households each village gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPlan {
    /// The township (镇).
    pub township: Township,
    /// Its villages and communities.
    pub villages: Vec<DemoVillage>,
    /// Six-digit code of the township's county: most residents' ID numbers start with it.
    pub county_code: u32,
}

/// One village of a [`DemoPlan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoVillage {
    /// The village or community.
    pub village: Village,
    /// Its groups 一组 … (3–12 of them).
    pub groups: Vec<Group>,
    /// How many households to generate in it.
    pub households: usize,
}

/// One generated household with its people and their events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHousehold {
    /// The household record.
    pub household: Household,
    /// Its residents, the head first.
    pub persons: Vec<Person>,
    /// Vaccination doses of its residents.
    pub vaccinations: Vec<Vaccination>,
    /// Recent nucleic-acid tests of its residents.
    pub tests: Vec<TestEvent>,
}

/// Draws a township of `villages` villages (clamped to 1..=[`MAX_VILLAGES`]) with unique names
/// and 3–12 groups each. `households` is the TOTAL for the township, spread over the villages
/// (some villages larger than others, communities larger still; the sum is exact).
pub fn plan(seed: u64, villages: usize, households: usize) -> DemoPlan {
    let count = villages.clamp(1, MAX_VILLAGES);
    let mut rng = Rng::stream(seed, TAG_PLAN, 0);
    let (township_name, county_code) = rng.pick(TOWNSHIPS);
    let township = Township {
        id: rng.uuid(),
        name: township_name.to_owned(),
    };
    let mut order: Vec<usize> = (0..VILLAGE_PREFIXES.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.index(i + 1));
    }
    let mut weights = Vec::with_capacity(count);
    let mut list = Vec::with_capacity(count);
    for i in 0..count {
        let prefix = VILLAGE_PREFIXES[order[i % order.len()]];
        let round = i / order.len();
        let community = round == 0 && rng.chance(0.2);
        let name = match round {
            0 if community => format!("{prefix}社区"),
            0 => format!("{prefix}村"),
            r => format!("{prefix}{}村", NUMERALS[r.min(NUMERALS.len() - 1)]),
        };
        let village = Village {
            id: rng.uuid(),
            name,
        };
        let groups = (0..rng.range(3, 12) as usize)
            .map(|g| Group {
                id: rng.uuid(),
                village_id: village.id,
                name: format!("{}组", NUMERALS[g]),
            })
            .collect();
        weights.push(u128::from(rng.range(40, 160)) * if community { 3 } else { 2 });
        list.push(DemoVillage {
            village,
            groups,
            households: 0,
        });
    }
    for (v, n) in list.iter_mut().zip(spread(households, &weights)) {
        v.households = n;
    }
    DemoPlan {
        township,
        villages: list,
        county_code,
    }
}

/// Splits `total` in proportion to `weights`, exactly (largest remainder, ties by index).
fn spread(total: usize, weights: &[u128]) -> Vec<usize> {
    let sum: u128 = weights.iter().sum::<u128>().max(1);
    let total_big = total as u128;
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| (total_big * w / sum) as usize)
        .collect();
    let mut rest: Vec<(u128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total_big * w % sum, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let missing = total - counts.iter().sum::<usize>();
    for &(_, i) in rest.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

/// Generates the households of one village of the plan (`village_index` into
/// `plan.villages`; an index out of range gives none). Deterministic per (seed, village
/// index) and independent of the other villages, so callers can stream a large township
/// village by village. Ages, test dates and vaccination cut-offs are relative to `today`.
pub fn village_households(
    seed: u64,
    plan: &DemoPlan,
    village_index: usize,
    today: NaiveDate,
) -> Vec<DemoHousehold> {
    village::generate(seed, plan, village_index, today)
}
