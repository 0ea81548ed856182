//! Tauri commands of 核查任务: the township imports a pushed list and exports the feedback
//! sheet, grid workers answer their village's tasks. One-line adapters over gridbook-import,
//! the store and gridbook-export.

use std::path::PathBuf;

use gridbook_domain::task::Outcome;
use gridbook_domain::RiskTag;
use gridbook_export::{Format, Kind, Request};
use gridbook_import::{
    list_overrides, read_list, ColumnChoice, ImportError, ImportedList, ListPreview,
};
use gridbook_store::{masked, Answered, TaskAssigned, TaskFilter, TaskRow};
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => s.into(),
            ImportError::UnknownField(_) | ImportError::NoColumn { .. } => AppError {
                field: Some("map"),
                ..AppError::new("invalid", (e.zh(), e.to_string()))
            },
            ImportError::NoHeader { .. } => AppError {
                field: Some("header_row"),
                code: Some("no_header".into()),
                ..AppError::new("invalid", (e.zh(), e.to_string()))
            },
            ImportError::Village { .. } => AppError {
                field: Some("village"),
                ..AppError::new("invalid", (e.zh(), e.to_string()))
            },
            other => AppError::new("invalid", (other.zh(), other.to_string())),
        }
    }
}

#[tauri::command(async)]
pub fn tasks_list(app: State<'_, App>, village: Option<String>, open: bool) -> R<Vec<TaskRow>> {
    Ok(masked(app.store.tasks(&TaskFilter {
        village,
        open,
        ..TaskFilter::default()
    })?))
}

#[tauri::command(async)]
pub fn task_close(
    app: State<'_, App>,
    task_id: String,
    outcome: Outcome,
    note: Option<String>,
    tag: Option<RiskTag>,
) -> R<Answered> {
    app.wrote(
        app.store
            .close_task(&task_id, outcome, note.as_deref(), tag),
    )
}

/// What each column of the list is taken for (with the township's `map`), before importing.
#[tauri::command(async)]
pub fn tasks_preview(app: State<'_, App>, path: PathBuf, map: Vec<ColumnChoice>) -> R<ListPreview> {
    let map = list_overrides(&map)?;
    Ok(read_list(&path, None, &map, app.store.now_local().date())?.preview())
}

#[tauri::command(async)]
pub fn tasks_import(
    app: State<'_, App>,
    path: PathBuf,
    source: String,
    due_hours: Option<u32>,
    map: Option<Vec<ColumnChoice>>,
) -> R<ImportedList> {
    let map = list_overrides(&map.unwrap_or_default())?;
    let list = read_list(&path, None, &map, app.store.now_local().date())?;
    let result = app.wrote(app.store.import_task_list(&source, due_hours, &list.rows))?;
    Ok(ImportedList {
        columns: list.columns,
        result,
    })
}

#[tauri::command(async)]
pub fn task_assign(
    app: State<'_, App>,
    task_id: String,
    village: String,
    person: Option<String>,
) -> R<TaskAssigned> {
    app.wrote(app.store.assign_task(&task_id, &village, person.as_deref()))
}

#[tauri::command(async)]
pub fn tasks_export(app: State<'_, App>, out: PathBuf) -> R<gridbook_export::Outcome> {
    let full_ids = app.store.may_export_full_ids()?;
    let req = Request {
        kind: Kind::Feedback,
        format: Format::Xlsx,
        out,
        village: None,
        from: None,
        to: None,
        full_ids,
    };
    app.wrote(gridbook_export::export(&app.store, &req))
}
