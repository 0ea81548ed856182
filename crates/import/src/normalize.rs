//! Clean-up of cell text before validation, noting what was changed so the plan can say so:
//! full-width forms, stray spaces, lower-case x, dates in the shapes townships type, and ID
//! numbers that Excel already turned into numbers (refused: their last digits are gone).

use chrono::{Duration, NaiveDate};

use crate::read::{number_text, Cell};

/// Folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// What normalizing one value did, in Chinese, for the plan's "fixed" rows.
pub const FIX_WIDTH: &str = "全角字符已改为半角";
/// Spaces removed.
pub const FIX_SPACES: &str = "已去掉多余空格";
/// Lower-case x upper-cased.
pub const FIX_X: &str = "身份证号末位小写x已改为X";

/// A cell's text with widths folded and surrounding spaces trimmed; inner runs of spaces kept
/// as one. Notes the fixes in `fixes`.
pub fn clean(cell: &Cell, fixes: &mut Vec<&'static str>) -> String {
    // Most cells of a roster need nothing: no wide form to fold and no space at all. Their
    // text is the cleaned value as it is (the full path below would give the same, after
    // copying it three times), unless it is one of the values meaning "nothing".
    if let Cell::Text(t) = cell {
        if !t.chars().any(|c| c.is_whitespace() || fold_width(c) != c) {
            return if is_nothing(t) {
                String::new()
            } else {
                t.clone()
            };
        }
    }
    let raw = cell.text();
    let folded: String = raw.chars().map(fold_width).collect();
    if folded != raw {
        note(fixes, FIX_WIDTH);
    }
    let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed != folded {
        note(fixes, FIX_SPACES);
    }
    if is_nothing(&collapsed) {
        return String::new();
    }
    collapsed
}

/// Values meaning "nothing" in hand-made sheets.
fn is_nothing(s: &str) -> bool {
    matches!(s, "无" | "/" | "-" | "—" | "--" | "——")
}

/// Drops every space (ID numbers, phones, Chinese names), noting it.
pub fn compact(s: &str, fixes: &mut Vec<&'static str>) -> String {
    if s.contains(' ') {
        note(fixes, FIX_SPACES);
        s.replace(' ', "")
    } else {
        s.to_owned()
    }
}

/// Adds a fix once.
pub fn note(fixes: &mut Vec<&'static str>, fix: &'static str) {
    if !fixes.contains(&fix) {
        fixes.push(fix);
    }
}

/// Why an ID number cell cannot be used: Excel made it a number, so the digits after the
/// 15th (or after the sixth, as shown) are gone. `None` if the cell is text that is not in
/// scientific notation.
pub fn lost_id_number(cell: &Cell) -> Option<String> {
    let shown = match cell {
        Cell::Number(n) | Cell::Date(n) => number_text(*n),
        Cell::Text(t) => {
            let t: String = t
                .chars()
                .map(fold_width)
                .filter(|c| !c.is_whitespace())
                .collect();
            if !is_scientific(&t) {
                return None;
            }
            t
        }
        Cell::Empty => return None,
    };
    Some(format!(
        "身份证号已被 Excel 存为数字（{shown}），后几位已丢失，请将该列设为文本后重新填写"
    ))
}

/// `1.10101E+17`, `1.1E17`, `1e+17`: a number Excel wrote in scientific notation.
fn is_scientific(t: &str) -> bool {
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    !int.is_empty()
        && !exp.is_empty()
        && [int, frac, exp]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Excel's day zero (serial 1 is 1900-01-01, and Excel counts a 1900-02-29 that never was).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// Reads a date as townships write it: 1990-03-14, 1990/3/14, 1990.03.14, 19900314,
/// 1990年3月14日, or an Excel date cell or serial number.
pub fn parse_date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(n) => excel_date(*n),
        Cell::Number(n) if *n >= 19_000_101.0 && *n <= 21_001_231.0 => {
            parse_date_text(&number_text(*n))
        }
        Cell::Number(n) => excel_date(*n),
        Cell::Text(t) => {
            let t: String = t.chars().map(fold_width).collect();
            parse_date_text(t.trim())
        }
        Cell::Empty => None,
    }
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    // A datetime's date part.
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = t
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 {
            let num = |s: &str| s.parse::<u32>().ok();
            return NaiveDate::from_ymd_opt(y.parse().ok()?, num(m)?, num(d)?);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn dates_in_every_shape_townships_type() {
        let d = NaiveDate::from_ymd_opt(1990, 3, 14);
        for s in [
            "1990-03-14",
            "1990/3/14",
            "1990.03.14",
            "19900314",
            "1990年3月14日",
            "１９９０/３/１４",
            "1990-03-14 00:00:00",
        ] {
            assert_eq!(parse_date(&text(s)), d, "{s}");
        }
        assert_eq!(parse_date(&Cell::Date(32946.0)), d);
        assert_eq!(parse_date(&Cell::Number(32946.0)), d);
        assert_eq!(parse_date(&Cell::Number(19900314.0)), d);
        assert_eq!(parse_date(&text("1990/2/30")), None);
        assert_eq!(parse_date(&text("去年")), None);
    }

    #[test]
    fn excel_numbers_in_the_id_column_are_refused() {
        assert!(lost_id_number(&text("1.10101E+17")).is_some());
        assert!(lost_id_number(&text("１.１０１０１Ｅ＋１７")).is_some());
        let why = lost_id_number(&Cell::Number(110101199003074477.0)).unwrap();
        assert!(why.contains("1.10101E+17"), "{why}");
        assert_eq!(lost_id_number(&text("110101199003074477")), None);
        assert_eq!(lost_id_number(&text("E12345678")), None);
    }

    #[test]
    fn cleaning_notes_what_it_changed() {
        let mut fixes = Vec::new();
        assert_eq!(clean(&text("  张三 "), &mut fixes), "张三");
        assert_eq!(fixes, [FIX_SPACES]);
        let mut fixes = Vec::new();
        assert_eq!(
            clean(&text("１３８００１３８０００"), &mut fixes),
            "13800138000"
        );
        assert_eq!(fixes, [FIX_WIDTH]);
        let mut fixes = Vec::new();
        assert_eq!(clean(&text("张三"), &mut fixes), "张三");
        assert!(fixes.is_empty());
        assert_eq!(clean(&text("无"), &mut fixes), "");
    }
}
