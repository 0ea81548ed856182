//! What the rules read of an entry, and judging a form that is still being filled.
//!
//! A volunteer taps the temperature and the code before the identity is typed; the suggestion
//! should show then, from the township's rules, and not from a second copy of them in the
//! screen. [`Known`] is the part of an entry the rules look at; a valid entry knows all of it,
//! a form as typed ([`Known::from_input`]) knows what already parses.

use chrono::NaiveDate;

use super::entry::ValidEntry;
use super::rules::{suggest_known, DecisionRules, Reason, Suggestion};
use super::{Decision, Direction, EntryInput, HealthCode};
use crate::isolation::ControlState;
use crate::validate::parse_temperature;

/// The parts of an entry the decision rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The day of the entry: risk areas count from their date.
    pub on: NaiveDate,
    /// In or out, when known.
    pub direction: Option<Direction>,
    /// Temperature in tenths of a degree, when a valid reading was typed.
    pub temperature_tenths: Option<u16>,
    /// Health code colour, when chosen.
    pub health_code: Option<HealthCode>,
    /// Travel in the last 14 days, trimmed (empty when none).
    pub travel: String,
    /// Ticked risk areas, trimmed, without blanks or repeats.
    pub declared_areas: Vec<String>,
    /// 事由, trimmed.
    pub purpose: Option<String>,
}

impl Known {
    /// Everything a valid entry says.
    pub fn of(entry: &ValidEntry) -> Self {
        Self {
            on: entry.at.date(),
            direction: Some(entry.direction),
            temperature_tenths: Some(entry.temperature_tenths),
            health_code: Some(entry.health_code),
            travel: entry.travel.clone(),
            declared_areas: entry.declared_areas.clone(),
            purpose: entry.purpose.clone(),
        }
    }

    /// What a form as typed already says: a field that does not parse yet (a half-typed
    /// temperature, no code chosen) is unknown. Texts are read whatever their length: the
    /// limits are checked on saving, and a risk area named in a long text still counts.
    pub fn from_input(input: &EntryInput) -> Self {
        let mut areas: Vec<String> = Vec::new();
        for a in input.declared_areas.iter().map(|a| a.trim()) {
            if !a.is_empty() && !areas.iter().any(|x| x == a) {
                areas.push(a.to_owned());
            }
        }
        let purpose = input.purpose.trim();
        Self {
            on: input.at.date(),
            direction: Direction::parse(&input.direction).ok(),
            // parse_temperature gives whole tenths within 35.0–42.0, so this is exact.
            temperature_tenths: parse_temperature(&input.temperature)
                .ok()
                .map(|t| (t * 10.0).round() as u16),
            health_code: HealthCode::parse(&input.health_code).ok(),
            travel: input.travel.trim().to_owned(),
            declared_areas: areas,
            purpose: (!purpose.is_empty()).then(|| purpose.to_owned()),
        }
    }
}

/// The suggestion for what is known, once the rules have what they always need: the direction,
/// a temperature and a health code. Until then `None`: "allow" shown for a form with no
/// temperature yet would be a guess, not a judgement.
pub fn judge(
    rules: &DecisionRules,
    known: &Known,
    control: Option<&ControlState>,
) -> Option<Suggestion> {
    if known.direction.is_none() || known.temperature_tenths.is_none() {
        return None;
    }
    known.health_code?;
    Some(suggest_known(rules, known, control))
}

/// Whether choosing `chosen` over the suggested decision needs a note: it is less strict.
pub fn needs_note(suggested: Decision, chosen: Decision) -> bool {
    chosen.severity() < suggested.severity()
}

impl Suggestion {
    /// The decisions a volunteer may choose only with a note, in [`Decision::ALL`] order.
    pub fn needs_note(&self) -> Vec<Decision> {
        Decision::ALL
            .iter()
            .copied()
            .filter(|d| needs_note(self.decision, *d))
            .collect()
    }

    /// Whether the temperature was a fever under the rules the suggestion came from.
    pub fn fever(&self) -> bool {
        fever_in(&self.reasons)
    }
}

/// Whether these reasons (a suggestion's, or an entry's as recorded) include a fever.
pub fn fever_in(reasons: &[Reason]) -> bool {
    reasons.iter().any(|r| r.code == FEVER)
}

/// The code of the fever reason.
pub(super) const FEVER: &str = "fever";
