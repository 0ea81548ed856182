//! The attributes of one person: given name, phone, plate, risk tags and 七类人, each drawn
//! with the proportions a township actually sees.

use super::names::GIVEN;
use super::places::{AREA_CODE, MOBILE_PREFIXES, PLATE_ELSEWHERE, PLATE_LETTERS};
use super::rng::Rng;
use crate::model::{RiskTag, Vulnerable};

/// Appends a given name fitting the birth year and gender to `out`.
pub(super) fn given_name(rng: &mut Rng, birth_year: i32, male: bool, out: &mut String) {
    let era = match birth_year {
        ..=1964 => 0,
        1965..=1989 => 1,
        _ => 2,
    };
    let pool = &GIVEN[era][usize::from(!male)];
    if rng.chance(pool.single_share) {
        out.push_str(rng.pick(pool.single));
    } else if rng.chance(0.6) {
        out.push_str(rng.pick(pool.double));
    } else {
        // Recombine two names of the pool: first character of one, second of another.
        let a = rng.pick(pool.double);
        let b = rng.pick(pool.double);
        out.extend(a.chars().take(1).chain(b.chars().skip(1)));
    }
}

/// A phone for a person of `age`: children have none, some elderly have none or a landline.
pub(super) fn phone(rng: &mut Rng, age: u32) -> Option<String> {
    let p_mobile = match age {
        0..=13 => 0.0,
        14..=17 => 0.45,
        18..=59 => 0.98,
        60..=74 => 0.82,
        _ => 0.5,
    };
    if rng.chance(p_mobile) {
        return Some(mobile(rng));
    }
    if age >= 60 && rng.chance(0.2) {
        return Some(format!(
            "{AREA_CODE}-{}{:06}",
            rng.range(2, 8),
            rng.below(1_000_000)
        ));
    }
    None
}

/// An 11-digit mobile number with a real carrier prefix.
fn mobile(rng: &mut Rng) -> String {
    format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.below(100_000_000))
}

/// A plate: 川S (达州) mostly, some new-energy 川SD…, some from elsewhere.
pub(super) fn plate(rng: &mut Rng, local_share: f64) -> String {
    let mut s = String::with_capacity(12);
    if !rng.chance(local_share) {
        s.push_str(rng.pick(PLATE_ELSEWHERE));
    } else {
        s.push_str("川S");
        if rng.chance(0.06) {
            s.push(if rng.chance(0.8) { 'D' } else { 'F' });
            for _ in 0..5 {
                s.push(digit(rng));
            }
            return s;
        }
    }
    // Five characters, at most two letters, mostly digits.
    let mut letters = 0;
    for i in 0..5 {
        let letter_p = if i == 0 { 0.35 } else { 0.15 };
        if letters < 2 && rng.chance(letter_p) {
            letters += 1;
            s.push(char::from(rng.pick(PLATE_LETTERS)));
        } else {
            s.push(digit(rng));
        }
    }
    s
}

fn digit(rng: &mut Rng) -> char {
    char::from(b'0' + rng.below(10) as u8)
}

/// Risk tags: rare, and a close contact is often red-coded.
pub(super) fn risk_tags(rng: &mut Rng) -> Vec<RiskTag> {
    let x = rng.unit();
    let tag = match x {
        x if x < 0.003 => RiskTag::Overseas,
        x if x < 0.010 => RiskTag::MediumRisk,
        x if x < 0.013 => RiskTag::HighRisk,
        x if x < 0.015 => RiskTag::CloseContact,
        x if x < 0.018 => RiskTag::SecondaryContact,
        x if x < 0.0185 => RiskTag::RedCode,
        x if x < 0.0205 => RiskTag::YellowCode,
        _ => return Vec::new(),
    };
    let mut tags = vec![tag];
    match tag {
        RiskTag::CloseContact | RiskTag::HighRisk if rng.chance(0.3) => tags.push(RiskTag::RedCode),
        RiskTag::SecondaryContact | RiskTag::MediumRisk if rng.chance(0.3) => {
            tags.push(RiskTag::YellowCode)
        }
        _ => {}
    }
    tags
}

/// 七类人 for a person of `age`; `alone` means a one-person household.
pub(super) fn vulnerable(rng: &mut Rng, age: u32, male: bool, alone: bool) -> Vec<Vulnerable> {
    let mut v = Vec::new();
    if alone && age >= 65 {
        v.push(Vulnerable::ElderlyAlone);
    }
    if !male && (20..=40).contains(&age) && rng.chance(0.02) {
        v.push(Vulnerable::Pregnant);
    }
    if rng.chance(if age >= 60 { 0.045 } else { 0.018 }) {
        v.push(Vulnerable::Disabled);
    }
    if age >= 65 && rng.chance(0.06) {
        v.push(Vulnerable::LimitedMobility);
    }
    if age >= 30 && rng.chance(0.0012) {
        v.push(Vulnerable::Dialysis);
    }
    if age >= 16 && rng.chance(0.006) {
        v.push(Vulnerable::Mental);
    }
    let chronic = match age {
        0..=39 => 0.0,
        40..=59 => 0.06,
        60..=74 => 0.18,
        _ => 0.25,
    };
    if rng.chance(chronic) {
        v.push(Vulnerable::Chronic);
    }
    v
}
