//! Tauri commands that write files the person chose with the save dialog: exports
//! (gridbook-export) and printouts (gridbook-print). One-line adapters; the errors say in
//! Chinese what went wrong.

use std::path::PathBuf;

use gridbook_export::{ExportError, Form, Outcome};
use gridbook_print::{CjkFont, Paper, PrintError, Printed};
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Invalid { zh, en } => AppError::new("invalid", (zh, en)),
            ExportError::FullIdsRefused => AppError::new(
                "refused",
                (
                    "只有镇级设备可以导出完整身份证号".into(),
                    "Only township devices may export full ID numbers".into(),
                ),
            ),
            ExportError::Store(s) => s.into(),
            other => AppError::new(
                "export",
                (
                    format!("导出失败：{other}"),
                    format!("Export failed: {other}"),
                ),
            ),
        }
    }
}

impl From<PrintError> for AppError {
    fn from(e: PrintError) -> Self {
        match e {
            PrintError::Invalid { zh, en } => AppError::new("invalid", (zh, en)),
            PrintError::NotReleased { .. } => AppError::new(
                "refused",
                (
                    "管控对象尚未解除，不能开具期满证明".into(),
                    "The case is not released: no release certificate yet".into(),
                ),
            ),
            PrintError::NoCjkFont { .. } => AppError::new(
                "no_font",
                (
                    "找不到中文字体，请安装 fonts-noto-cjk 或设置 GRIDBOOK_CJK_FONT".into(),
                    "No Chinese font found: install fonts-noto-cjk or set GRIDBOOK_CJK_FONT".into(),
                ),
            ),
            PrintError::Store(s) => s.into(),
            other => AppError::new(
                "print",
                (
                    format!("打印失败：{other}"),
                    format!("Printing failed: {other}"),
                ),
            ),
        }
    }
}

#[tauri::command(async)]
pub fn export_file(app: State<'_, App>, form: Form) -> R<Outcome> {
    app.wrote(gridbook_export::export(&app.store, &form.request()?))
}

#[tauri::command(async)]
pub fn print_notice(app: State<'_, App>, case_id: String, out: PathBuf) -> R<Printed> {
    app.wrote(CjkFont::find().and_then(|font| {
        gridbook_print::print_to_file(&app.store, Paper::Notice, &case_id, &out, &font)
    }))
}

#[tauri::command(async)]
pub fn print_certificate(app: State<'_, App>, case_id: String, out: PathBuf) -> R<Printed> {
    app.wrote(CjkFont::find().and_then(|font| {
        gridbook_print::print_to_file(&app.store, Paper::Certificate, &case_id, &out, &font)
    }))
}

/// The newest exports and printouts: this device's, and on a township device every device's.
#[tauri::command(async)]
pub fn exports_log(app: State<'_, App>, limit: usize) -> R<Vec<gridbook_store::ExportRecord>> {
    Ok(app.store.exports_log(limit)?)
}
