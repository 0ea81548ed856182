//! Vehicle plates.

use super::text::compact_upper;
use crate::error::{FieldError, Result};

const FIELD: &str = "plate";
/// One-character abbreviations of the provinces that issue plates.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// Last characters of special plates: 学 (driving school), 警 (police), 挂 (trailer), 港/澳
/// (cross-border), 领 (consulate).
const SUFFIXES: &str = "学警挂港澳领";
/// Marks embassy plates: 使 + 6 digits, or 6 digits + 使 in the newer layout.
const EMBASSY: char = '使';

/// Parses a plate and returns it normalized (upper-case, no spaces, dots or dashes).
///
/// Accepted: province + letter + 5 serial characters (the last may be a special suffix),
/// province + letter + 6 for new-energy vehicles, and embassy plates.
pub fn parse_plate(raw: &str) -> Result<String> {
    let plate = compact_upper(raw, &['·', '•', '・', '.', '．', '-']);
    let chars: Vec<char> = plate.chars().collect();
    if chars.is_empty() {
        return Err(FieldError::new(
            FIELD,
            "empty",
            "请输入车牌号",
            "plate is empty",
        ));
    }
    if chars.contains(&EMBASSY) {
        return embassy(&chars).then_some(plate).ok_or_else(|| {
            FieldError::new(
                FIELD,
                "format",
                "使馆车牌应为“使”加6位数字，如使014578",
                "embassy plates are 使 and 6 digits, e.g. 使014578",
            )
        });
    }
    if !PROVINCES.contains(chars[0]) {
        return Err(FieldError::new(
            FIELD,
            "province",
            "车牌第一位应为省份简称，如川",
            "a plate starts with a province abbreviation such as 川",
        ));
    }
    if !chars.get(1).is_some_and(char::is_ascii_uppercase) {
        return Err(FieldError::new(
            FIELD,
            "authority",
            "车牌第二位应为字母A–Z",
            "the second character of a plate must be a letter A–Z",
        ));
    }
    let serial = &chars[2..];
    let valid = match serial.len() {
        5 => ordinary(serial),
        6 => new_energy(serial),
        n => {
            return Err(FieldError::new(
                FIELD,
                "length",
                format!("车牌号应为7位（新能源8位），当前{}位", n + 2),
                format!("plates have 7 characters (new-energy 8), got {}", n + 2),
            ))
        }
    };
    if valid {
        Ok(plate)
    } else if serial.iter().any(|c| matches!(c, 'I' | 'O')) {
        Err(FieldError::new(
            FIELD,
            "chars",
            "车牌号码中不使用字母I和O",
            "plates do not use the letters I and O",
        ))
    } else {
        Err(FieldError::new(
            FIELD,
            "format",
            "车牌号码格式无效",
            "plate number has an invalid format",
        ))
    }
}

/// Letters and digits of plate serials; I and O are never issued (they look like 1 and 0).
fn serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// Five serial characters, or four and a special suffix.
fn ordinary(s: &[char]) -> bool {
    match s.split_last() {
        Some((last, head)) => {
            head.iter().all(|&c| serial_char(c)) && (serial_char(*last) || SUFFIXES.contains(*last))
        }
        None => false,
    }
}

/// New-energy: small cars D/F (since 2021 also A–K) + a serial character + 4 digits; large
/// vehicles 5 digits + D/F.
fn new_energy(s: &[char]) -> bool {
    let digits = |cs: &[char]| cs.iter().all(char::is_ascii_digit);
    let small = matches!(s[0], 'A'..='H' | 'J' | 'K') && serial_char(s[1]) && digits(&s[2..]);
    let large = digits(&s[..5]) && matches!(s[5], 'D' | 'F');
    small || large
}

fn embassy(chars: &[char]) -> bool {
    let digits = |cs: &[char]| cs.len() == 6 && cs.iter().all(char::is_ascii_digit);
    match chars {
        [EMBASSY, rest @ ..] => digits(rest),
        [rest @ .., EMBASSY] => digits(rest),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes_valid_plates() {
        let cases = [
            ("川A12345", "川A12345"),
            ("川a·12345", "川A12345"),
            ("川F 8A3B2", "川F8A3B2"),
            ("京N.A2B3C", "京NA2B3C"),
            ("沪-AB1234", "沪AB1234"),
            ("粤Ｂ１２３４５", "粤B12345"),
            ("川A1234学", "川A1234学"),
            ("京A0001警", "京A0001警"),
            ("鲁B1234挂", "鲁B1234挂"),
            ("粤Z1234港", "粤Z1234港"),
            ("粤Z1234澳", "粤Z1234澳"),
            ("沪A1234领", "沪A1234领"),
            ("粤BD12345", "粤BD12345"),
            ("粤BFA1234", "粤BFA1234"),
            ("粤BF1234 5", "粤BF12345"),
            ("川AA12345", "川AA12345"),
            ("川AK12345", "川AK12345"),
            ("粤B12345D", "粤B12345D"),
            ("粤B12345F", "粤B12345F"),
            ("使014578", "使014578"),
            ("使014·578", "使014578"),
            ("123456使", "123456使"),
            ("川I12345", "川I12345"),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_plate(raw).as_deref(), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn rejects_invalid_plates_with_reasons() {
        let cases = [
            ("", "empty"),
            (" · ", "empty"),
            ("A12345", "province"),
            ("港A12345", "province"),
            ("川", "authority"),
            ("川112345", "authority"),
            ("川学12345", "authority"),
            ("川A1234", "length"),
            ("川A1234567", "length"),
            ("川A1234O", "chars"),
            ("川AI2345", "chars"),
            ("川A12#45", "format"),
            ("川A123学4", "format"),
            ("川A12345学", "format"),
            ("川AL12345", "format"),
            ("粤B1234DF", "format"),
            ("粤B12345A", "format"),
            ("粤BF1A234", "format"),
            ("使01457", "format"),
            ("使01457A", "format"),
            ("01使4578", "format"),
        ];
        for (raw, reason) in cases {
            match parse_plate(raw) {
                Ok(p) => panic!("{raw} accepted as {p}"),
                Err(e) => assert_eq!((e.field, e.reason), ("plate", reason), "{raw}"),
            }
        }
    }

    #[test]
    fn length_message_counts_characters() {
        let e = parse_plate("川A1234").expect_err("short");
        assert_eq!(e.zh, "车牌号应为7位（新能源8位），当前6位");
    }
}
