//! `gridbook tasks`: 核查任务 from lists pushed from above. The township imports a list (each
//! row matched to the ledger becomes a task for its village's grid worker; the rest stay on
//! the township's list), grid workers close tasks with what they found, and the answers go
//! back to the sender as the feedback sheet.

use std::path::PathBuf;

use clap::Subcommand;
use gridbook_domain::task::Outcome;
use gridbook_domain::RiskTag;
use gridbook_export::{Format, Kind, Request};
use gridbook_import::{list_field_zh, parse_list_map, read_list, ImportError};
use gridbook_store::{Store, TaskFilter};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// Task commands.
#[derive(Debug, Subcommand)]
pub enum TasksCmd {
    /// Import a pushed list (.xlsx, .xls, .csv): every row becomes a task for its village.
    Import {
        /// The list's file.
        file: PathBuf,
        /// Who sent the list (e.g. 县公安局12月1日推送): printed on the feedback sheet, and
        /// the same list from the same source imported again adds nothing.
        #[arg(long)]
        source: String,
        /// Hours the villages have to check (default: the township's setting, else 24).
        #[arg(long)]
        due_hours: Option<u32>,
        /// Sheet of a workbook (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// What columns are taken for, overriding what was detected: HEADER=FIELD,... with
        /// FIELD one of name, id_number, phone, category, date, place, note, or ignore; a
        /// column whose header is blank or repeated by position: #C=FIELD (its letter) or
        /// #3=FIELD (counted from 1), also written FIELD=#3.
        #[arg(long)]
        map: Option<String>,
        /// Only read the file: show what each column is taken for and how many rows there
        /// are; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Hand a row of the township's list (matched to nobody) to a village: it becomes a task
    /// for that village's grid worker.
    Assign {
        /// The row's task id (`tasks list --unmatched`).
        task_id: String,
        /// The village's id.
        #[arg(long)]
        village: String,
        /// The person of that village's ledger, if known.
        #[arg(long)]
        person: Option<String>,
    },
    /// List tasks: open first (overdue before the rest), then done. ID numbers and phones as
    /// `search` gives them.
    List {
        /// Only this village's.
        #[arg(long)]
        village: Option<String>,
        /// Only open tasks.
        #[arg(long)]
        open: bool,
        /// Only the township's list (rows that matched nobody).
        #[arg(long)]
        unmatched: bool,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
    /// Answer a task: present (在村已核实), left (已离开) or unknown (查无此人).
    Close {
        /// Task id.
        task_id: String,
        /// present, left or unknown (or the Chinese label).
        #[arg(long)]
        outcome: String,
        /// What was found.
        #[arg(long)]
        note: Option<String>,
        /// Also tag the person in the ledger (密接, 次密接, 红码 …).
        #[arg(long)]
        tag: Option<String>,
    },
    /// Write the feedback sheet (核查情况反馈表) for the senders.
    Export {
        /// The .xlsx file to write.
        #[arg(long)]
        out: PathBuf,
        /// Only this village's tasks.
        #[arg(long)]
        village: Option<String>,
    },
    /// Set the township's default hours for checking a pushed person.
    DueHours {
        /// Hours (1–720).
        hours: u32,
    },
}

/// Runs `gridbook tasks`.
pub fn tasks(store: &Store, cmd: &TasksCmd, json: bool, lang: Lang) -> Result<(), Failure> {
    match cmd {
        TasksCmd::Import {
            file,
            source,
            due_hours,
            sheet,
            map,
            dry_run,
        } => {
            let map = match map {
                Some(spec) => parse_list_map(spec).map_err(ImportError::UnknownField)?,
                None => Vec::new(),
            };
            // Check what needs no file first: a bad source is refused before reading.
            gridbook_store::parse_task_source(source)?;
            let list = read_list(file, sheet.as_deref(), &map, store.now_local().date())?;
            if *dry_run {
                let preview = list.preview();
                emit(json, &preview, || {
                    let mut out = format!(
                        "{} {} {}",
                        t(lang, "名单共", "rows:"),
                        preview.rows,
                        t(lang, "人；各列的识别：", "persons; columns:")
                    );
                    for c in &preview.columns {
                        out.push_str(&format!(
                            "\n  {} → {}",
                            match lang {
                                Lang::Zh => c.zh(),
                                Lang::En => c.en(),
                            },
                            match (c.field, lang) {
                                (Some(f), Lang::Zh) => list_field_zh(f),
                                (Some(f), Lang::En) => f,
                                (None, Lang::Zh) => "（不使用）",
                                (None, Lang::En) => "(not used)",
                            }
                        ));
                    }
                    out
                });
                return Ok(());
            }
            let done = store.import_task_list(source, *due_hours, &list.rows)?;
            emit(json, &done, || {
                format!(
                    "{} {} {}：{} {}，{} {}（{} {}），{} {}",
                    t(lang, "已导入核查名单", "list imported"),
                    done.tasks,
                    t(lang, "人", "persons"),
                    t(lang, "匹配到台账", "matched"),
                    done.matched,
                    t(lang, "未匹配", "unmatched"),
                    done.unmatched,
                    t(lang, "新建任务", "new tasks"),
                    done.created,
                    t(lang, "截止", "due"),
                    done.due
                )
            });
        }
        TasksCmd::List {
            village,
            open,
            unmatched,
            masked,
        } => {
            let filter = TaskFilter {
                village: village.clone(),
                open: *open,
                unmatched: *unmatched,
                source: None,
            };
            let rows = store.tasks_shown(&filter, json && !masked)?;
            emit(json, &rows, || {
                rows.iter()
                    .map(|r| {
                        let state = match (&r.outcome, r.overdue) {
                            (Some(o), _) => Outcome::parse(o).map_or_else(
                                |_| o.clone(),
                                |o| match lang {
                                    Lang::Zh => o.zh().to_owned(),
                                    Lang::En => o.en().to_owned(),
                                },
                            ),
                            (None, true) => t(lang, "已超时", "overdue"),
                            (None, false) => t(lang, "待核查", "open"),
                        };
                        let place = r.village_name.clone().unwrap_or_else(|| {
                            t(lang, "（镇名单：未匹配）", "(township list: unmatched)")
                        });
                        format!(
                            "{}  {}  {}  {}  {} {}  {}",
                            r.task_id,
                            r.name,
                            crate::masking::id(&r.id_number),
                            place,
                            t(lang, "截止", "due"),
                            r.due,
                            state
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TasksCmd::Close {
            task_id,
            outcome,
            note,
            tag,
        } => {
            let outcome = Outcome::parse(outcome).map_err(gridbook_store::StoreError::from)?;
            let tag = tag
                .as_deref()
                .map(RiskTag::parse)
                .transpose()
                .map_err(gridbook_store::StoreError::from)?;
            let done = store.close_task(task_id, outcome, note.as_deref(), tag)?;
            emit(json, &done, || {
                format!(
                    "{}：{}",
                    t(lang, "已记录核查结果", "answer recorded"),
                    match lang {
                        Lang::Zh => outcome.zh(),
                        Lang::En => outcome.en(),
                    }
                )
            });
        }
        TasksCmd::Assign {
            task_id,
            village,
            person,
        } => {
            let done = store.assign_task(task_id, village, person.as_deref())?;
            emit(json, &done, || {
                format!(
                    "{} {}，{} {}",
                    t(
                        lang,
                        "已分派到村，新任务",
                        "assigned to the village as task"
                    ),
                    done.task_id,
                    t(lang, "截止", "due"),
                    done.due
                )
            });
        }
        TasksCmd::Export { out, village } => {
            let req = Request {
                kind: Kind::Feedback,
                format: Format::Xlsx,
                out: out.clone(),
                village: village.clone(),
                from: None,
                to: None,
                // The sheet goes back to the list's sender: their own list, in full, where
                // this device may write full numbers at all.
                full_ids: store.may_export_full_ids()?,
            };
            let done = gridbook_export::export(store, &req)?;
            emit(
                json,
                &json!({ "rows": done.rows, "path": done.path, "full_ids": done.full_ids }),
                || {
                    format!(
                        "{} {} {}：{}",
                        t(lang, "已导出核查反馈表", "feedback sheet written"),
                        done.rows,
                        t(lang, "行", "rows to"),
                        done.path.display()
                    )
                },
            );
        }
        TasksCmd::DueHours { hours } => {
            store.set_task_due_hours(*hours)?;
            emit(json, &json!({ "due_hours": hours }), || {
                format!("{} {hours}", t(lang, "核查时限（小时）", "hours to check"))
            });
        }
    }
    Ok(())
}
