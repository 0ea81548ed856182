//! Vaccination doses (2021-03 … 2022-12, in order, with real intervals) and recent
//! nucleic-acid tests relative to `today`.

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::places::{BOOSTER_OTHER, VACCINES};
use super::rng::{Rng, Weighted};
use crate::model::{TestEvent, TestResult, Vaccination};

/// Vaccination started for adults on this date in the demo.
const ADULTS_FROM: (i32, u32, u32) = (2021, 3, 1);
/// …and for children aged 3–17.
const CHILDREN_FROM: (i32, u32, u32) = (2021, 7, 20);
/// The last dose of the campaign.
const LAST: (i32, u32, u32) = (2022, 12, 31);

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn plus(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(days))).unwrap_or(d)
}

fn minus(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(days))).unwrap_or(d)
}

/// Appends 0–3 doses for a person born on `birth`; none before the third birthday, no booster
/// under 18, none after `today`.
pub(super) fn vaccinations(
    rng: &mut Rng,
    vaccines: &Weighted,
    person_id: Uuid,
    birth: NaiveDate,
    today: NaiveDate,
    out: &mut Vec<Vaccination>,
) {
    let adults_from = ymd(ADULTS_FROM);
    let last = ymd(LAST).min(today);
    let third_birthday = birth
        .checked_add_months(chrono::Months::new(36))
        .unwrap_or(NaiveDate::MAX);
    let adult = birth
        .checked_add_months(chrono::Months::new(18 * 12))
        .is_some_and(|d| d <= adults_from);
    let very_old = birth
        .checked_add_months(chrono::Months::new(80 * 12))
        .is_some_and(|d| d <= adults_from);
    let none_share = if very_old {
        0.25
    } else if adult {
        0.05
    } else {
        0.1
    };
    let x = rng.unit();
    let doses = if x < none_share {
        return;
    } else if x < none_share + 0.04 {
        1
    } else if !adult || x < none_share + 0.34 {
        2
    } else {
        3
    };
    let start = if adult {
        adults_from
    } else {
        ymd(CHILDREN_FROM).max(third_birthday)
    };
    let mut date = plus(start, rng.range(0, 240));
    let primary = VACCINES[vaccines.pick(rng)].0;
    for dose in 0..doses {
        if date > last {
            break;
        }
        let vaccine = if dose == 2 && rng.chance(0.15) {
            BOOSTER_OTHER
        } else {
            primary
        };
        out.push(Vaccination {
            id: rng.uuid(),
            person_id,
            date,
            vaccine: Some(vaccine.to_owned()),
        });
        // Second dose 3–8 weeks after the first; booster 6–10 months after the second.
        date = if dose == 0 {
            plus(date, rng.range(21, 56))
        } else {
            plus(date, rng.range(180, 300))
        };
    }
}

/// Appends recent tests: 1–3 in the last two weeks for some people, every 2–3 days for people
/// with a risk tag. A sample taken today may still be pending.
pub(super) fn tests(
    rng: &mut Rng,
    person_id: Uuid,
    at_risk: bool,
    today: NaiveDate,
    out: &mut Vec<TestEvent>,
) {
    let count = if at_risk {
        rng.range(3, 5)
    } else if rng.chance(0.35) {
        rng.range(1, 3)
    } else {
        return;
    };
    let first = out.len();
    let mut back = rng.range(0, 3);
    for _ in 0..count {
        let date = minus(today, back);
        let result = if back == 0 && rng.chance(0.5) {
            TestResult::Pending
        } else {
            TestResult::Negative
        };
        out.push(TestEvent {
            id: rng.uuid(),
            person_id,
            date,
            result,
        });
        back += if at_risk {
            rng.range(2, 3)
        } else {
            rng.range(3, 6)
        };
    }
    // Oldest first, like a person's test history.
    out[first..].reverse();
}
