//! The dry-run report as a sheet: every row of the file with its cells, its result and the
//! reason, so the township fixes the file and tries again; a second sheet lists the
//! differences with the ledger.

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::{ImportError, Result};
use crate::header::Field;
use crate::plan::{PersonAction, Plan, RowStatus};

fn field_zh(code: &str) -> &'static str {
    match code {
        "address" => "现住址",
        _ => Field::parse(code).map_or("", Field::zh),
    }
}

/// Column headings of the result columns, after the file's own columns.
pub const RESULT_COLUMNS: [&str; 4] = ["导入结果", "人员处理", "字段", "原因或说明"];

/// Writes the report of `plan` (made with `keep_cells`) to `path` (.xlsx).
pub fn write_report(plan: &Plan, path: &Path) -> Result<()> {
    write(plan, path).map_err(|e| ImportError::Report(e.to_string()))
}

fn write(plan: &Plan, path: &Path) -> std::result::Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("导入检查")?;
    ws.write_string_with_format(0, 0, "原行号", &bold)?;
    let width = plan.columns.len() as u16;
    for (c, (text, _)) in plan.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 1, text, &bold)?;
    }
    for (i, h) in RESULT_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, width + 1 + i as u16, *h, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, r) in plan.rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, r.row as f64)?;
        for (c, text) in r.cells.iter().take(plan.columns.len()).enumerate() {
            if !text.is_empty() {
                ws.write_string(row, c as u16 + 1, text)?;
            }
        }
        let status = match r.status {
            RowStatus::Ok => "正常",
            RowStatus::Fixed => "已修正",
            RowStatus::Refused => "拒绝",
        };
        let action = match r.action {
            Some(PersonAction::Create) => "新增",
            Some(PersonAction::Update) => "补充",
            Some(PersonAction::Unchanged) => "无变化",
            None => "",
        };
        let (field, reason) = match &r.refusal {
            Some(x) => (field_zh(x.field), x.reason.clone()),
            None => ("", r.fixes.join("；")),
        };
        let c = width + 1;
        ws.write_string(row, c, status)?;
        ws.write_string(row, c + 1, action)?;
        ws.write_string(row, c + 2, field)?;
        ws.write_string(row, c + 3, &reason)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("与台账不一致")?;
    for (c, h) in ["原行号", "人员编号", "字段", "台账中", "文件中"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, d) in plan.differences.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, d.row as f64)?;
        ws.write_string(row, 1, &d.person_id)?;
        let field = match d.field {
            "village" => "村（社区）",
            f => field_zh(f),
        };
        ws.write_string(row, 2, field)?;
        ws.write_string(row, 3, &d.ledger)?;
        ws.write_string(row, 4, &d.file)?;
    }
    wb.save(path)?;
    Ok(())
}
