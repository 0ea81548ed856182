//! Document ids, parsed and printed in one place for the store, the sync engine and the relay.
//!
//! An id names the document's kind, its owner (the township for the grid, a village for the
//! rest) and, for documents cut by time, the bucket: `grid:<township>`, `ledger:<village>`,
//! `care:<village>`, `gate:<village>`, `entries:<village>:<checkpoint>:<YYYY-MM-DD>` and
//! `reports:<village>:<YYYY-MM>`, `tasks:<village>`, `answers:<village>`, `control:<village>`
//! and `exports:<home>:<device>`. Every device derives the same id offline, and the relay reads
//! the scope from the id alone. The prefixes are data stored on every device and relay: the
//! isolation documents keep `care` and the checkpoints documents `gate`.
//!
//! An entries id may also name a group: the days of one village's checkpoints in one month,
//! `entries:<village>:*:<YYYY-MM>`, as a sync index lists finished days. Such an id has no
//! checkpoint and a month as its bucket; access rules read it like any entries id.
//!
//! 核查 tasks are split in two kinds so that the relay's per-document rules say who does what:
//! the township writes `tasks:<village>` (the village's grid workers only read it) and the
//! grid workers write their answers into `answers:<village>`. The rows of a pushed list that
//! matched no village sit in `tasks:<township>` (and their answers in `answers:<township>`):
//! no village device's scope ever names the township's id, so only the township sees them.
//!
//! The log of exports and printouts (who exported or printed what, when) is one document per
//! device, `exports:<home>:<device>`: home is the device's village (the township's id for a
//! township device), device its id at the relay. Only that device writes it (the relay knows
//! which device sends a change), so nobody can write into another device's log; the township
//! reads them all.

use std::fmt;

use chrono::NaiveDate;
use gridbook_domain::report::month_of;

/// Kinds of documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// The township's grid: villages, groups, policies, rules, deadlines. One per township.
    Grid,
    /// The household ledger of one village: households, persons, their events.
    Ledger,
    /// The isolation follow-ups of one village: cases, their visits, tests and referrals.
    Isolation,
    /// The checkpoints of one village with their shifts and temporary passes.
    Checkpoint,
    /// The entries of one checkpoint on one day.
    Entries,
    /// The daily reports of one village and its groups in one month.
    Reports,
    /// The 核查 tasks of one village, made by the township from pushed lists; or, under the
    /// township's id, the rows of those lists that matched no village (township only).
    Tasks,
    /// The answers to the 核查 tasks of one village (or of the township's own list).
    Answers,
    /// The village's part of the township control list (管控名单): one record per isolation
    /// case with a keyed hash of the ID number and the dates, no name or address; read by
    /// the checkpoints of every village of the township.
    Control,
    /// One device's log of its exports and printouts, read by the township.
    Exports,
}

impl DocKind {
    /// Every kind, in the order documents are listed.
    pub const ALL: [DocKind; 10] = [
        DocKind::Grid,
        DocKind::Ledger,
        DocKind::Isolation,
        DocKind::Checkpoint,
        DocKind::Entries,
        DocKind::Reports,
        DocKind::Tasks,
        DocKind::Answers,
        DocKind::Control,
        DocKind::Exports,
    ];

    /// Stable name used in document ids: data on every device and relay, never renamed.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Grid => "grid",
            DocKind::Ledger => "ledger",
            DocKind::Isolation => "care",
            DocKind::Checkpoint => "gate",
            DocKind::Entries => "entries",
            DocKind::Reports => "reports",
            DocKind::Tasks => "tasks",
            DocKind::Answers => "answers",
            DocKind::Control => "control",
            DocKind::Exports => "exports",
        }
    }

    /// The kind whose id prefix is `name`.
    pub fn from_name(name: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The record types a document of this kind may hold.
    pub fn record_types(self) -> &'static [&'static str] {
        match self {
            DocKind::Grid => &[
                "township",
                "village",
                "group",
                "policy",
                "rules",
                "deadlines",
            ],
            DocKind::Ledger => &["household", "person", "distinct"],
            DocKind::Isolation => &["case", "visit", "test", "referral"],
            DocKind::Checkpoint => &["checkpoint", "shift", "pass"],
            DocKind::Entries => &["entry"],
            DocKind::Reports => &["report"],
            DocKind::Tasks => &["task"],
            DocKind::Answers => &["answer"],
            DocKind::Control => &["control"],
            DocKind::Exports => &["export", "reveal"],
        }
    }
}

/// A parsed document id. Parsing is strict: a well-formed id has exactly the parts of its kind,
/// no part is empty, and days and months are real dates, so an id a device invents can never
/// be read two ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocId<'a> {
    /// The kind of document.
    pub kind: DocKind,
    /// The township of the grid, or the village of every other kind.
    pub owner: &'a str,
    /// The checkpoint of an entries document (`None` for a group of entries documents).
    pub checkpoint: Option<&'a str>,
    /// The day (`YYYY-MM-DD`) of an entries document, or the month (`YYYY-MM`) of a reports
    /// document or of a group of entries documents.
    pub bucket: Option<&'a str>,
    /// The device whose log an exports document is.
    pub device: Option<&'a str>,
}

impl<'a> DocId<'a> {
    /// Parses `id`; `None` if it is not a well-formed document id.
    pub fn parse(id: &'a str) -> Option<DocId<'a>> {
        let (prefix, rest) = id.split_once(':')?;
        let kind = DocKind::from_name(prefix)?;
        let mut parts = rest.split(':');
        let owner = parts.next().filter(|p| is_part(p))?;
        let device = match kind {
            DocKind::Exports => Some(parts.next().filter(|p| is_part(p))?),
            _ => None,
        };
        let (checkpoint, bucket) = match kind {
            DocKind::Entries => match parts.next()? {
                "*" => (None, Some(parts.next().filter(|m| is_month(m))?)),
                checkpoint if is_part(checkpoint) => {
                    (Some(checkpoint), Some(parts.next().filter(|d| is_day(d))?))
                }
                _ => return None,
            },
            DocKind::Reports => (None, Some(parts.next().filter(|m| is_month(m))?)),
            _ => (None, None),
        };
        parts.next().is_none().then_some(DocId {
            kind,
            owner,
            checkpoint,
            bucket,
            device,
        })
    }

    /// Whether the id names a group of entries documents rather than one document.
    pub fn is_group(&self) -> bool {
        self.kind == DocKind::Entries && self.checkpoint.is_none()
    }

    /// The village the document belongs to (every kind but the grid).
    pub fn village(&self) -> Option<&'a str> {
        (self.kind != DocKind::Grid).then_some(self.owner)
    }
}

impl fmt::Display for DocId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.owner)?;
        if let Some(device) = self.device {
            write!(f, ":{device}")?;
        }
        match (self.kind, self.checkpoint) {
            (_, Some(checkpoint)) => write!(f, ":{checkpoint}")?,
            (DocKind::Entries, None) => write!(f, ":*")?,
            _ => {}
        }
        if let Some(bucket) = self.bucket {
            write!(f, ":{bucket}")?;
        }
        Ok(())
    }
}

/// A non-empty id part without separators or wildcards.
fn is_part(part: &str) -> bool {
    !part.is_empty() && part.len() <= 64 && !part.contains(['*', ' '])
}

/// `YYYY-MM-DD`, a real day.
fn is_day(text: &str) -> bool {
    text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// `YYYY-MM`, a real month.
pub fn is_month(text: &str) -> bool {
    text.len() == 7 && NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok()
}

/// Document id of a (kind, owner) pair for the kinds without a time bucket:
/// `ledger:<village uuid>`, `grid:<township uuid>`.
pub fn doc_id(kind: DocKind, owner: &str) -> String {
    format!("{}:{owner}", kind.name())
}

/// Document id of the entries of one checkpoint on one day. The village comes first so that
/// the relay can check the scope from the id alone, and a day is its own document so that a
/// finished day never grows again.
pub fn entries_doc_id(village: &str, checkpoint: &str, day: NaiveDate) -> String {
    format!(
        "{}:{village}:{checkpoint}:{}",
        DocKind::Entries.name(),
        day.format("%Y-%m-%d")
    )
}

/// Document id of a village's daily reports of the month of `date`: one document per month, so
/// that a finished month never grows again.
pub fn reports_doc_id(village: &str, date: NaiveDate) -> String {
    format!("{}:{village}:{}", DocKind::Reports.name(), month_of(date))
}

/// Document id of the log of exports and printouts of `device`, whose home is `home` (its
/// village, or the township for a township device).
pub fn exports_doc_id(home: &str, device: &str) -> String {
    format!("{}:{home}:{device}", DocKind::Exports.name())
}

/// The village a document belongs to, from its id (`None` for the grid and malformed ids).
pub fn village_of(id: &str) -> Option<&str> {
    DocId::parse(id)?.village()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_prints_what_it_parses() {
        let day = NaiveDate::from_ymd_opt(2022, 11, 20).unwrap();
        let ids = [
            doc_id(DocKind::Grid, "T"),
            doc_id(DocKind::Ledger, "A"),
            doc_id(DocKind::Isolation, "A"),
            doc_id(DocKind::Checkpoint, "A"),
            entries_doc_id("A", "K", day),
            reports_doc_id("A", day),
            doc_id(DocKind::Tasks, "A"),
            doc_id(DocKind::Answers, "A"),
            doc_id(DocKind::Control, "A"),
            exports_doc_id("A", "D"),
        ];
        for (id, kind) in ids.iter().zip(DocKind::ALL) {
            let parsed = DocId::parse(id).unwrap();
            assert_eq!(parsed.kind, kind);
            assert_eq!(parsed.to_string(), *id);
        }
        assert_eq!(ids[0], "grid:T");
        assert_eq!(ids[2], "care:A");
        assert_eq!(ids[3], "gate:A");
        assert_eq!(ids[4], "entries:A:K:2022-11-20");
        assert_eq!(ids[5], "reports:A:2022-11");
        assert_eq!((ids[6].as_str(), ids[7].as_str()), ("tasks:A", "answers:A"));
        assert_eq!(ids[8], "control:A");
        assert_eq!(ids[9], "exports:A:D");
        assert_eq!(DocId::parse(&ids[9]).unwrap().device, Some("D"));
        assert_eq!(village_of(&ids[8]), Some("A"));
        assert_eq!(village_of(&ids[4]), Some("A"));
        let group = DocId::parse("entries:A:*:2022-11").unwrap();
        assert!(group.is_group() && group.checkpoint.is_none());
        assert_eq!(
            (group.bucket, group.to_string().as_str()),
            (Some("2022-11"), "entries:A:*:2022-11")
        );
        assert!(!DocId::parse(&ids[4]).unwrap().is_group());
        assert_eq!(village_of(&ids[0]), None);
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "ledger",
            "ledger:",
            "ledger:A:B",
            "isolation:A",
            "entries:A:K",
            "entries:A:*:2022-11-20",
            "entries:A:*:*",
            "entries:A:K:2022-13-01",
            "entries:A:K:2022-11-20:x",
            "reports:A",
            "reports:A:2022-11-20",
            "reports:A:2022-1x",
            "grid:T:x",
            "tasks:A:B",
            "answers:",
            "control:A:B",
            "control:",
            "exports:A",
            "exports:A:",
            "exports:A:D:x",
            "exports:A:*",
        ] {
            assert_eq!(DocId::parse(bad), None, "{bad}");
        }
    }
}
