//! gridbook-import: households and persons from a township's 一户一档 sheets (.xlsx, .xls,
//! .csv in UTF-8 or GBK) into the ledger.
//!
//! Reading finds the header under title rows and merged cells and maps the usual Chinese
//! column names (overridable); each row is cleaned (full-width forms, spaces, lower-case x,
//! dates) and validated by gridbook-domain's validators, then matched to the ledger on its ID
//! number. The result is one [`Plan`]: every row ok, fixed or refused (with the reason in
//! Chinese), every person created, updated (empty fields filled) or unchanged, every
//! disagreement listed. The dry run shows the plan; [`execute`] writes exactly it, in batches
//! of whole households through gridbook-store, so the same file twice changes nothing.
//!
//! Depends on gridbook-domain and gridbook-store only; never on the sync engine, the relay,
//! the CLI or the app. Its optional `ts` feature derives the TypeScript declarations of
//! `ui/src/generated/types.ts` (ts-rs); builds of the app and the CLI leave it off.

mod apply;
mod compare;
mod error;
pub mod header;
pub mod list;
pub mod list_map;
pub mod mapping;
pub mod normalize;
mod plan;
mod preview;
pub mod read;
mod report;
mod rows;
mod summary;

pub use apply::{check_file, execute, execute_until, import_file, Executed, Progress, BATCH};
pub use error::{ImportError, Result};
pub use header::{parse_map, Field};
pub use list::{read_list, ImportedList, ListFile, ListPreview};
pub use list_map::{list_field_zh, list_overrides, parse_list_map, ListOverrides, LIST_FIELDS};
pub use mapping::{column_letter, ColumnChoice, ColumnKey, ListColumn};
pub use plan::{plan_file, Difference, Options, PersonAction, Plan, RowPlan, RowStatus};
pub use preview::{roster_overrides, HeadRow, Report, ReportRow, HEAD_ROWS, SHOWN_ROWS};
pub use report::{write_report, RESULT_COLUMNS};
pub use rows::Refusal;
pub use summary::{RefusedRow, Summary};

#[cfg(test)]
mod tests;
