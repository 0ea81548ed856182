//! The columns of a pushed list: the fields a column can be taken for, and the township's
//! overrides of what the reader detected (`gridbook tasks import --map`, the import screen's
//! column mapping). One parser for both, so the CLI and the screen accept the same fields.

use serde::{Deserialize, Serialize};

use crate::error::{ImportError, Result};
use crate::header::{header_key, Field, Overrides};

/// The fields a column of a pushed list can hold, by code (as JSON and `--map` name them).
pub const LIST_FIELDS: [&str; 7] = [
    "name",
    "id_number",
    "phone",
    "category",
    "date",
    "place",
    "note",
];

/// Most columns one mapping may name (a sheet wider than this is no list).
pub const MAX_CHOICES: usize = 200;

/// Longest header a choice may name, in characters.
const MAX_HEADER: usize = 100;

/// A column's field as the township chose it on the import screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnChoice {
    /// The header as the file has it.
    pub header: String,
    /// One of [`LIST_FIELDS`]; `None`: the column is not used.
    pub field: Option<String>,
}

/// Overrides of a list's columns: header (as [`header_key`] normalizes it) → field code
/// (`None`: not used).
pub type ListOverrides = Vec<(String, Option<&'static str>)>;

/// The Chinese label of a field of [`LIST_FIELDS`] (as the import screen shows it).
pub fn list_field_zh(code: &str) -> &str {
    match code {
        "name" => "姓名",
        "id_number" => "身份证号",
        "phone" => "联系电话",
        "category" => "类别",
        "date" => "日期",
        "place" => "村/地址",
        "note" => "备注",
        other => other,
    }
}

/// Parses a field a column is mapped to: a code of [`LIST_FIELDS`], its Chinese label, `ignore`
/// (不使用) for a column not used, or a roster field that means one of them (`tags` is the
/// category, `village`, `group` and `address` the place). `None`: no field of a list.
pub fn list_field(s: &str) -> Option<Option<&'static str>> {
    let t = s.trim();
    if let Some(code) = LIST_FIELDS.iter().find(|c| **c == t) {
        return Some(Some(code));
    }
    let key = header_key(t);
    if let Some(code) = LIST_FIELDS
        .iter()
        .find(|c| header_key(list_field_zh(c)) == key)
    {
        return Some(Some(code));
    }
    match key.as_str() {
        "地址" => return Some(Some("place")),
        "不使用" | "ignore" => return Some(None),
        _ => {}
    }
    match Field::parse(t)? {
        Field::Name => Some(Some("name")),
        Field::IdNumber => Some(Some("id_number")),
        Field::Phone => Some(Some("phone")),
        Field::Tags => Some(Some("category")),
        Field::Village | Field::Group | Field::Address => Some(Some("place")),
        Field::Note => Some(Some("note")),
        Field::Ignore => Some(None),
        _ => None,
    }
}

/// Parses `HEADER=FIELD,HEADER=FIELD` (fields as [`list_field`] reads them); the error names
/// the bad entry.
pub fn parse_list_map(spec: &str) -> Result<ListOverrides, String> {
    spec.split([',', '，'])
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let (h, f) = e.split_once('=').ok_or_else(|| e.trim().to_owned())?;
            let field = list_field(f).ok_or_else(|| f.trim().to_owned())?;
            Ok((header_key(h), field))
        })
        .collect()
}

/// The overrides of the import screen's choices; a field no list has, too many choices or a
/// header too long is refused (the screen sends what it was shown; anything else is not it).
pub fn list_overrides(choices: &[ColumnChoice]) -> Result<ListOverrides> {
    check_choices(choices)?;
    choices
        .iter()
        .map(|c| {
            let field = match c.field.as_deref() {
                None => None,
                Some(f) => LIST_FIELDS
                    .iter()
                    .copied()
                    .find(|x| *x == f)
                    .map(Some)
                    .ok_or_else(|| ImportError::UnknownField(f.chars().take(20).collect()))?,
            };
            Ok((header_key(&c.header), field))
        })
        .collect()
}

/// Refuses more choices than [`MAX_CHOICES`] or a header longer than the longest one a sheet
/// may have: a screen sends what it was shown, and anything else is not it.
pub(crate) fn check_choices(choices: &[ColumnChoice]) -> Result<()> {
    if choices.len() > MAX_CHOICES {
        return Err(ImportError::UnknownField(format!(
            "{} > {MAX_CHOICES}",
            choices.len()
        )));
    }
    match choices
        .iter()
        .find(|c| c.header.chars().count() > MAX_HEADER)
    {
        Some(c) => Err(ImportError::UnknownField(
            c.header.chars().take(20).collect(),
        )),
        None => Ok(()),
    }
}

/// The override of a header, if the township gave one.
pub(crate) fn override_of(map: &ListOverrides, header: &str) -> Option<Option<&'static str>> {
    let key = header_key(header);
    map.iter().find(|(h, _)| *h == key).map(|(_, f)| *f)
}

/// The same overrides in the roster's fields, so that the header row is found with them (a
/// column named only by the township still counts); the list's own date is no roster field
/// and counts as a known column.
pub(crate) fn roster_overrides(map: &ListOverrides) -> Overrides {
    map.iter()
        .map(|(h, f)| {
            let field = match *f {
                Some("name") => Field::Name,
                Some("id_number") => Field::IdNumber,
                Some("phone") => Field::Phone,
                Some("category") => Field::Tags,
                Some("place") => Field::Address,
                Some("note") => Field::Note,
                _ => Field::Ignore,
            };
            (h.clone(), field)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_by_code_label_or_roster_name() {
        assert_eq!(list_field("date"), Some(Some("date")));
        assert_eq!(list_field("日期"), Some(Some("date")));
        assert_eq!(list_field("tags"), Some(Some("category")));
        assert_eq!(list_field("现住址"), Some(Some("place")));
        assert_eq!(list_field("ignore"), Some(None));
        assert_eq!(list_field("不使用"), Some(None));
        assert_eq!(list_field("doses"), None);
        assert_eq!(list_field("nonsense"), None);
        let m = parse_list_map("报送 时间=date，居住地=place,序号=ignore").unwrap();
        assert_eq!(
            m,
            vec![
                ("报送时间".to_owned(), Some("date")),
                ("居住地".to_owned(), Some("place")),
                ("序号".to_owned(), None),
            ]
        );
        assert_eq!(parse_list_map("a=doses"), Err("doses".to_owned()));
        assert_eq!(parse_list_map("a"), Err("a".to_owned()));
    }

    #[test]
    fn the_screens_choices_name_list_fields_only() {
        let ok = list_overrides(&[
            ColumnChoice {
                header: "推送批次".into(),
                field: Some("date".into()),
            },
            ColumnChoice {
                header: "序号".into(),
                field: None,
            },
        ])
        .unwrap();
        assert_eq!(
            ok,
            vec![("推送批次".into(), Some("date")), ("序号".into(), None)]
        );
        for bad in ["tags", "姓名", "", "name; DROP"] {
            let e = list_overrides(&[ColumnChoice {
                header: "x".into(),
                field: Some(bad.into()),
            }]);
            assert!(matches!(e, Err(ImportError::UnknownField(_))), "{bad}");
        }
        let long = ColumnChoice {
            header: "长".repeat(101),
            field: None,
        };
        assert!(list_overrides(&[long]).is_err());
        let many = vec![
            ColumnChoice {
                header: "x".into(),
                field: None
            };
            MAX_CHOICES + 1
        ];
        assert!(list_overrides(&many).is_err());
    }
}
