//! What a write says back to the app (and, for the ledger's, to `gridbook … --json`): the ids
//! it made or the fields it changed, as small named objects.

use gridbook_domain::report::Figures;
use serde::Serialize;

/// A household added with its head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdAdded {
    /// The new household's record id.
    pub household_id: String,
    /// Its head's record id.
    pub person_id: String,
}

/// A person added to a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonAdded {
    /// The new person's record id.
    pub person_id: String,
}

/// The fields an edit changed (an edit to a value already held changes nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Changed {
    /// The fields' names.
    pub changed: Vec<String>,
}

/// A household verified (入户核查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verified {
    /// The verification's record id.
    pub verification_id: String,
}

/// A person merged into another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonMerged {
    /// The person merged.
    pub merged: String,
    /// The person it was merged into (its survivor).
    pub into: String,
}

/// A merge undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonUnmerged {
    /// The person standing alone again.
    pub unmerged: String,
}

/// A pair of persons dismissed as not one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PairDismissed {
    /// The two persons, as given.
    pub dismissed: [String; 2],
}

/// A dismissed pair listed as a possible duplicate again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PairRestored {
    /// The two persons, as given.
    pub restored: [String; 2],
}

/// The figures a report of a unit and day would carry, for the grid worker to confirm.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiguresPreview {
    /// The figures, counted from the day's records.
    pub figures: Figures,
}
