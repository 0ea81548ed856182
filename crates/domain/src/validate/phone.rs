//! Mobile and landline phone numbers.

use super::text::compact_upper;
use crate::error::{FieldError, Result};

const FIELD: &str = "phone";

/// Kind of phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// 11-digit mobile.
    Mobile,
    /// Landline with area code, e.g. 0818-8912653.
    Landline,
}

/// A validated phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// Normalized: mobiles as 11 digits, landlines as `AREA-NUMBER`.
    pub number: String,
    /// Mobile or landline.
    pub kind: PhoneKind,
}

/// Parses a phone number.
///
/// Spaces, dashes and parentheses are ignored, and so is a `+86`/`0086` country prefix (and a
/// bare `86` before a mobile). The area code is split by rule, not by where the user typed the
/// dash: `010` and `02X` have three characters, every other area code four.
pub fn parse_phone(raw: &str) -> Result<Phone> {
    let compact = compact_upper(raw, &['-', '—', '–', '(', ')']);
    if compact.is_empty() {
        return Err(FieldError::new(
            FIELD,
            "empty",
            "请输入电话号码",
            "phone number is empty",
        ));
    }
    let digits = strip_country(&compact);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            FIELD,
            "chars",
            "电话号码只能包含数字、空格、横线和括号",
            "phone number may contain only digits, spaces, dashes and parentheses",
        ));
    }
    match digits.as_bytes()[0] {
        b'1' => mobile(digits),
        b'0' => landline(&digits),
        _ if (7..=8).contains(&digits.len()) => Err(FieldError::new(
            FIELD,
            "area_code",
            "固定电话请加区号，如0818-8912653",
            "landline numbers need an area code, e.g. 0818-8912653",
        )),
        _ => Err(unknown()),
    }
}

/// Drops the +86 country code; landlines written internationally lose their leading 0.
fn strip_country(n: &str) -> String {
    let rest = n.strip_prefix("+86").or_else(|| n.strip_prefix("0086"));
    match rest {
        // Mobiles never start with 10, so +86 10… is Beijing's area code without its 0.
        Some(rest)
            if rest.starts_with('0') || (rest.starts_with('1') && !rest.starts_with("10")) =>
        {
            rest.to_owned()
        }
        Some(rest) if !rest.is_empty() => format!("0{rest}"),
        // A bare 86 is only safe to drop before a mobile: 86… is not a valid area code anyway.
        _ if n.len() == 13 && n.starts_with("861") => n[2..].to_owned(),
        _ => n.to_owned(),
    }
}

fn mobile(digits: String) -> Result<Phone> {
    let len = digits.len();
    if len != 11 {
        return Err(FieldError::new(
            FIELD,
            "length",
            format!("手机号应为11位，当前{len}位"),
            format!("mobile numbers have 11 digits, got {len}"),
        ));
    }
    if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
        return Err(FieldError::new(
            FIELD,
            "prefix",
            "手机号应以13–19开头",
            "mobile numbers start with 13–19",
        ));
    }
    Ok(Phone {
        number: digits,
        kind: PhoneKind::Mobile,
    })
}

fn landline(digits: &str) -> Result<Phone> {
    let area_len = if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    };
    // 00 is an international prefix and 01X (other than 010) is not allocated.
    if digits.starts_with("00") || (digits.starts_with("01") && area_len == 4) {
        return Err(FieldError::new(
            FIELD,
            "area_code",
            "区号无效，区号应为010、02X或0开头的4位数字",
            "invalid area code: expected 010, 02X or a 4-digit code starting with 0",
        ));
    }
    if digits.len() < area_len {
        return Err(landline_length());
    }
    let (area, local) = digits.split_at(area_len);
    if !(7..=8).contains(&local.len()) {
        return Err(landline_length());
    }
    if matches!(local.as_bytes()[0], b'0' | b'1') {
        return Err(FieldError::new(
            FIELD,
            "format",
            "固定电话号码不能以0或1开头",
            "local landline numbers cannot start with 0 or 1",
        ));
    }
    Ok(Phone {
        number: format!("{area}-{local}"),
        kind: PhoneKind::Landline,
    })
}

fn landline_length() -> FieldError {
    FieldError::new(
        FIELD,
        "length",
        "固定电话应为区号加7–8位号码，如0818-8912653",
        "landlines are an area code plus 7–8 digits, e.g. 0818-8912653",
    )
}

fn unknown() -> FieldError {
    FieldError::new(
        FIELD,
        "format",
        "无法识别的电话号码，应为11位手机号或带区号的固定电话",
        "unrecognized phone number: expected an 11-digit mobile or a landline with area code",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes_valid_numbers() {
        use PhoneKind::{Landline, Mobile};
        let cases = [
            ("13812345678", "13812345678", Mobile),
            ("138 1234 5678", "13812345678", Mobile),
            ("138-1234-5678", "13812345678", Mobile),
            ("+86 138 1234 5678", "13812345678", Mobile),
            ("+8613812345678", "13812345678", Mobile),
            ("8613812345678", "13812345678", Mobile),
            ("0086 19912345678", "19912345678", Mobile),
            ("１３８１２３４５６７８", "13812345678", Mobile),
            ("0818-8912653", "0818-8912653", Landline),
            ("(0818)8912653", "0818-8912653", Landline),
            ("（0818）8912653", "0818-8912653", Landline),
            ("081889126 53", "0818-8912653", Landline),
            ("08188912653", "0818-8912653", Landline),
            ("081-88912653", "0818-8912653", Landline),
            ("01062345678", "010-62345678", Landline),
            ("021 6234 5678", "021-62345678", Landline),
            ("028-8765432", "028-8765432", Landline),
            ("+86 818 8912653", "0818-8912653", Landline),
            ("+86 10 62345678", "010-62345678", Landline),
        ];
        for (raw, number, kind) in cases {
            let phone = parse_phone(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!((phone.number.as_str(), phone.kind), (number, kind), "{raw}");
        }
    }

    #[test]
    fn rejects_invalid_numbers_with_reasons() {
        let cases = [
            ("", "empty"),
            (" - ", "empty"),
            ("138123456789", "length"),
            ("1381234567", "length"),
            ("12812345678", "prefix"),
            ("10012345678", "prefix"),
            ("138O1234567", "chars"),
            ("138.1234.5678", "chars"),
            ("+1 415 555 0100", "chars"),
            ("8912653", "area_code"),
            ("89126530", "area_code"),
            ("0018-8912653", "area_code"),
            ("011-88912653", "area_code"),
            ("0818-891265", "length"),
            ("0818-891265312", "length"),
            ("081", "length"),
            ("0818-0912653", "format"),
            ("010-12345678", "format"),
            ("4008123456", "format"),
            ("95588", "format"),
        ];
        for (raw, reason) in cases {
            match parse_phone(raw) {
                Ok(p) => panic!("{raw} accepted as {p:?}"),
                Err(e) => assert_eq!((e.field, e.reason), ("phone", reason), "{raw}"),
            }
        }
    }

    #[test]
    fn messages_state_the_problem() {
        let e = parse_phone("1381234567").expect_err("too short");
        assert_eq!(e.zh, "手机号应为11位，当前10位");
        assert_eq!(e.en, "mobile numbers have 11 digits, got 10");
    }
}
