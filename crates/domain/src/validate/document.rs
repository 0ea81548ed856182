//! Identity documents: mainland ID, passports, 港澳 and 台湾 permits.

use chrono::NaiveDate;

use super::id_number::parse_mainland_id;
use super::text::compact_upper;
use crate::error::{FieldError, Result};
use crate::model::{Gender, IdKind};

const FIELD: &str = "id_number";

/// A validated identity document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    /// Kind of document.
    pub kind: IdKind,
    /// Normalized number.
    pub number: String,
    /// Birth date, for mainland IDs.
    pub birth_date: Option<NaiveDate>,
    /// Gender, for mainland IDs.
    pub gender: Option<Gender>,
}

/// Parses a document number; with `kind == None` the kind is detected from its shape.
///
/// Numbers are upper-cased and lose spaces and parentheses (old 台胞证 numbers are written
/// `12345678(B1)`). Detection never guesses a foreign passport: those need `kind` set.
pub fn parse_id_document(raw: &str, kind: Option<IdKind>, today: NaiveDate) -> Result<IdDocument> {
    let number = compact_upper(raw, &['(', ')']);
    if number.is_empty() {
        return Err(FieldError::new(
            FIELD,
            "empty",
            "请输入证件号码",
            "document number is empty",
        ));
    }
    let kind = match kind {
        Some(kind) => kind,
        None => detect(&number).ok_or_else(|| {
            // Masked: a message may reach a log or a screen over someone's shoulder.
            let shown = crate::privacy::mask_id_number(&number);
            FieldError::new(
                FIELD,
                "unknown_format",
                format!("无法识别的证件号码：{shown}"),
                format!("unrecognized document number: {shown}"),
            )
        })?,
    };
    match kind {
        IdKind::Mainland => {
            if is_old_mainland(&number) {
                return Err(FieldError::new(
                    FIELD,
                    "old_id",
                    "15位旧身份证号请换为18位",
                    "15-digit old ID numbers are no longer valid; enter the 18-digit number",
                ));
            }
            let id = parse_mainland_id(&number, today)?;
            Ok(IdDocument {
                kind,
                number: id.number,
                birth_date: Some(id.birth_date),
                gender: Some(id.gender),
            })
        }
        IdKind::Passport => check(
            kind,
            number,
            is_passport,
            "护照号码应为5–9位字母或数字",
            "passport number must be 5–9 letters or digits",
        ),
        IdKind::HkMacau => check(
            kind,
            number,
            is_hk_macau,
            "港澳居民来往内地通行证号码应为H或M加8位（旧证10位）数字",
            "HK/Macau permit number must be H or M followed by 8 (old permits: 10) digits",
        ),
        IdKind::Taiwan => check(
            kind,
            number,
            is_taiwan,
            "台湾居民来往大陆通行证号码应为8位数字（旧证可加1–2位字母或数字）",
            "Taiwan permit number must be 8 digits (old permits: plus 1–2 letters or digits)",
        ),
    }
}

/// Returns the document when `valid` accepts the number, a `format` error otherwise.
fn check(
    kind: IdKind,
    number: String,
    valid: fn(&str) -> bool,
    zh: &str,
    en: &str,
) -> Result<IdDocument> {
    if valid(&number) {
        Ok(IdDocument {
            kind,
            number,
            birth_date: None,
            gender: None,
        })
    } else {
        Err(FieldError::new(FIELD, "format", zh, en))
    }
}

/// Guesses the kind from the shape of a normalized number.
fn detect(n: &str) -> Option<IdKind> {
    let b = n.as_bytes();
    // Any run of 15+ digits (optionally ending in X) is meant as a mainland ID: sending it to
    // the mainland parser gives a precise length or check-character message.
    let mainland_like =
        b.len() >= 15 && digits(&b[..b.len() - 1]) && matches!(b[b.len() - 1], b'0'..=b'9' | b'X');
    if mainland_like {
        Some(IdKind::Mainland)
    } else if is_chinese_passport(n) {
        Some(IdKind::Passport)
    } else if is_hk_macau(n) {
        Some(IdKind::HkMacau)
    } else if is_taiwan(n) {
        Some(IdKind::Taiwan)
    } else {
        None
    }
}

fn digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

fn alnum(b: &[u8]) -> bool {
    b.iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_old_mainland(n: &str) -> bool {
    n.len() == 15 && digits(n.as_bytes())
}

/// Chinese passports: E or G + 8 digits, or E + letter + 7 digits (EA1234567, from 2017).
fn is_chinese_passport(n: &str) -> bool {
    match n.as_bytes() {
        [b'E' | b'G', rest @ ..] if rest.len() == 8 && digits(rest) => true,
        [b'E', letter, rest @ ..] => letter.is_ascii_uppercase() && rest.len() == 7 && digits(rest),
        _ => false,
    }
}

/// Any passport, Chinese or foreign: 5–9 letters or digits.
fn is_passport(n: &str) -> bool {
    (5..=9).contains(&n.len()) && alnum(n.as_bytes())
}

/// 回乡证: H (Hong Kong) or M (Macau) + 8 digits; old permits add 2 digits (replacement count).
fn is_hk_macau(n: &str) -> bool {
    match n.as_bytes() {
        [b'H' | b'M', rest @ ..] => (rest.len() == 8 || rest.len() == 10) && digits(rest),
        _ => false,
    }
}

/// 台胞证: 8 digits; old permits add a letter, or 2 letters or digits, often written in
/// parentheses (`12345678(B)`).
fn is_taiwan(n: &str) -> bool {
    let b = n.as_bytes();
    match b.len() {
        8 => digits(b),
        9 => digits(&b[..8]) && b[8].is_ascii_uppercase(),
        10 => digits(&b[..8]) && alnum(&b[8..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 5, 1).expect("valid date")
    }

    /// Parses every `(raw, normalized)` pair with `kind` and expects `expected_kind`.
    fn assert_valid(kind: Option<IdKind>, expected_kind: IdKind, cases: &[(&str, &str)]) {
        for (raw, number) in cases {
            let doc =
                parse_id_document(raw, kind, today()).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(
                (doc.kind, doc.number.as_str()),
                (expected_kind, *number),
                "{raw}"
            );
            let mainland = expected_kind == IdKind::Mainland;
            assert_eq!(doc.birth_date.is_some(), mainland, "{raw}");
            assert_eq!(doc.gender.is_some(), mainland, "{raw}");
        }
    }

    #[test]
    fn detects_and_normalizes_valid_documents() {
        let id = "11010519491231002X";
        assert_valid(
            None,
            IdKind::Mainland,
            &[(id, id), ("110105 19491231 002x", id)],
        );
        let passports = [
            ("e12345678", "E12345678"),
            ("G 1234 5678", "G12345678"),
            ("EA1234567", "EA1234567"),
            ("ez7654321", "EZ7654321"),
        ];
        assert_valid(None, IdKind::Passport, &passports);
        let hk_macau = [
            ("H12345678", "H12345678"),
            ("m87654321", "M87654321"),
            ("H1234567801", "H1234567801"),
            ("H12345678(01)", "H1234567801"),
        ];
        assert_valid(None, IdKind::HkMacau, &hk_macau);
        let taiwan = [
            ("12345678", "12345678"),
            ("1234567890", "1234567890"),
            ("12345678(b1)", "12345678B1"),
            ("１２３４５６７８", "12345678"),
        ];
        assert_valid(None, IdKind::Taiwan, &taiwan);
    }

    #[test]
    fn accepts_explicit_kinds() {
        let id = "11010519491231002X";
        assert_valid(
            Some(IdKind::Mainland),
            IdKind::Mainland,
            &[(" 110105 19491231 002X", id)],
        );
        let foreign = [
            ("X1234567", "X1234567"),
            ("ab123", "AB123"),
            ("123456789", "123456789"),
        ];
        assert_valid(Some(IdKind::Passport), IdKind::Passport, &foreign);
        assert_valid(
            Some(IdKind::HkMacau),
            IdKind::HkMacau,
            &[("M 1234 5678", "M12345678")],
        );
        assert_valid(
            Some(IdKind::Taiwan),
            IdKind::Taiwan,
            &[("12345678(B)", "12345678B")],
        );
    }

    #[test]
    fn fills_birth_date_and_gender_for_mainland_ids() {
        let doc = parse_id_document("11010519491231002X", None, today()).expect("valid");
        assert_eq!(doc.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(doc.gender, Some(Gender::Female));
    }

    #[test]
    fn rejects_invalid_documents_with_clear_reasons() {
        let cases = [
            ("", None, "empty"),
            ("  ", Some(IdKind::Passport), "empty"),
            ("110105491231002", None, "old_id"),
            ("110105491231002", Some(IdKind::Mainland), "old_id"),
            ("11010519491231002", None, "length"),
            ("110105194912310021", None, "check_char"),
            ("51082420230230123X", None, "birth_date"),
            ("E1234567", None, "unknown_format"),
            ("X1234567", None, "unknown_format"),
            ("1234567", None, "unknown_format"),
            ("ABC", None, "unknown_format"),
            ("张三", None, "unknown_format"),
            ("H1234567", None, "unknown_format"),
            ("K12345678", None, "unknown_format"),
            ("E12345678", Some(IdKind::Mainland), "length"),
            ("AB12", Some(IdKind::Passport), "format"),
            ("AB12345678", Some(IdKind::Passport), "format"),
            ("AB-1234", Some(IdKind::Passport), "format"),
            ("12345678", Some(IdKind::HkMacau), "format"),
            ("H123456789", Some(IdKind::HkMacau), "format"),
            ("M1234567A", Some(IdKind::HkMacau), "format"),
            ("1234567", Some(IdKind::Taiwan), "format"),
            ("H12345678", Some(IdKind::Taiwan), "format"),
            ("1234567A90", Some(IdKind::Taiwan), "format"),
            ("123456781", Some(IdKind::Taiwan), "format"),
            ("123456789", None, "unknown_format"),
        ];
        for (raw, kind, reason) in cases {
            match parse_id_document(raw, kind, today()) {
                Ok(doc) => panic!("{raw} accepted as {doc:?}"),
                Err(e) => assert_eq!((e.field, e.reason), ("id_number", reason), "{raw}"),
            }
        }
    }

    #[test]
    fn messages_are_specific() {
        let old = parse_id_document("110105491231002", None, today()).expect_err("old id");
        assert_eq!(old.zh, "15位旧身份证号请换为18位");
        let unknown = parse_id_document("abc", None, today()).expect_err("unknown");
        assert_eq!(unknown.zh, "无法识别的证件号码：A*C");
        assert_eq!(unknown.en, "unrecognized document number: A*C");
        let long = parse_id_document("ZZ1234567890123", None, today()).expect_err("unknown");
        assert_eq!(
            long.zh, "无法识别的证件号码：ZZ1234*****0123",
            "masked in the message"
        );
    }
}
