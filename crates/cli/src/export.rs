//! The "Township" commands for files: `export` (ledger, cases, checks, entries, reports,
//! coverage as .xlsx or CSV), `print` (居家隔离公示单, 期满证明 as PDF) and `export-log` (who
//! exported or printed what, when).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;
use gridbook_domain::isolation::CaseStatus;
use gridbook_export::{ExportError, Format, Kind, Request};
use gridbook_print::{CjkFont, Paper, PrintError};
use gridbook_store::Store;
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// `gridbook export KIND …`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to export: ledger | cases | checks | entries | reports | coverage | feedback.
    kind: String,
    /// xlsx or csv.
    #[arg(long)]
    format: String,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Only this village.
    #[arg(long)]
    village: Option<String>,
    /// From this date, YYYY-MM-DD (cases, checks, entries, reports; coverage: window start).
    #[arg(long)]
    from: Option<String>,
    /// Up to this date, YYYY-MM-DD, included (cases, checks, entries, reports).
    #[arg(long)]
    to: Option<String>,
    /// Full ID numbers (township devices only); masked otherwise.
    #[arg(long)]
    full_ids: bool,
}

/// `gridbook print …`.
#[derive(Debug, Subcommand)]
pub enum PrintCmd {
    /// 居家隔离公示单 of a case, to post at the door.
    Notice {
        /// Case id.
        case_id: String,
        /// The PDF to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// 期满证明 of a released case.
    Certificate {
        /// Case id.
        case_id: String,
        /// The PDF to write.
        #[arg(long)]
        out: PathBuf,
    },
}

fn date(flag: &str, raw: Option<&str>) -> Result<Option<NaiveDate>, Failure> {
    raw.map(|s| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            Failure::invalid(
                format!("--{flag}“{s}”应为日期 YYYY-MM-DD"),
                format!("--{flag} '{s}' must be a date YYYY-MM-DD"),
            )
        })
    })
    .transpose()
}

impl From<ExportError> for Failure {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Invalid { zh, en } => Failure::invalid(zh, en),
            ExportError::FullIdsRefused => Failure {
                code: 3,
                kind: "refused",
                field: Some("full_ids"),
                zh: "只有镇级设备可以导出完整身份证号：本设备登记为村级设备".into(),
                en: "full ID numbers may only be exported on a township device; this one is \
                     enrolled for a village"
                    .into(),
            },
            ExportError::Store(s) => s.into(),
            ExportError::Io(io) => io.into(),
            other => Failure {
                code: 1,
                kind: "export",
                field: None,
                zh: format!("导出失败：{other}"),
                en: other.to_string(),
            },
        }
    }
}

impl From<PrintError> for Failure {
    fn from(e: PrintError) -> Self {
        match e {
            PrintError::Invalid { zh, en } => Failure::invalid(zh, en),
            PrintError::NotReleased { status } => {
                let (zh, en) = CaseStatus::parse(&status)
                    .map(|s| (s.zh().to_owned(), s.en().to_owned()))
                    .unwrap_or_else(|_| (status.clone(), status.clone()));
                Failure {
                    code: 3,
                    kind: "refused",
                    field: None,
                    zh: format!("管控对象尚未解除（当前：{zh}），不能开具期满证明"),
                    en: format!("the case is not released (it is {en}): no certificate"),
                }
            }
            PrintError::NoCjkFont { .. } => Failure {
                code: 1,
                kind: "no_font",
                field: None,
                zh: format!(
                    "找不到中文字体，请安装 fonts-noto-cjk 或设置 GRIDBOOK_CJK_FONT（{e}）"
                ),
                en: e.to_string(),
            },
            PrintError::Store(s) => s.into(),
            PrintError::Io(io) => io.into(),
            other => Failure {
                code: 1,
                kind: "print",
                field: None,
                zh: format!("打印失败：{other}"),
                en: other.to_string(),
            },
        }
    }
}

/// Runs `export`.
pub fn export(store: &Store, a: &ExportArgs, json: bool, lang: Lang) -> Result<(), Failure> {
    let req = Request {
        kind: Kind::parse(&a.kind)?,
        format: Format::parse(&a.format)?,
        out: a.out.clone(),
        village: a.village.clone(),
        from: date("from", a.from.as_deref())?,
        to: date("to", a.to.as_deref())?,
        full_ids: a.full_ids,
    };
    let done = gridbook_export::export(store, &req)?;
    emit(
        json,
        &json!({ "rows": done.rows, "path": done.path, "full_ids": done.full_ids }),
        || {
            let ids = if done.full_ids {
                t(lang, "完整身份证号", "full ID numbers")
            } else {
                t(lang, "身份证号已脱敏", "ID numbers masked")
            };
            format!(
                "{} {} {}：{}（{ids}）",
                t(lang, "已导出", "exported"),
                done.rows,
                t(lang, "行", "rows to"),
                done.path.display()
            )
        },
    );
    Ok(())
}

/// Runs `print`.
pub fn print(store: &Store, cmd: &PrintCmd, json: bool, lang: Lang) -> Result<(), Failure> {
    let (paper, case_id, out) = match cmd {
        PrintCmd::Notice { case_id, out } => (Paper::Notice, case_id, out),
        PrintCmd::Certificate { case_id, out } => (Paper::Certificate, case_id, out),
    };
    let font = CjkFont::find()?;
    let done = gridbook_print::print_to_file(store, paper, case_id, out, &font)?;
    emit(json, &done, || {
        let mut s = format!("{}：{}", t(lang, "已生成", "written"), done.path.display());
        if let Some(n) = &done.number {
            s.push_str(&format!("（{} {n}）", t(lang, "编号", "number")));
        }
        s
    });
    Ok(())
}

/// `gridbook export-log`: the newest exports, printouts and reveals of full ID numbers or
/// phones, newest first.
pub fn export_log(store: &Store, limit: usize, json: bool, lang: Lang) -> Result<(), Failure> {
    let log = store.exports_log(limit)?;
    emit(json, &log, || {
        if log.is_empty() {
            return t(lang, "还没有导出或打印记录", "no exports or printouts yet");
        }
        log.iter()
            .map(|e| {
                if e.kind == "reveal" {
                    return reveal_line(e, lang);
                }
                let full = if e.full_ids {
                    t(lang, "  完整身份证号", "  full ID numbers")
                } else {
                    String::new()
                };
                format!(
                    "{}  {}  {} {}  {}{}{full}  {}",
                    e.at.replace('T', " "),
                    e.device,
                    e.kind,
                    e.format,
                    e.rows,
                    t(lang, "行", " rows"),
                    e.path
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// One reveal as `export-log` lists it for people: when, which device, which fields, whose
/// (or how many records, for a list), and the list that showed them.
fn reveal_line(e: &gridbook_store::ExportRecord, lang: Lang) -> String {
    let fields: Vec<&str> = e.field.as_deref().unwrap_or_default().split(',').collect();
    let what = match (fields.contains(&"id_number"), fields.contains(&"phone")) {
        (true, true) => t(
            lang,
            "查看完整身份证号和电话",
            "showed the full ID numbers and phones of",
        ),
        (false, true) => t(lang, "查看完整电话", "showed the full phone of"),
        _ => t(lang, "查看完整身份证号", "showed the full ID number of"),
    };
    let whose = e.subject_name.clone().or_else(|| e.subject.clone());
    let whose = match (&e.via, whose) {
        (Some(_), None) => format!("{} {}", e.rows, t(lang, "条记录", "records")),
        (_, whose) => whose.unwrap_or_default(),
    };
    let via = e.via.as_deref().map_or_else(String::new, |v| {
        let (zh, en) = match v {
            "search" => ("搜索", "search"),
            "tasks" => ("核查任务列表", "the list of tasks"),
            "match" => ("卡口查找居民", "a checkpoint match"),
            "entries" => ("卡口登记列表", "the checkpoint register"),
            "history" => ("修改记录", "a record's history"),
            "conflicts" => ("冲突列表", "the list of conflicts"),
            other => (other, other),
        };
        format!("  {}{}", t(lang, "经由", "in "), t(lang, zh, en))
    });
    format!(
        "{}  {}  {what}  {whose}{via}",
        e.at.replace('T', " "),
        e.device
    )
}
