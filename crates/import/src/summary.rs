//! The summary of a plan (or of its import), in the JSON shape of the command line.

use gridbook_store::import::ImportWritten;
use serde::Serialize;

use crate::plan::{Difference, Plan, RowStatus};

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterRefusedRow"))]
pub struct RefusedRow {
    /// Row number in the file.
    pub row: usize,
    /// Field code.
    pub field: &'static str,
    /// Reason in Chinese.
    pub reason: String,
}

/// `gridbook import --json`: counts of rows, the refused rows, what was (or would be)
/// added and updated, and the differences with the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterSummary"))]
pub struct Summary {
    /// Data rows read.
    pub rows: usize,
    /// Rows read as they were.
    pub ok: usize,
    /// Rows read after normalizing.
    pub fixed: usize,
    /// Rows not imported.
    pub refused: Vec<RefusedRow>,
    /// Households created (dry run: that would be).
    pub households_added: usize,
    /// Persons created.
    pub persons_added: usize,
    /// Ledger persons whose empty fields were filled.
    pub persons_updated: usize,
    /// Fields where the file and the ledger disagree (left as the ledger has them).
    pub differences: Vec<Difference>,
}

impl Plan {
    /// The summary of the plan: what a dry run reports.
    pub fn summary(&self) -> Summary {
        let count = |s: RowStatus| self.rows.iter().filter(|r| r.status == s).count();
        Summary {
            rows: self.rows.len(),
            ok: count(RowStatus::Ok),
            fixed: count(RowStatus::Fixed),
            refused: self
                .rows
                .iter()
                .filter_map(|r| {
                    r.refusal.as_ref().map(|x| RefusedRow {
                        row: r.row,
                        field: x.field,
                        reason: x.reason.clone(),
                    })
                })
                .collect(),
            households_added: self.households_added,
            persons_added: self.persons_added,
            persons_updated: self.fills.len(),
            differences: self.differences.clone(),
        }
    }
}

impl Summary {
    /// The summary after the import: the counts of what was written.
    pub fn written(mut self, w: &ImportWritten) -> Self {
        self.households_added = w.households_added;
        self.persons_added = w.persons_added;
        self.persons_updated = w.persons_updated;
        self
    }
}
