//! Lists pushed from above (公安、卫健: 姓名, 身份证号, 联系电话, 类别, 日期 …), read with the same
//! reader, header finder and clean-up as the roster, into rows for the store's 核查 tasks.
//!
//! A pushed list is the sender's, not ours: nothing in a row is refused for being odd. An ID
//! number that is not valid (a wrong check character, digits Excel already lost) is kept as
//! written for the feedback sheet and is simply not matched on; a phone that is not one is
//! kept likewise. Only rows with neither a name nor an ID number are skipped.

use std::path::Path;

use chrono::NaiveDate;
use gridbook_domain::validate::{parse_id_document, parse_phone};
use gridbook_store::{ListRow, TaskImport};
use serde::Serialize;

use crate::error::{ImportError, Result};
use crate::header::{find_header, header_key, Field, HEADER_SEARCH_ROWS};
use crate::list_map::{roster_overrides, ListOverrides, LIST_FIELDS};
use crate::mapping::{check_positions, describe, ListColumn};
use crate::normalize::{clean, compact, lost_id_number, parse_date};
use crate::read::{visit_rows, Cell, SheetRow};

/// Header names of the list's own columns that the roster does not have.
const CATEGORY: &[&str] = &[
    "类别",
    "人员类别",
    "推送类别",
    "风险类别",
    "类型",
    "人员类型",
];
const DATE: &[&str] = &[
    "日期",
    "推送日期",
    "发现日期",
    "报送日期",
    "抵达日期",
    "返乡日期",
    "到达日期",
    "时间",
    "推送时间",
];

/// A pushed list as read.
#[derive(Debug, Clone, Serialize)]
pub struct ListFile {
    /// The columns and what each was taken for.
    pub columns: Vec<ListColumn>,
    /// Rows with a name or an ID number.
    #[serde(skip)]
    pub rows: Vec<ListRow>,
}

impl ListFile {
    /// The columns and the number of rows, for the import screen to confirm before importing.
    pub fn preview(&self) -> ListPreview {
        ListPreview {
            columns: self.columns.clone(),
            rows: self.rows.len(),
        }
    }
}

/// A pushed list as read, before importing: what each column was taken for, and how many
/// rows there are (`gridbook tasks import --dry-run`, the import screen's confirmation).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TaskListPreview"))]
pub struct ListPreview {
    /// The columns and what each was taken for.
    pub columns: Vec<ListColumn>,
    /// Rows with a name or an ID number (each becomes a task).
    pub rows: usize,
}

/// What importing a pushed list did, as the import screen shows it: the columns as read, and
/// what became of the rows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TaskImportResult"))]
pub struct ImportedList {
    /// The columns and what each was taken for.
    pub columns: Vec<ListColumn>,
    /// What became of the rows.
    pub result: TaskImport,
}

/// Reads a pushed list (.xlsx, .xls, .csv in UTF-8 or GBK); `map` overrides what columns are
/// taken for (`--map`, the import screen's mapping); ID numbers are checked as of `today`.
pub fn read_list(
    path: &Path,
    sheet: Option<&str>,
    map: &ListOverrides,
    today: NaiveDate,
) -> Result<ListFile> {
    let limit = gridbook_store::MAX_LIST_ROWS;
    let mut rows: Vec<SheetRow> = Vec::new();
    visit_rows(path, sheet, &mut |r| {
        if rows.len() > limit + HEADER_SEARCH_ROWS {
            return Err(ImportError::unreadable(
                format!("名单超过{limit}行，请分批导入"),
                format!("the list has more than {limit} rows: import it in parts"),
            ));
        }
        rows.push(r);
        Ok(())
    })?;
    let header = find_header(&rows, &roster_overrides(map)).ok_or_else(|| {
        ImportError::unreadable(
            "找不到表头：前30行中没有一行含“姓名”“身份证号”“联系电话”等列名",
            "no header row: none of the first 30 rows names the name, ID number and phone columns",
        )
    })?;
    check_positions(map, header.columns.len())?;
    // The township's overrides decide the columns they name (the header settled which ones
    // a repeated header's override names); columns the roster's fields leave unmapped may be
    // the list's category or date.
    let mut fields: Vec<Option<&'static str>> = header
        .columns
        .iter()
        .zip(&header.chosen)
        .map(|((_, field), chosen)| match chosen {
            Some(k) => map[*k].1,
            None => match field {
                Some(Field::Name) => Some("name"),
                Some(Field::IdNumber) => Some("id_number"),
                Some(Field::Phone) => Some("phone"),
                Some(Field::Tags) => Some("category"),
                Some(Field::Village | Field::Address | Field::Group) => Some("place"),
                Some(Field::Note) => Some("note"),
                _ => None,
            },
        })
        .collect();
    let mut category_seen = fields.contains(&Some("category"));
    let mut date_seen = fields.contains(&Some("date"));
    for (i, (text, field)) in header.columns.iter().enumerate() {
        if fields[i].is_some() || header.chosen[i].is_some() {
            continue;
        }
        if field.is_none_or(|f| f == Field::Residency) {
            let key = header_key(text);
            if !category_seen && CATEGORY.contains(&key.as_str()) {
                category_seen = true;
                fields[i] = Some("category");
            } else if !date_seen && DATE.contains(&key.as_str()) {
                date_seen = true;
                fields[i] = Some("date");
            }
        }
    }
    let columns = describe(&header, &fields);
    let cols = |code: &str| -> Vec<usize> {
        fields
            .iter()
            .enumerate()
            .filter(|(_, f)| **f == Some(code))
            .map(|(i, _)| i)
            .collect()
    };
    let [names, ids, phones, categories, dates, places, notes] = LIST_FIELDS.map(cols);
    let mut out = Vec::new();
    for r in &rows[header.data_start..] {
        let first = |cs: &[usize]| {
            cs.iter()
                .filter_map(|c| r.cells.get(*c))
                .find(|c| !c.is_blank())
                .unwrap_or(&Cell::Empty)
        };
        let mut fixes = Vec::new();
        let text = |c: &Cell, fixes: &mut Vec<&'static str>| {
            Some(clean(c, fixes)).filter(|s| !s.is_empty())
        };
        let name = text(first(&names), &mut fixes).map(|n| {
            if n.is_ascii() {
                n
            } else {
                compact(&n, &mut fixes)
            }
        });
        let id_cell = first(&ids);
        if name.is_none() && id_cell.is_blank() {
            continue;
        }
        let (id_number, id_valid) = match lost_id_number(id_cell) {
            Some(_) => (id_cell.text().trim().to_owned(), false),
            None => {
                let t = compact(&clean(id_cell, &mut fixes), &mut fixes);
                match parse_id_document(&t, None, today) {
                    Ok(d) => (d.number, true),
                    Err(_) => (t.to_uppercase(), false),
                }
            }
        };
        let phone = text(first(&phones), &mut fixes).map(|p| {
            let p = compact(&p, &mut fixes);
            parse_phone(&p).map_or(p, |x| x.number)
        });
        let place: Vec<String> = places
            .iter()
            .filter_map(|c| text(r.cells.get(*c).unwrap_or(&Cell::Empty), &mut fixes))
            .collect();
        out.push(ListRow {
            row: r.row,
            name: name.unwrap_or_default(),
            id_number,
            id_valid,
            phone,
            category: text(first(&categories), &mut fixes),
            list_date: parse_date(first(&dates)),
            place: (!place.is_empty()).then(|| place.join(" ")),
            note: text(first(&notes), &mut fixes),
        });
    }
    Ok(ListFile { columns, rows: out })
}
