//! Reading the cells of a sheet: .xlsx / .xls through calamine, .csv through the `csv` crate
//! after decoding (UTF-8, UTF-8 with BOM, else GB18030, which covers GBK).

use std::path::Path;

use calamine::{open_workbook_auto, CellType, Data, DataRef, Range, Reader, ReaderRef, Sheets};

use crate::error::{ImportError, Result};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing there.
    Empty,
    /// Text (every CSV cell is text).
    Text(String),
    /// A number cell of a spreadsheet.
    Number(f64),
    /// A date cell of a spreadsheet, as its Excel serial.
    Date(f64),
}

impl Cell {
    /// Whether the cell holds nothing but spaces.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a person reading the sheet would see it (numbers without a
    /// trailing `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) | Cell::Date(n) => number_text(*n),
        }
    }
}

/// A number as Excel shows it in a general cell: whole numbers plainly, and numbers with more
/// than 11 digits in scientific notation (1.10101E+17), which is how the ID numbers of a
/// township's sheet look once Excel has taken them for numbers.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e11 {
        format!("{n:.0}")
    } else if n.abs() >= 1e11 {
        let s = format!("{n:.5E}");
        let (mantissa, exp) = s.split_once('E').unwrap_or((&s, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        let sign = if exp.starts_with('-') { "" } else { "+" };
        format!("{mantissa}E{sign}{exp}")
    } else {
        n.to_string()
    }
}

/// A row of a sheet with its number as the spreadsheet shows it (1-based).
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// Row number in the file (1-based, as Excel numbers rows; for CSV the line).
    pub row: usize,
    /// Cells from column A on.
    pub cells: Vec<Cell>,
}

/// Hands every row of the sheet to import to `f`, in order, without holding them all (a
/// township's file has some 400k rows).
pub fn visit_rows(
    path: &Path,
    sheet: Option<&str>,
    f: &mut dyn FnMut(SheetRow) -> Result<()>,
) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| {
                ImportError::unreadable(
                    format!("无法读取文件{}：{e}", path.display()),
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            read_csv(&bytes, f)
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, sheet, f),
        _ => Err(ImportError::unreadable(
            format!("不支持的文件类型“{ext}”，请用 .xlsx、.xls 或 .csv"),
            format!("unsupported file type '{ext}': use .xlsx, .xls or .csv"),
        )),
    }
}

/// Decodes CSV bytes: UTF-8 (a BOM is dropped) when valid, else GB18030 (a superset of GBK,
/// which is what Chinese Excel writes when it saves CSV).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            text.into_owned()
        }
    }
}

fn read_csv(bytes: &[u8], f: &mut dyn FnMut(SheetRow) -> Result<()>) -> Result<()> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut n = 0;
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            ImportError::unreadable(
                format!("CSV 文件格式有误：{e}"),
                format!("malformed CSV: {e}"),
            )
        })?;
        n += 1;
        let row = rec.position().map_or(n, |p| p.line() as usize);
        let cells = rec
            .iter()
            .map(|s| {
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_owned())
                }
            })
            .collect();
        f(SheetRow { row, cells })?;
    }
    Ok(())
}

fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    f: &mut dyn FnMut(SheetRow) -> Result<()>,
) -> Result<()> {
    let mut wb = open_workbook_auto(path).map_err(|e| {
        ImportError::unreadable(
            format!("无法打开表格文件{}：{e}", path.display()),
            format!("cannot open spreadsheet {}: {e}", path.display()),
        )
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_owned(),
        Some(s) => {
            return Err(ImportError::unreadable(
                format!("找不到工作表“{s}”，现有：{}", names.join("、")),
                format!("no sheet '{s}'; sheets: {}", names.join(", ")),
            ))
        }
        None => names.first().cloned().ok_or_else(|| {
            ImportError::unreadable("表格文件中没有工作表", "the workbook has no sheet")
        })?,
    };
    let unreadable = |e: calamine::Error| {
        ImportError::unreadable(
            format!("无法读取工作表“{name}”：{e}"),
            format!("cannot read sheet '{name}': {e}"),
        )
    };
    // An .xlsx or .xlsb sheet is read with its shared strings borrowed, each copied once into
    // its row; the owned range copies every string once more.
    if matches!(wb, Sheets::Xlsx(_) | Sheets::Xlsb(_)) {
        let range = wb.worksheet_range_ref(&name).map_err(unreadable)?;
        visit_range(&range, cell_of_ref, f)
    } else {
        let range = wb.worksheet_range(&name).map_err(unreadable)?;
        visit_range(&range, cell_of, f)
    }
}

/// Hands the rows of `range` to `f`, each from column A on.
fn visit_range<T: CellType>(
    range: &Range<T>,
    cell: fn(&T) -> Cell,
    f: &mut dyn FnMut(SheetRow) -> Result<()>,
) -> Result<()> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    for (i, r) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; first_col as usize];
        cells.extend(r.iter().map(cell));
        f(SheetRow {
            row: first_row as usize + i + 1,
            cells,
        })?;
    }
    Ok(())
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        Data::DateTime(dt) => Cell::Date(dt.as_f64()),
    }
}

/// [`cell_of`] of a cell read with its shared string borrowed (the same cell as an owned one).
fn cell_of_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty | DataRef::Error(_) => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cell::Text(s.clone())
        }
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(dt) => Cell::Date(dt.as_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_show_as_excel_shows_them() {
        assert_eq!(number_text(110101199003074477.0), "1.10101E+17");
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(120000000000.0), "1.2E+11");
    }

    #[test]
    fn csv_bytes_decode_from_utf8_bom_and_gbk() {
        let text = "姓名,身份证号\n张三,1\n";
        assert_eq!(decode_text(text.as_bytes()), text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode_text(&bom), text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk), text);
    }
}
