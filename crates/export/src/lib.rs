//! gridbook-export: the township's files out of gridbook — the 一户一档 ledger (a row per person with
//! the household's columns, as the township's ledger sheets have them), isolation cases, their
//! follow-up register (a row per check), checkpoint real-name registers, daily reports over a
//! date range and coverage, as .xlsx (one
//! sheet, a title row, a frozen header, dates as dates, ID numbers and phones as text) or CSV
//! (UTF-8 with a BOM, header line first).
//!
//! Rows come from the store's read queries (`Store::ledger_lines` and the like) and are streamed
//! into the file: nothing here decides a rule of its own. ID numbers are masked
//! (`110101********3931`) unless full ones are asked for on a device that may write them
//! (`Store::may_export_full_ids`). Every export is written to a temporary file that replaces the
//! output only when complete, and is recorded in the device's log of exports, which syncs to the
//! township (`Store::record_export`).
//!
//! This crate must not depend on the sync engine, the relay, the CLI or tauri. Its optional
//! `ts` feature derives the TypeScript declarations of `ui/src/generated/types.ts` (ts-rs);
//! builds of the app and the CLI leave it off.

mod error;
mod feedback;
mod kinds;
mod reports;
mod sink;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gridbook_store::{ExportFilter, ExportRecord, Store};
use serde::{Deserialize, Serialize};

pub use error::ExportError;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 一户一档: a row per person.
    Ledger,
    /// Isolation cases: a row per case.
    Cases,
    /// The follow-up register: a row per check.
    Checks,
    /// Checkpoint real-name registers: a row per entry, by day.
    Entries,
    /// Daily reports (日报告/零报告) over a date range: a row per report made.
    Reports,
    /// Coverage: a row per household with its latest verification.
    Coverage,
    /// The feedback sheet of 核查 tasks: a row per person of the pushed lists.
    Feedback,
}

impl Kind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [Kind; 7] = [
        Kind::Ledger,
        Kind::Cases,
        Kind::Checks,
        Kind::Entries,
        Kind::Reports,
        Kind::Coverage,
        Kind::Feedback,
    ];

    /// Stable code (`ledger`, `cases`, …).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Ledger => "ledger",
            Kind::Cases => "cases",
            Kind::Checks => "checks",
            Kind::Entries => "entries",
            Kind::Reports => "reports",
            Kind::Coverage => "coverage",
            Kind::Feedback => "feedback",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Result<Kind, ExportError> {
        Kind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
                ExportError::invalid(
                    format!("导出类型“{s}”无效，可选：{}", all.join("、")),
                    format!(
                        "unknown export kind '{s}', expected one of {}",
                        all.join(", ")
                    ),
                )
            })
    }
}

/// File format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Excel workbook.
    Xlsx,
    /// CSV, UTF-8 with a BOM.
    Csv,
}

impl Format {
    /// `xlsx` or `csv`.
    pub fn code(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// Parses `xlsx` or `csv`.
    pub fn parse(s: &str) -> Result<Format, ExportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv),
            _ => Err(ExportError::invalid(
                format!("文件格式“{s}”无效，可选：xlsx、csv"),
                format!("unknown format '{s}', expected xlsx or csv"),
            )),
        }
    }
}

/// An export to make.
#[derive(Debug, Clone)]
pub struct Request {
    /// Which records to export (ledger, cases, checks, …).
    pub kind: Kind,
    /// As what.
    pub format: Format,
    /// Where (its extension, if any, must be the format's).
    pub out: PathBuf,
    /// Only this village.
    pub village: Option<String>,
    /// From this date (cases, checks, entries, reports; coverage: the window starts here).
    pub from: Option<NaiveDate>,
    /// Up to this date, included (cases, checks, entries, reports).
    pub to: Option<NaiveDate>,
    /// Full ID numbers instead of masked ones.
    pub full_ids: bool,
}

/// An export as the app's export sheet asks for it: kind and format as their codes, the path
/// chosen in the save dialog.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ExportForm", optional_fields = nullable))]
pub struct Form {
    /// ledger, cases, checks, entries, reports or coverage.
    pub kind: String,
    /// xlsx or csv.
    pub format: String,
    /// The path chosen in the save dialog.
    pub out: PathBuf,
    /// Only this village (empty: every village).
    pub village: Option<String>,
    /// From this date.
    pub from: Option<NaiveDate>,
    /// Up to this date, included.
    pub to: Option<NaiveDate>,
    /// Full ID numbers instead of masked ones.
    #[serde(default)]
    pub full_ids: bool,
}

impl Form {
    /// The export the form asks for, or why its kind or format is unknown.
    pub fn request(self) -> Result<Request, ExportError> {
        Ok(Request {
            kind: Kind::parse(&self.kind)?,
            format: Format::parse(&self.format)?,
            out: self.out,
            village: self.village.filter(|v| !v.trim().is_empty()),
            from: self.from,
            to: self.to,
            full_ids: self.full_ids,
        })
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ExportOutcome"))]
pub struct Outcome {
    /// Data rows (title and header not counted).
    pub rows: u64,
    /// The file written.
    pub path: PathBuf,
    /// Whether ID numbers are in full.
    pub full_ids: bool,
}

/// Checks everything about `req` that can be checked before reading or writing anything.
pub fn validate(req: &Request) -> Result<(), ExportError> {
    let takes_range = matches!(
        req.kind,
        Kind::Cases | Kind::Checks | Kind::Entries | Kind::Reports
    );
    if req.kind == Kind::Feedback && (req.from.is_some() || req.to.is_some()) {
        return Err(ExportError::invalid(
            "核查反馈表列出全部名单人员，不按日期导出：请去掉 --from/--to",
            "the feedback sheet lists every pushed person and takes no dates: drop --from/--to",
        ));
    }
    if req.kind == Kind::Ledger && (req.from.is_some() || req.to.is_some()) {
        return Err(ExportError::invalid(
            "一户一档台账是当前名册，不按日期导出：请去掉 --from/--to",
            "the ledger is the current roll and takes no dates: drop --from/--to",
        ));
    }
    if req.kind == Kind::Coverage && req.to.is_some() {
        return Err(ExportError::invalid(
            "核查覆盖截至今天：只能用 --from 指定起始日期",
            "coverage runs up to today: only --from applies",
        ));
    }
    if let (Some(f), Some(t)) = (req.from, req.to) {
        if takes_range && f > t {
            return Err(ExportError::invalid(
                format!("起始日期 {f} 晚于结束日期 {t}"),
                format!("--from {f} is after --to {t}"),
            ));
        }
    }
    match req.out.extension().and_then(|e| e.to_str()) {
        Some(ext) if !ext.eq_ignore_ascii_case(req.format.code()) => {
            return Err(ExportError::invalid(
                format!("输出文件扩展名 .{ext} 与格式 {} 不符", req.format.code()),
                format!(
                    "output extension .{ext} does not match format {}",
                    req.format.code()
                ),
            ))
        }
        _ => {}
    }
    let name_ok = req.out.file_name().is_some_and(|n| !n.is_empty());
    let parent = req
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !name_ok || !parent.is_dir() || req.out.is_dir() {
        return Err(ExportError::invalid(
            format!("输出路径无效或目录不存在：{}", req.out.display()),
            format!(
                "output path is invalid or its folder does not exist: {}",
                req.out.display()
            ),
        ));
    }
    Ok(())
}

/// Makes the export and records it. On any failure nothing is left at `req.out` (an older
/// file there is kept) and nothing is recorded.
pub fn export(store: &Store, req: &Request) -> Result<Outcome, ExportError> {
    validate(req)?;
    if req.full_ids && !store.may_export_full_ids()? {
        return Err(ExportError::FullIdsRefused);
    }
    let file_name = req
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = req
        .out
        .with_file_name(format!(".{file_name}.{}.part", std::process::id()));
    let result = write(store, req, &tmp);
    let rows = match result.and_then(|rows| Ok((rows, std::fs::rename(&tmp, &req.out)?))) {
        Ok((rows, ())) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    store.record_export(&ExportRecord {
        id: String::new(),
        at: String::new(),
        device: String::new(),
        device_id: None,
        kind: req.kind.code().to_owned(),
        format: req.format.code().to_owned(),
        village_id: req.village.clone(),
        date_from: req.from.map(|d| d.to_string()),
        date_to: req.to.map(|d| d.to_string()),
        subject: None,
        rows,
        full_ids: req.full_ids,
        path: req.out.display().to_string(),
        ..ExportRecord::default()
    })?;
    Ok(Outcome {
        rows,
        path: req.out.clone(),
        full_ids: req.full_ids,
    })
}

fn write(store: &Store, req: &Request, tmp: &Path) -> Result<u64, ExportError> {
    let mut sink: Box<dyn sink::Sink> = match req.format {
        Format::Xlsx => Box::new(sink::XlsxSink::new()),
        Format::Csv => Box::new(sink::CsvSink::create(tmp)?),
    };
    let filter = ExportFilter {
        village: req.village.clone(),
        from: req.from,
        to: req.to,
    };
    let rows = kinds::write_kind(store, req, &filter, sink.as_mut())?;
    sink.finish(tmp)?;
    Ok(rows)
}
