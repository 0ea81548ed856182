//! The import screen's view of a plan: the first rows of the sheet (to choose the header row
//! when it is not found), each column's field, the rows that were normalised or refused and
//! the counts; and the township's choices of fields sent back from the screen.

use serde::Serialize;

use crate::error::{ImportError, Result};
use crate::header::{Field, Overrides};
use crate::mapping::{choices, ColumnChoice, ListColumn};
use crate::plan::{PersonAction, Plan, RowStatus};
use crate::read::SheetRow;
use crate::summary::Summary;

/// Rows of the sheet shown for choosing the header.
pub const HEAD_ROWS: usize = 15;

/// Cells of a head row shown (a wider sheet is cut).
const HEAD_CELLS: usize = 40;

/// Characters of a head cell shown.
const HEAD_CELL_CHARS: usize = 40;

/// Rows of the report the screen gets (fixed and refused ones; the sheet has them all).
pub const SHOWN_ROWS: usize = 1000;

/// A row of the sheet as text, for choosing the header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeadRow {
    /// Row number in the file (1-based).
    pub row: usize,
    /// The cells as text, from column A on.
    pub cells: Vec<String>,
}

/// The first [`HEAD_ROWS`] rows of `rows` as text.
pub(crate) fn head_of(rows: &[SheetRow]) -> Vec<HeadRow> {
    rows.iter()
        .take(HEAD_ROWS)
        .map(|r| HeadRow {
            row: r.row,
            cells: r
                .cells
                .iter()
                .take(HEAD_CELLS)
                .map(|c| c.text().trim().chars().take(HEAD_CELL_CHARS).collect())
                .collect(),
        })
        .collect()
}

/// A row that was normalised or refused, as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterRow"))]
pub struct ReportRow {
    /// Row number in the file.
    pub row: usize,
    /// Fixed or refused.
    pub status: RowStatus,
    /// What was normalised, in Chinese.
    pub fixes: Vec<String>,
    /// The field refused (a code), if refused.
    pub field: Option<&'static str>,
    /// Why it was refused, in Chinese.
    pub reason: Option<String>,
    /// What happens to its person (created, updated, unchanged), if not refused.
    pub action: Option<PersonAction>,
}

/// The dry run (or the import) as the import screen shows it; `gridbook import --detail`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterReport"))]
pub struct Report {
    /// The header's row number; `None`: not found, the person chooses it among `head`.
    pub header_row: Option<usize>,
    /// The first rows of the sheet.
    pub head: Vec<HeadRow>,
    /// Each column's header and the field it is taken for (a code; `None`: not imported).
    pub columns: Vec<ListColumn>,
    /// The fixed and refused rows, in file order (at most [`SHOWN_ROWS`]).
    pub rows: Vec<ReportRow>,
    /// Fixed and refused rows left out of `rows`.
    pub rows_left_out: usize,
    /// Rows whose person is already in the ledger and gets nothing new.
    pub unchanged: usize,
    /// The counts (`None` without a header).
    pub summary: Option<Summary>,
    /// Households and filled persons written (import), or to write (dry run).
    pub done: usize,
    /// All of them.
    pub total: usize,
    /// The import stopped on request after a whole batch.
    pub cancelled: bool,
}

impl Report {
    /// The report of a sheet whose header was not found: its first rows, to choose from.
    pub fn no_header(head: Vec<HeadRow>) -> Self {
        Report {
            header_row: None,
            head,
            columns: Vec::new(),
            rows: Vec::new(),
            rows_left_out: 0,
            unchanged: 0,
            summary: None,
            done: 0,
            total: 0,
            cancelled: false,
        }
    }

    /// The report of a plan (`done` 0: nothing written yet).
    pub fn of(plan: &Plan) -> Self {
        let shown = plan.rows.iter().filter(|r| r.status != RowStatus::Ok);
        let rows: Vec<ReportRow> = shown
            .clone()
            .take(SHOWN_ROWS)
            .map(|r| ReportRow {
                row: r.row,
                status: r.status,
                fixes: r.fixes.iter().map(|f| (*f).to_owned()).collect(),
                field: r.refusal.as_ref().map(|x| x.field),
                reason: r.refusal.as_ref().map(|x| x.reason.clone()),
                action: r.action,
            })
            .collect();
        Report {
            header_row: Some(plan.header_row),
            head: plan.head.clone(),
            columns: plan.mapping.clone(),
            rows_left_out: shown.count() - rows.len(),
            rows,
            unchanged: plan
                .rows
                .iter()
                .filter(|r| r.action == Some(PersonAction::Unchanged))
                .count(),
            summary: Some(plan.summary()),
            done: 0,
            total: plan.households.len() + plan.fills.len(),
            cancelled: false,
        }
    }

    /// The report of a plan read, or of a sheet whose header was not found.
    pub fn of_result(plan: Result<Plan>) -> Result<Self> {
        match plan {
            Ok(p) => Ok(Report::of(&p)),
            Err(ImportError::NoHeader { head }) => Ok(Report::no_header(head)),
            Err(e) => Err(e),
        }
    }
}

/// The overrides of the import screen's choices (a field code of [`Field::ALL`], `None`: not
/// imported); anything else is refused (see [`choices`]).
pub fn roster_overrides(picked: &[ColumnChoice]) -> Result<Overrides> {
    let code = |f: &str| Field::ALL.iter().copied().find(|x| x.code() == f);
    choices(picked, code, Field::Ignore)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::ColumnKey;

    #[test]
    fn the_screens_choices_name_roster_fields_by_code_only() {
        let ok = roster_overrides(&[
            ColumnChoice {
                header: "证 号".into(),
                column: None,
                field: Some("id_number".into()),
            },
            ColumnChoice {
                header: "联系电话".into(),
                column: Some(7),
                field: Some("phone".into()),
            },
            ColumnChoice {
                header: "".into(),
                column: Some(2),
                field: None,
            },
        ])
        .unwrap();
        assert_eq!(
            ok,
            vec![
                (ColumnKey::Header("证号".into()), Field::IdNumber),
                (ColumnKey::Position(7), Field::Phone),
                (ColumnKey::Position(2), Field::Ignore)
            ]
        );
        // Only codes of `Field::ALL`: a Chinese label or a list's field is not one.
        let one = |f: &str| ColumnChoice {
            header: String::new(),
            column: None,
            field: Some(f.to_owned()),
        };
        for bad in ["姓名", "", "category", "name; DROP"] {
            let e = roster_overrides(&[one(bad)]);
            assert!(matches!(e, Err(ImportError::UnknownField(_))), "{bad}");
        }
    }
}
