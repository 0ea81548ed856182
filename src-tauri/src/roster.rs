//! Tauri commands of 导入 (the household roster): the township checks a 一户一档 sheet (a dry
//! run, with the header row and each column's field it may change), saves the check as a sheet
//! with a reason column, imports it with progress after each committed batch and may stop it
//! between batches. One-line adapters over gridbook-import; only a township device may import
//! (gridbook-import refuses any other).

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use gridbook_import::{
    check_file, import_file, plan_file, roster_overrides, write_report, ColumnChoice, Options,
    Report,
};
use tauri::{AppHandle, Emitter, State};

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

/// The event sent after each committed batch of an import: `{done, total}`.
pub const PROGRESS_EVENT: &str = "roster-progress";

/// Set by [`roster_cancel`]: the running import stops after its current batch.
#[derive(Default)]
pub struct Stop(AtomicBool);

/// How to read the file, as the screen chose: the village (else the file's 村 column), the
/// header row (else found) and the columns the township changed, each named by its position
/// (so a column with a blank or repeated header is one column) or by its header.
fn options(
    village: Option<String>,
    header_row: Option<usize>,
    map: &[ColumnChoice],
    keep_cells: bool,
) -> R<Options> {
    Ok(Options {
        village,
        sheet: None,
        map: roster_overrides(map)?,
        keep_cells,
        header_row,
    })
}

/// The dry run: counts, fixed and refused rows, the header and each column's field.
#[tauri::command(async)]
pub fn roster_check(
    app: State<'_, App>,
    path: PathBuf,
    village: Option<String>,
    header_row: Option<usize>,
    map: Vec<ColumnChoice>,
) -> R<Report> {
    Ok(check_file(
        &app.store,
        &path,
        &options(village, header_row, &map, false)?,
    )?)
}

/// Writes the dry run as a sheet (every row with its result and reason) to `out`; returns
/// the rows written.
#[tauri::command(async)]
pub fn roster_report(
    app: State<'_, App>,
    path: PathBuf,
    village: Option<String>,
    header_row: Option<usize>,
    map: Vec<ColumnChoice>,
    out: PathBuf,
) -> R<usize> {
    let plan = plan_file(
        &app.store,
        &path,
        &options(village, header_row, &map, true)?,
    )?;
    write_report(&plan, &out)?;
    Ok(plan.rows.len())
}

/// Imports the file, emitting [`PROGRESS_EVENT`] after each committed batch.
#[tauri::command(async)]
pub fn roster_import(
    handle: AppHandle,
    app: State<'_, App>,
    stop: State<'_, Stop>,
    path: PathBuf,
    village: Option<String>,
    header_row: Option<usize>,
    map: Vec<ColumnChoice>,
) -> R<Report> {
    stop.0.store(false, Ordering::SeqCst);
    let opts = options(village, header_row, &map, false)?;
    app.wrote(import_file(&app.store, &path, &opts, &mut |p| {
        let _ = handle.emit(PROGRESS_EVENT, p);
        if stop.0.load(Ordering::SeqCst) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }))
}

/// Asks the running import to stop after its current batch.
#[tauri::command]
pub fn roster_cancel(stop: State<'_, Stop>) {
    stop.0.store(true, Ordering::SeqCst);
}
