//! The columns of a pushed list: the fields a column can be taken for, and the township's
//! overrides of what the reader detected (`gridbook tasks import --map`, the import screen's
//! column mapping). One parser for both, so the CLI and the screen accept the same fields.

use crate::error::Result;
use crate::header::{header_key, Field, Overrides};
use crate::mapping::{choices, parse_spec, ColumnChoice, Mapping};

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

/// Overrides of a list's columns: a column → a field code (`None`: not used).
pub type ListOverrides = Mapping<Option<&'static str>>;

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

/// Parses `HEADER=FIELD,…` (or `#C=FIELD`, `FIELD=#3` by position; fields as [`list_field`]
/// reads them); the error names the bad entry.
pub fn parse_list_map(spec: &str) -> Result<ListOverrides, String> {
    parse_spec(spec, list_field)
}

/// The overrides of the import screen's choices; a field no list has is refused, like
/// anything else the screen was not shown (see [`choices`]).
pub fn list_overrides(picked: &[ColumnChoice]) -> Result<ListOverrides> {
    let code = |f: &str| LIST_FIELDS.iter().copied().find(|x| *x == f).map(Some);
    choices(picked, code, None)
}

/// The same overrides in the roster's fields, so that the header row is found with them (a
/// column named only by the township still counts); the list's own date is no roster field
/// and counts as a known column.
pub(crate) fn roster_overrides(map: &ListOverrides) -> Overrides {
    map.iter()
        .map(|(k, f)| {
            let field = match *f {
                Some("name") => Field::Name,
                Some("id_number") => Field::IdNumber,
                Some("phone") => Field::Phone,
                Some("category") => Field::Tags,
                Some("place") => Field::Address,
                Some("note") => Field::Note,
                _ => Field::Ignore,
            };
            (k.clone(), field)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ImportError;
    use crate::mapping::ColumnKey;

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
                (ColumnKey::Header("报送时间".into()), Some("date")),
                (ColumnKey::Header("居住地".into()), Some("place")),
                (ColumnKey::Header("序号".into()), None),
            ]
        );
        assert_eq!(parse_list_map("a=doses"), Err("doses".to_owned()));
        assert_eq!(parse_list_map("a"), Err("a".to_owned()));
        assert_eq!(
            parse_list_map("#C=phone,日期=#4").unwrap(),
            vec![
                (ColumnKey::Position(2), Some("phone")),
                (ColumnKey::Position(3), Some("date"))
            ]
        );
    }

    #[test]
    fn the_screens_choices_name_list_fields_only() {
        let ok = list_overrides(&[
            ColumnChoice {
                header: "推送批次".into(),
                column: None,
                field: Some("date".into()),
            },
            ColumnChoice {
                header: "".into(),
                column: Some(0),
                field: None,
            },
        ])
        .unwrap();
        assert_eq!(
            ok,
            vec![
                (ColumnKey::Header("推送批次".into()), Some("date")),
                (ColumnKey::Position(0), None)
            ]
        );
        // Only a list's field codes: a roster field or a label is not one.
        for bad in ["tags", "姓名", "", "name; DROP"] {
            let picked = [ColumnChoice {
                header: "x".into(),
                column: Some(1),
                field: Some(bad.into()),
            }];
            let e = list_overrides(&picked);
            assert!(matches!(e, Err(ImportError::UnknownField(_))), "{bad}");
        }
    }
}
