//! Column mappings, for the roster and for pushed lists alike: how a column is named (by its
//! header text or by its position, for a column whose header is blank or repeated), how a
//! `--map` spec and the import screen's choices become overrides, and how the columns are
//! described back to the screen. One implementation for both kinds of file; each kind only
//! says which fields it has.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{ImportError, Result};
use crate::header::{header_key, Header};
use crate::normalize::fold_width;

/// Most columns one mapping may name (a sheet wider than this is no roster or list).
pub const MAX_CHOICES: usize = 200;

/// Columns a sheet may have (Excel's limit, XFD); a position beyond it names no column.
pub const MAX_COLUMNS: usize = 16_384;

/// Longest header a choice may name, in characters.
const MAX_HEADER: usize = 100;

/// How an override names its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKey {
    /// Every column whose header, as [`header_key`] normalizes it, is this.
    Header(String),
    /// The column at this index (0 for column A), whatever its header.
    Position(usize),
}

/// Overrides of what columns hold: a column → a field of the file's kind.
pub type Mapping<F> = Vec<(ColumnKey, F)>;

/// The spreadsheet letter of a column index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a column position: `#3` (the third column, counted from 1) or `#C` (its letter),
/// full-width forms and lower case allowed. `None`: not a position (a header text), or a
/// position no sheet has.
pub fn parse_position(s: &str) -> Option<usize> {
    let t: String = s
        .trim()
        .chars()
        .map(fold_width)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let rest = t.strip_prefix('#')?.trim();
    if rest.is_empty() || rest.len() > 5 {
        return None;
    }
    let index = if rest.bytes().all(|b| b.is_ascii_digit()) {
        rest.parse::<usize>().ok()?.checked_sub(1)?
    } else if rest.bytes().all(|b| b.is_ascii_uppercase()) {
        rest.bytes()
            .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1))
            - 1
    } else {
        return None;
    };
    (index < MAX_COLUMNS).then_some(index)
}

/// Parses `HEADER=FIELD,…` where a column is named by its header text or by position
/// (`#3=FIELD`, `#C=FIELD`, and also `FIELD=#3`: a position is never a field, so either order
/// reads one way). `field` reads a field of the file's kind; the error names the bad entry.
pub fn parse_spec<F>(
    spec: &str,
    field: impl Fn(&str) -> Option<F>,
) -> std::result::Result<Mapping<F>, String> {
    spec.split([',', '，'])
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let (left, right) = e
                .split_once('=')
                .or_else(|| e.split_once('＝'))
                .ok_or_else(|| e.trim().to_owned())?;
            let (key, f) = match (parse_position(left), parse_position(right)) {
                (Some(i), _) => (ColumnKey::Position(i), right),
                (None, Some(i)) => (ColumnKey::Position(i), left),
                (None, None) => (ColumnKey::Header(header_key(left)), right),
            };
            let f = field(f).ok_or_else(|| f.trim().to_owned())?;
            Ok((key, f))
        })
        .collect()
}

/// Refuses an override by position beyond the `width` columns of the sheet: it names
/// nothing, and quietly importing without it would hide the mistake.
pub(crate) fn check_positions<F>(map: &Mapping<F>, width: usize) -> Result<()> {
    match map.iter().find_map(|(k, _)| match k {
        ColumnKey::Position(p) if *p >= width => Some(*p),
        _ => None,
    }) {
        Some(p) => Err(ImportError::NoColumn {
            letter: column_letter(p),
            width,
        }),
        None => Ok(()),
    }
}

/// A column's field as the township chose it on an import screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnChoice {
    /// The header as the file has it (blank for a column without one).
    pub header: String,
    /// The column's index (0 for A): the choice is then this column's alone, whatever its
    /// header; absent: every column with this header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub column: Option<usize>,
    /// A field code of the file's kind; `None`: the column is not used.
    pub field: Option<String>,
}

/// The overrides of an import screen's choices: `field` reads a field code of the file's kind
/// (`None`: not one), `unused` is what a column not used maps to. A field the kind does not
/// have, too many choices, a header too long or a column no sheet has is refused: the screen
/// sends what it was shown, and anything else is not it.
pub fn choices<F: Copy>(
    choices: &[ColumnChoice],
    field: impl Fn(&str) -> Option<F>,
    unused: F,
) -> Result<Mapping<F>> {
    if choices.len() > MAX_CHOICES {
        return Err(ImportError::UnknownField(format!(
            "{} > {MAX_CHOICES}",
            choices.len()
        )));
    }
    choices
        .iter()
        .map(|c| {
            if c.header.chars().count() > MAX_HEADER {
                return Err(ImportError::UnknownField(
                    c.header.chars().take(20).collect(),
                ));
            }
            let key = match c.column {
                Some(i) if i >= MAX_COLUMNS => {
                    return Err(ImportError::UnknownField(format!(
                        "#{}",
                        i.saturating_add(1)
                    )))
                }
                Some(i) => ColumnKey::Position(i),
                None => ColumnKey::Header(header_key(&c.header)),
            };
            let f = match c.field.as_deref() {
                None => unused,
                Some(f) => field(f)
                    .ok_or_else(|| ImportError::UnknownField(f.chars().take(20).collect()))?,
            };
            Ok((key, f))
        })
        .collect()
}

/// What a column was taken for, as the import screens show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListColumn {
    /// The column's index (0 for A), as a choice names it.
    pub column: usize,
    /// The column's letter (A, B, … AA), as the sheet shows it.
    pub letter: String,
    /// The header as the file has it (blank: the column has none).
    pub header: String,
    /// Another column has the same header: the letter tells them apart.
    pub repeated: bool,
    /// A field code of the file's kind; `None`: not used.
    pub field: Option<&'static str>,
}

impl ListColumn {
    /// The column as named to people, in Chinese: its header, with its letter when the
    /// header is repeated (联系电话（第H列）), or 第C列（无表头） without one.
    pub fn zh(&self) -> String {
        match (self.header.trim(), self.repeated) {
            ("", _) => format!("第{}列（无表头）", self.letter),
            (h, true) => format!("{h}（第{}列）", self.letter),
            (h, false) => h.to_owned(),
        }
    }

    /// The same in English.
    pub fn en(&self) -> String {
        match (self.header.trim(), self.repeated) {
            ("", _) => format!("column {} (no header)", self.letter),
            (h, true) => format!("{h} (column {})", self.letter),
            (h, false) => h.to_owned(),
        }
    }
}

/// The columns of `header` as the screens show them, each with `fields[i]`: every column with
/// a header, and a column without one that holds a value in the rows read (a blank column
/// at the sheet's edge is no column to map).
pub(crate) fn describe(header: &Header, fields: &[Option<&'static str>]) -> Vec<ListColumn> {
    let keys: Vec<String> = header.columns.iter().map(|(t, _)| header_key(t)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for k in keys.iter().filter(|k| !k.is_empty()) {
        *seen.entry(k.as_str()).or_default() += 1;
    }
    header
        .columns
        .iter()
        .enumerate()
        .filter(|(i, (text, _))| {
            !text.trim().is_empty()
                || header.has_data(*i)
                || fields.get(*i).is_some_and(|f| f.is_some())
        })
        .map(|(i, (text, _))| ListColumn {
            column: i,
            letter: column_letter(i),
            header: text.clone(),
            repeated: seen.get(keys[i].as_str()).is_some_and(|n| *n > 1),
            field: fields.get(i).copied().flatten(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_positions() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(MAX_COLUMNS - 1), "XFD");
        for i in [0, 7, 25, 26, 701, 702, MAX_COLUMNS - 1] {
            assert_eq!(parse_position(&format!("#{}", column_letter(i))), Some(i));
            assert_eq!(parse_position(&format!("#{}", i + 1)), Some(i));
        }
        assert_eq!(parse_position(" ＃ｈ "), Some(7));
        assert_eq!(parse_position("#h"), Some(7));
        for no in [
            "C",
            "3",
            "#",
            "#0",
            "#C3",
            "#XFE",
            "#16385",
            "联系电话",
            "#电话",
        ] {
            assert_eq!(parse_position(no), None, "{no}");
        }
    }

    #[test]
    fn a_spec_names_columns_by_header_or_by_position_either_way_round() {
        let code = |s: &str| ["phone", "name"].into_iter().find(|c| *c == s.trim());
        let m = parse_spec("联系 电话=phone,#H=phone，name=#3", code).unwrap();
        assert_eq!(
            m,
            vec![
                (ColumnKey::Header("联系电话".into()), "phone"),
                (ColumnKey::Position(7), "phone"),
                (ColumnKey::Position(2), "name"),
            ]
        );
        assert_eq!(parse_spec("#3=nonsense", code), Err("nonsense".into()));
        assert_eq!(parse_spec("#3", code), Err("#3".into()));
        assert_eq!(parse_spec("#3=#4", code), Err("#4".into()));
    }

    #[test]
    fn choices_name_a_column_by_position_within_a_sheets_width() {
        let code = |s: &str| ["phone"].into_iter().find(|c| *c == s);
        let pick = |column, field: Option<&str>| ColumnChoice {
            header: String::new(),
            column,
            field: field.map(str::to_owned),
        };
        let m = choices(
            &[pick(Some(7), Some("phone")), pick(Some(2), None)],
            code,
            "-",
        )
        .unwrap();
        assert_eq!(
            m,
            vec![
                (ColumnKey::Position(7), "phone"),
                (ColumnKey::Position(2), "-")
            ]
        );
        assert!(choices(&[pick(Some(MAX_COLUMNS), None)], code, "-").is_err());
        assert!(choices(&[pick(Some(usize::MAX), None)], code, "-").is_err());
        assert!(choices(&[pick(None, Some("tags"))], code, "-").is_err());
        // What no screen shows: a header longer than a sheet's, more columns than a sheet's.
        let long = ColumnChoice {
            header: "长".repeat(101),
            ..pick(None, None)
        };
        assert!(choices(&[long], code, "-").is_err());
        let many = vec![pick(Some(0), None); MAX_CHOICES + 1];
        assert!(choices(&many, code, "-").is_err());
    }
}
