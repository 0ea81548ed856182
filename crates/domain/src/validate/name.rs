//! Person names.

use super::text::fold_width;
use crate::error::{FieldError, Result};

const FIELD: &str = "name";
const MAX_CHARS: usize = 30;
/// The middle dot of ethnic-minority and transliterated names (阿依古丽·买买提).
const DOT: char = '·';
/// What IMEs and copied documents put in place of the middle dot.
const DOT_LOOKALIKES: [char; 5] = ['•', '・', '‧', '∙', '⋅'];

/// Validates and normalizes a person's name (trimmed, inner spaces collapsed).
///
/// Allowed: Chinese characters (all CJK extensions), Latin letters, single spaces and the middle
/// dot `·` (look-alike dots are replaced by it, and spaces around it are dropped). Digits and
/// other symbols are rejected.
pub fn parse_name(raw: &str) -> Result<String> {
    let name = normalize(raw);
    if name.is_empty() {
        return Err(FieldError::new(
            FIELD,
            "empty",
            "请输入姓名",
            "name is empty",
        ));
    }
    let len = name.chars().count();
    if len > MAX_CHARS {
        return Err(FieldError::new(
            FIELD,
            "length",
            format!("姓名不能超过{MAX_CHARS}个字，当前{len}个"),
            format!("name must have at most {MAX_CHARS} characters, got {len}"),
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(is_cjk(c) || is_latin(c) || c == ' ' || c == DOT))
    {
        return Err(FieldError::new(
            FIELD,
            "chars",
            format!("姓名中不能包含“{bad}”，只能使用汉字、字母、空格和间隔号·"),
            format!("name cannot contain '{bad}': use Chinese characters, letters, spaces and ·"),
        ));
    }
    let dots_ok = !name.starts_with(DOT) && !name.ends_with(DOT) && !name.contains("··");
    if !dots_ok {
        return Err(FieldError::new(
            FIELD,
            "chars",
            "间隔号·不能在姓名开头、结尾或连续出现",
            "the middle dot cannot start or end a name or appear twice in a row",
        ));
    }
    Ok(name)
}

/// Folds widths and dots, collapses whitespace runs to one space, drops spaces around dots.
fn normalize(raw: &str) -> String {
    let folded: String = raw
        .chars()
        .map(fold_width)
        .map(|c| if DOT_LOOKALIKES.contains(&c) { DOT } else { c })
        .collect();
    let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace(" ·", "·").replace("· ", "·")
}

/// Chinese characters: the unified ideographs with every extension, compatibility
/// ideographs, and 〇 (used in some given names).
fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3007
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2EE5F
            | 0x2F800..=0x2FA1F
            | 0x30000..=0x323AF
    )
}

/// Latin letters, including accented ones (José, Müller, Lü) of passport holders.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(u32::from(c), 0xC0..=0x24F) && c.is_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes_valid_names() {
        let cases = [
            ("张三", "张三"),
            ("  张三丰 ", "张三丰"),
            ("李", "李"),
            ("阿依古丽·买买提", "阿依古丽·买买提"),
            ("阿依古丽 · 买买提", "阿依古丽·买买提"),
            ("阿依古丽•买买提", "阿依古丽·买买提"),
            ("阿依古丽・买买提", "阿依古丽·买买提"),
            ("John   Smith", "John Smith"),
            ("John\u{3000}Smith", "John Smith"),
            ("Ｔｏｍ", "Tom"),
            ("José Müller", "José Müller"),
            ("李Tom", "李Tom"),
            ("王〇", "王〇"),
            ("𠮷野", "𠮷野"),
            ("䶮", "䶮"),
            (
                "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
                "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
            ),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_name(raw).as_deref(), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn rejects_invalid_names_with_reasons() {
        let cases = [
            ("", "empty"),
            (" \u{3000} ", "empty"),
            ("张三2", "chars"),
            ("张三（小）", "chars"),
            ("张-三", "chars"),
            ("O'Brien", "chars"),
            ("张三!", "chars"),
            ("😀", "chars"),
            ("ㄓㄤ", "chars"),
            ("·张三", "chars"),
            ("张三·", "chars"),
            ("阿依古丽··买买提", "chars"),
            (
                "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
                "length",
            ),
        ];
        for (raw, reason) in cases {
            match parse_name(raw) {
                Ok(n) => panic!("{raw} accepted as {n}"),
                Err(e) => assert_eq!((e.field, e.reason), ("name", reason), "{raw}"),
            }
        }
    }

    #[test]
    fn chars_message_names_the_offending_character() {
        let e = parse_name("张三2").expect_err("digit");
        assert_eq!(e.zh, "姓名中不能包含“2”，只能使用汉字、字母、空格和间隔号·");
    }
}
