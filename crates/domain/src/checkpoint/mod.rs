//! Checkpoints (卡口, 检测点): what a volunteer records for each person crossing, the decision
//! the rules suggest (放行 / 劝返 / 留观转运), temporary passes (临时通行证), shifts, and the one
//! order in which every tablet lists the entries.
//!
//! Pure like the rest of the crate: "now" is always a parameter, in deployment local time. The
//! store keeps these values as flat fields of one Automerge document per checkpoint and day, so
//! every type here is serde-serializable and the rules are data the township edits and syncs.

mod control;
mod entry;
mod known;
mod pass;
mod rules;
mod shift;

#[cfg(test)]
mod tests;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use entry::{validate_entry, EntryInput, ValidEntry};
pub use known::{fever_in, judge, needs_note, Known};
pub use pass::{
    check_pass, parse_pass_number, pass_number, pass_payload, pass_qr_svg, validate_pass_window,
    Pass, PassRefusal, PassUse, MAX_PASS_WINDOW_HOURS, PASS_ALPHABET, PASS_PAYLOAD_PREFIX,
};
pub use rules::{
    confirm, match_risk_areas, suggest, suggest_for, Confirmed, DecisionRules, Reason, RiskArea,
    Suggestion,
};
pub use shift::{handover, shift_at, sign_in, Handover, Shift, ShiftPlan, SignIn};

use crate::model::labelled_enum;

labelled_enum!(
    /// Which way a person crosses the checkpoint.
    Direction, "direction", "进出方向" {
        In = ("in", "进", "in"),
        Out = ("out", "出", "out"),
    }
);

labelled_enum!(
    /// Health code colour (健康码) shown by the person.
    HealthCode, "health_code", "健康码" {
        Green = ("green", "绿码", "green"),
        Yellow = ("yellow", "黄码", "yellow"),
        Red = ("red", "红码", "red"),
    }
);

labelled_enum!(
    /// What happens to the person at the checkpoint.
    Decision, "decision", "处置" {
        /// Let through.
        Allow = ("allow", "放行", "allow"),
        /// Persuaded to turn back (home, for someone going out).
        TurnBack = ("turn-back", "劝返", "turn back"),
        /// Held for observation and handed over for transfer (fever clinic, isolation site).
        Observe = ("observe", "留观转运", "observe and transfer"),
    }
);

labelled_enum!(
    /// Risk level of an area as published by the authorities.
    RiskLevel, "level", "风险等级" {
        Medium = ("medium", "中风险", "medium risk"),
        High = ("high", "高风险", "high risk"),
    }
);

impl Decision {
    /// How strict the decision is: allow 0, turn back 1, observe 2. Spelled out rather than
    /// taken from the derived `Ord`, so reordering the variants cannot change which decision
    /// wins.
    pub fn severity(self) -> u8 {
        match self {
            Decision::Allow => 0,
            Decision::TurnBack => 1,
            Decision::Observe => 2,
        }
    }

    /// The stricter of two decisions.
    pub fn stricter(self, other: Decision) -> Decision {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }
}

/// The key that orders checkpoint entries the same way on every device: time first, then the
/// recording device, then the entry id.
///
/// Tablets record offline and sync later, so two entries can carry the same minute (or the
/// same instant); the device and id make the order total, and because all three parts are in
/// the synced document every device sorts the merged list identically. The order follows each
/// tablet's clock: a tablet with a wrong clock sorts its entries wrongly, but the same way
/// everywhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntrySortKey {
    /// When the entry was recorded, local time.
    pub at: NaiveDateTime,
    /// The device that recorded it.
    pub device: String,
    /// The entry id.
    pub entry_id: Uuid,
}

impl EntrySortKey {
    /// The time as fixed-width text (`2022-11-20T08:05:00.000000000`) for an index column:
    /// with it, `ORDER BY at_text, device, entry_id` under SQLite's byte-wise collation gives
    /// the same order as this key, as long as the id is stored as lower-case hyphenated text.
    /// chrono's own serialization drops trailing zero fractions, so its text does not sort.
    pub fn at_text(&self) -> String {
        self.at.format("%Y-%m-%dT%H:%M:%S%.9f").to_string()
    }
}

/// Builds the sort key of an entry; see [`EntrySortKey`].
pub fn entry_sort_key(at: NaiveDateTime, device: &str, entry_id: Uuid) -> EntrySortKey {
    EntrySortKey {
        at,
        device: device.to_owned(),
        entry_id,
    }
}
