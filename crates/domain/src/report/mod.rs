//! Daily reports (日报告 / 零报告): every group (level 3) reports by 17:00 and every
//! village (level 2) by 18:00, even when there is nothing to report.
//!
//! The pure part: the report's key (one record per unit and day, the same on every device),
//! the deadlines and lateness in local time, the figures and their sums, and the texts sent
//! to the township's WeChat group. The figures themselves are counted by the store from the
//! day's projections; nothing here reads a clock or a database.

mod figures;
mod text;

pub use figures::Figures;
pub use text::{group_line, report_text, rollup_text, GroupLine, ReportView, RollupRow};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::FieldError;
use crate::model::labelled_enum;

labelled_enum!(
    /// The grid level a report is made for.
    #[cfg_attr(feature = "ts", ts(rename = "ReportLevel"))]
    Level, "level", "报告层级" {
        /// A group (组/网格, level 3).
        Group = ("group", "组", "group"),
        /// A village or community (村/社区, level 2).
        Village = ("village", "村", "village"),
    }
);

labelled_enum!(
    /// Where a unit's report for a day stands.
    ReportState, "state", "报告状态" {
        /// Reported by the deadline, with something to report.
        Submitted = ("submitted", "已报", "submitted"),
        /// Reported by the deadline as a 零报告.
        Zero = ("zero", "零报告", "zero report"),
        /// Reported after the deadline.
        Late = ("late", "迟报", "late"),
        /// Not reported (yet).
        Missing = ("missing", "未报", "missing"),
    }
);

/// Namespace of report record ids: v5 of `<unit id>|<date>`, so that two devices reporting the
/// same group on the same day offline write one record.
const REPORT_NS: Uuid = Uuid::from_u128(0x3c0e_91a7_5b2d_4f6e_8a14_d7c3_62f0_9b85);

/// The record id of the report of `unit` on `date`: the same on every device.
pub fn report_id(unit: &str, date: NaiveDate) -> String {
    Uuid::new_v5(&REPORT_NS, format!("{unit}|{date}").as_bytes()).to_string()
}

/// The month bucket (`YYYY-MM`) a report of `date` is kept in: a finished month never grows.
pub fn month_of(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// The township's report deadlines, local time of the report's own day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// Deadline of group reports (default 17:00).
    #[serde(with = "hhmm")]
    pub group: NaiveTime,
    /// Deadline of village reports (default 18:00).
    #[serde(with = "hhmm")]
    pub village: NaiveTime,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            group: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
            village: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

impl Deadlines {
    /// The deadline of a report of `level` for `date`.
    pub fn due(&self, level: Level, date: NaiveDate) -> NaiveDateTime {
        date.and_time(match level {
            Level::Group => self.group,
            Level::Village => self.village,
        })
    }

    /// Whether a report of `level` for `date` made at `submitted_at` (local time) is late:
    /// made after the deadline. A report made exactly at the deadline is on time.
    pub fn is_late(&self, level: Level, date: NaiveDate, submitted_at: NaiveDateTime) -> bool {
        submitted_at > self.due(level, date)
    }
}

/// Parses a deadline typed as `HH:MM` (00:00–23:59).
pub fn parse_hhmm(field: &'static str, s: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
        FieldError::new(
            field,
            "time",
            format!("时间“{s}”应写成 HH:MM（如 17:00）"),
            format!("time '{s}' must be HH:MM (e.g. 17:00)"),
        )
    })
}

/// A report note: at most 500 characters, no control characters but line breaks.
pub fn parse_note(s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.chars().count() > 500 || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(
            "note",
            "length",
            "备注最多500个字，且不能含控制字符",
            "a note is at most 500 characters, without control characters",
        ));
    }
    Ok(t.to_owned())
}

/// Serde of a time as `HH:MM`.
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M").map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
