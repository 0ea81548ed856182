//! Where rows go: an .xlsx sheet (rust_xlsxwriter in constant-memory mode, so a 400k-row
//! ledger streams to disk) or a CSV file (UTF-8 with a BOM, so Excel opens it as UTF-8).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use crate::error::ExportError;

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// An empty cell.
    Empty,
    /// Text, kept as text (ID numbers, phones: never turned into numbers).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A temperature and the like, one decimal.
    Decimal(f64),
    /// A date.
    Date(NaiveDate),
    /// A date and time.
    DateTime(NaiveDateTime),
}

impl Cell {
    /// Text, or empty when absent or blank.
    pub(crate) fn opt(s: Option<impl Into<String>>) -> Cell {
        match s.map(Into::into) {
            Some(s) if !s.trim().is_empty() => Cell::Text(s),
            _ => Cell::Empty,
        }
    }
}

/// A column: its header and width (in Excel's character units).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) width: f64,
}

/// A destination of rows.
pub(crate) trait Sink {
    /// Starts the one sheet of the export: its name, the title row, the header.
    fn begin(&mut self, sheet: &str, title: &str, columns: &[Column]) -> Result<(), ExportError>;
    /// Writes one row.
    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError>;
    /// Writes everything to `path`.
    fn finish(self: Box<Self>, path: &Path) -> Result<(), ExportError>;
}

/// An .xlsx workbook with one constant-memory sheet: title row, frozen header row.
pub(crate) struct XlsxSink {
    book: Workbook,
    next_row: u32,
    text: Format,
    date: Format,
    datetime: Format,
    decimal: Format,
}

impl XlsxSink {
    pub(crate) fn new() -> XlsxSink {
        XlsxSink {
            book: Workbook::new(),
            next_row: 0,
            text: Format::new().set_num_format("@"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            decimal: Format::new().set_num_format("0.0"),
        }
    }
}

impl Sink for XlsxSink {
    fn begin(&mut self, sheet: &str, title: &str, columns: &[Column]) -> Result<(), ExportError> {
        let header = Format::new()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color("#DDEBF7")
            .set_border(rust_xlsxwriter::FormatBorder::Thin);
        let title_format = Format::new().set_bold().set_font_size(14);
        let ws = self.book.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        for (i, c) in columns.iter().enumerate() {
            ws.set_column_width(i as u16, c.width)?;
        }
        ws.set_freeze_panes(2, 0)?;
        ws.set_header(format!("&C{title}"));
        ws.set_footer("&C第 &P 页，共 &N 页");
        ws.write_string_with_format(0, 0, title, &title_format)?;
        for (i, c) in columns.iter().enumerate() {
            ws.write_string_with_format(1, i as u16, c.name, &header)?;
        }
        self.next_row = 2;
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        let r = self.next_row;
        let ws = self.book.worksheet_from_index(0)?;
        for (i, cell) in cells.iter().enumerate() {
            let c = i as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &self.text)?;
                }
                Cell::Int(n) => {
                    ws.write_number(r, c, *n as f64)?;
                }
                Cell::Decimal(x) => {
                    ws.write_number_with_format(r, c, *x, &self.decimal)?;
                }
                Cell::Date(d) => {
                    ws.write_date_with_format(r, c, d, &self.date)?;
                }
                Cell::DateTime(t) => {
                    ws.write_datetime_with_format(r, c, t, &self.datetime)?;
                }
            }
        }
        self.next_row += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>, path: &Path) -> Result<(), ExportError> {
        self.book.save(path)?;
        Ok(())
    }
}

/// A CSV file: UTF-8 with a BOM, a header line (no title line: a CSV is read by programs),
/// fields quoted as RFC 4180 says, CRLF line ends as Excel writes them.
pub(crate) struct CsvSink {
    out: BufWriter<File>,
}

impl CsvSink {
    pub(crate) fn create(path: &Path) -> Result<CsvSink, ExportError> {
        let mut out = BufWriter::new(File::create(path)?);
        out.write_all("\u{feff}".as_bytes())?;
        Ok(CsvSink { out })
    }

    fn field(&mut self, s: &str) -> std::io::Result<()> {
        if s.contains([',', '"', '\n', '\r']) {
            write!(self.out, "\"{}\"", s.replace('"', "\"\""))
        } else {
            self.out.write_all(s.as_bytes())
        }
    }
}

impl Sink for CsvSink {
    fn begin(&mut self, _sheet: &str, _title: &str, columns: &[Column]) -> Result<(), ExportError> {
        let names: Vec<Cell> = columns.iter().map(|c| Cell::Text(c.name.into())).collect();
        self.row(&names)
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => self.field(s)?,
                Cell::Int(n) => write!(self.out, "{n}")?,
                Cell::Decimal(x) => write!(self.out, "{x:.1}")?,
                Cell::Date(d) => write!(self.out, "{}", d.format("%Y-%m-%d"))?,
                Cell::DateTime(t) => write!(self.out, "{}", t.format("%Y-%m-%d %H:%M"))?,
            }
        }
        self.out.write_all(b"\r\n")?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _path: &Path) -> Result<(), ExportError> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        Ok(())
    }
}
