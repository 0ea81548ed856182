//! `gridbook import`: households and persons from a township's 一户一档 sheet (.xlsx, .xls,
//! .csv). The dry run and the import make the same plan; the import writes it in batches
//! with a progress line on stderr.

use std::path::PathBuf;

use clap::Args;
use gridbook_import::{
    execute, parse_map, plan_file, write_report, Field, ImportError, Options, Report,
};
use gridbook_store::Store;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// Arguments of `gridbook import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: .xlsx, .xls or .csv (UTF-8, UTF-8 with BOM, GBK/GB18030).
    pub file: PathBuf,
    /// Put every row in this village (else the file's 村（社区） column names it).
    #[arg(long)]
    pub village: Option<String>,
    /// Sheet of a workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Column mapping overrides: HEADER=FIELD,... (FIELD: name, id_number, phone, address,
    /// group, household_no, head_name, relation, residency, tags, vulnerable, ignore, …, or
    /// the Chinese column name). A column whose header is blank or repeated is named by
    /// position instead: #C=FIELD (its letter) or #3=FIELD (counted from 1), also written
    /// FIELD=#3. A repeated header's field is taken from its leftmost column unless one of
    /// its columns is named by position.
    #[arg(long)]
    pub map: Option<String>,
    /// Plan only: report what the import would do, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the per-row report (with a reason column) to this .xlsx file.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// The header's row number in the file (1-based, among the first 30 rows), when it is not
    /// found by its column names; `--map` then names what its columns hold.
    #[arg(long)]
    pub header_row: Option<usize>,
    /// Print the import screen's report instead of the summary: the first rows of the sheet,
    /// each column's field, the fixed and refused rows and the counts. With --dry-run a sheet
    /// whose header is not found is no error: `header_row` is null and `head` its first rows.
    #[arg(long)]
    pub detail: bool,
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => Failure::from(s),
            ImportError::Report(_) => Failure {
                code: 1,
                kind: "io",
                field: None,
                zh: e.zh(),
                en: e.to_string(),
            },
            ImportError::UnknownField(_) | ImportError::NoColumn { .. } => Failure {
                field: Some("map"),
                ..Failure::invalid(e.zh(), e.to_string())
            },
            ImportError::Village { .. } => Failure {
                kind: "not_found",
                field: Some("village"),
                ..Failure::invalid(e.zh(), e.to_string())
            },
            ImportError::Unreadable { .. } | ImportError::NoHeader { .. } => Failure {
                field: Some("file"),
                ..Failure::invalid(e.zh(), e.to_string())
            },
        }
    }
}

/// Runs `gridbook import`.
pub fn import(store: &Store, a: &ImportArgs, json: bool, lang: Lang) -> Result<(), Failure> {
    let map = match &a.map {
        Some(spec) => parse_map(spec).map_err(ImportError::UnknownField)?,
        None => Vec::new(),
    };
    let opts = Options {
        village: a.village.clone(),
        sheet: a.sheet.clone(),
        map,
        keep_cells: a.report.is_some(),
        header_row: a.header_row,
    };
    let plan = match plan_file(store, &a.file, &opts) {
        Err(ImportError::NoHeader { head }) if a.detail && a.dry_run => {
            emit(json, &Report::no_header(head), || {
                t(lang, "找不到表头", "no header row")
            });
            return Ok(());
        }
        plan => plan?,
    };
    if let Some(path) = &a.report {
        write_report(&plan, path)?;
    }
    let mut summary = plan.summary();
    if !a.dry_run {
        let mut progress = |p: gridbook_import::Progress| {
            eprintln!(
                "{} {}/{}",
                t(lang, "导入进度", "import progress"),
                p.done,
                p.total
            );
        };
        let written = execute(store, &plan, gridbook_import::BATCH, &mut progress)?;
        summary = summary.written(&written);
        if a.detail {
            let mut report = Report::of(&plan);
            report.done = report.total;
            report.summary = Some(summary);
            emit(json, &report, || t(lang, "导入完成", "import done"));
            return Ok(());
        }
    } else if a.detail {
        emit(json, &Report::of(&plan), || {
            t(lang, "试导入（未写入）", "dry run (nothing written)")
        });
        return Ok(());
    }
    emit(json, &summary, || {
        let mut out = vec![format!(
            "{}: {} {}, {} {}, {} {}, {} {}",
            if a.dry_run {
                t(lang, "试导入（未写入）", "dry run (nothing written)")
            } else {
                t(lang, "导入完成", "import done")
            },
            summary.rows,
            t(lang, "行", "rows"),
            summary.ok,
            t(lang, "行正常", "ok"),
            summary.fixed,
            t(lang, "行已修正", "fixed"),
            summary.refused.len(),
            t(lang, "行拒绝", "refused"),
        )];
        out.push(format!(
            "{} {}, {} {}, {} {}, {} {}",
            t(lang, "新增户", "households added"),
            summary.households_added,
            t(lang, "新增人员", "persons added"),
            summary.persons_added,
            t(lang, "补充人员", "persons updated"),
            summary.persons_updated,
            t(lang, "与台账不一致", "differences"),
            summary.differences.len(),
        ));
        if a.dry_run {
            out.push(t(lang, "各列的识别：", "columns:"));
            for c in &plan.mapping {
                let field = c.field.and_then(Field::parse);
                out.push(match lang {
                    Lang::Zh => format!("  {} → {}", c.zh(), field.map_or("（不导入）", Field::zh)),
                    Lang::En => {
                        format!("  {} → {}", c.en(), field.map_or("(ignored)", Field::code))
                    }
                });
            }
        }
        for r in &summary.refused {
            out.push(match lang {
                Lang::Zh => format!("  第{}行 {}：{}", r.row, r.field, r.reason),
                Lang::En => format!("  row {} {}: {}", r.row, r.field, r.reason),
            });
        }
        out.join("\n")
    });
    Ok(())
}
