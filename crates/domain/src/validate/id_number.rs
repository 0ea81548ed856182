//! Mainland resident ID numbers (GB 11643-1999).

use chrono::{Datelike, NaiveDate};

use super::text::compact_upper;
use crate::error::{FieldError, Result};
use crate::model::Gender;

/// Weights of the first 17 characters (GB 11643-1999).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";
/// Nobody alive was born earlier; older dates are typing errors.
const EARLIEST_BIRTH_YEAR: i32 = 1890;
const FIELD: &str = "id_number";
/// The message for a wrong check character: a digit somewhere is mistyped (the UI's field
/// check and the browser tests' fake backend show the same words).
pub const CHECK_CHAR_ZH: &str = "身份证号校验不通过：某一位可能输错了，请逐位核对";

/// The check character for the first 17 digits of an ID number, or `None` if they are not
/// 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

/// A validated mainland ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainlandId {
    /// 18 characters, upper-case `X`, no spaces.
    pub number: String,
    /// Birth date encoded in characters 7–14.
    pub birth_date: NaiveDate,
    /// Gender from the 17th character (odd = male).
    pub gender: Gender,
    /// The six-digit administrative region code.
    pub region: String,
}

/// Birth date and gender encoded in a stored (already normalized) mainland ID number; `None`
/// if it is not one. Projections use this so that the two can never disagree with the number.
pub fn birth_and_gender(number: &str) -> Option<(NaiveDate, Gender)> {
    let b = number.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let date = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d").ok()?;
    let gender = if (b[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    Some((date, gender))
}

/// Parses and validates a mainland ID number; `today` bounds the birth date.
///
/// Spaces, lower-case `x` and full-width digits are accepted; the result is normalized.
pub fn parse_mainland_id(raw: &str, today: NaiveDate) -> Result<MainlandId> {
    let number = compact_upper(raw, &[]);
    let len = number.chars().count();
    if len != 18 {
        return Err(FieldError::new(
            FIELD,
            "length",
            format!("身份证号应为18位，当前{len}位"),
            format!("ID number must have 18 characters, got {len}"),
        ));
    }
    // Checked before any slicing: 18 chars are 18 bytes only when they are ASCII.
    let shape_ok = number.is_ascii()
        && number.bytes().take(17).all(|b| b.is_ascii_digit())
        && matches!(number.as_bytes()[17], b'0'..=b'9' | b'X');
    if !shape_ok {
        return Err(FieldError::new(
            FIELD,
            "chars",
            "身份证号只能包含数字，最后一位可以是X",
            "ID number may contain only digits, and X as the last character",
        ));
    }
    check_region(&number[..6])?;
    let birth_date = check_birth_date(&number[6..14], today)?;
    // The message never names the expected character: the mistake is as likely in any of
    // the 17 digits as in the last one, and "should be 3" invites changing the last digit
    // into a valid-looking number of somebody else.
    if check_char(&number[..17]) != Some(char::from(number.as_bytes()[17])) {
        return Err(FieldError::new(
            FIELD,
            "check_char",
            CHECK_CHAR_ZH,
            "ID number fails its check: a digit is probably mistyped somewhere, check each one",
        ));
    }
    let gender = if (number.as_bytes()[16] - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    let region = number[..6].to_owned();
    Ok(MainlandId {
        number,
        birth_date,
        gender,
        region,
    })
}

/// Checks the province code (GB/T 2260) and that the city digits are not `00`.
fn check_region(region: &str) -> Result<()> {
    let province: u32 = region[..2].parse().unwrap_or(0);
    // 81/82/83 are the 港澳台居民居住证 (2018), numbered 810000/820000/830000 in the same
    // GB 11643 format, so they have no city digits.
    let residence_permit = matches!(province, 81..=83);
    let valid_province = matches!(
        province,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83
    );
    if !valid_province || (!residence_permit && &region[2..4] == "00") {
        return Err(FieldError::new(
            FIELD,
            "region",
            format!("身份证号前6位地区码{region}无效"),
            format!("ID number region code {region} is not valid"),
        ));
    }
    Ok(())
}

/// Checks that `yyyymmdd` is a real date between 1890 and `today`.
fn check_birth_date(yyyymmdd: &str, today: NaiveDate) -> Result<NaiveDate> {
    let invalid = || {
        FieldError::new(
            FIELD,
            "birth_date",
            // Not the date itself: a message may reach a log.
            "身份证号中的出生日期无效",
            "the birth date in the ID number is not a valid date",
        )
    };
    let part = |r: std::ops::Range<usize>| yyyymmdd[r].parse::<u32>().map_err(|_| invalid());
    let (year, month, day) = (part(0..4)?, part(4..6)?, part(6..8)?);
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(invalid)?;
    if date > today {
        return Err(FieldError::new(
            FIELD,
            "birth_date",
            "出生日期不能晚于今天",
            "birth date cannot be after today",
        ));
    }
    if date.year() < EARLIEST_BIRTH_YEAR {
        return Err(FieldError::new(
            FIELD,
            "birth_date",
            format!("出生日期不能早于{EARLIEST_BIRTH_YEAR}年"),
            format!("birth date cannot be before {EARLIEST_BIRTH_YEAR}"),
        ));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 5, 1).expect("valid date")
    }

    /// Appends the right check character, so tests can build valid numbers freely.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).expect("17 digits"))
    }

    #[test]
    fn check_char_matches_the_standard_examples() {
        // Examples printed in GB 11643-1999 itself.
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(check_char("44052418800101001"), Some('4'));
        assert_eq!(check_char("1101051949123100"), None);
        assert_eq!(check_char("1101051949123100a"), None);
    }

    #[test]
    fn normalizes_spaces_case_and_full_width() {
        let inputs = [
            "11010519491231002X",
            "11010519491231002x",
            " 110105 19491231 002x ",
            "１１０１０５１９４９１２３１００２Ｘ",
        ];
        for input in inputs {
            let id = parse_mainland_id(input, today()).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.number, "11010519491231002X", "{input}");
            assert_eq!(id.region, "110105", "{input}");
        }
    }

    #[test]
    fn reads_birth_date_and_gender() {
        // (first 17 digits, birth date, male?)
        let cases = [
            ("11010519491231002", "1949-12-31", false),
            ("51082419850317242", "1985-03-17", false),
            ("51082420000229123", "2000-02-29", true),
            ("81000019900101001", "1990-01-01", true),
            ("83000019900101004", "1990-01-01", false),
            ("51082420220501001", "2022-05-01", true),
            ("51082418900101001", "1890-01-01", true),
        ];
        for (first17, birth, male) in cases {
            let input = with_check(first17);
            let id = parse_mainland_id(&input, today()).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.number, input);
            assert_eq!(id.birth_date.to_string(), birth, "{input}");
            let gender = if male { Gender::Male } else { Gender::Female };
            assert_eq!(id.gender, gender, "{input}");
        }
    }

    #[test]
    fn rejects_invalid_numbers_with_reasons() {
        let raw = [
            ("", "length"),
            ("11010519491231002", "length"),
            ("110105194912310021X", "length"),
            ("110105194912310", "length"),
            ("1101051949123100X2", "chars"),
            ("11010519491231002Y", "chars"),
            ("11010519491231002-", "chars"),
            ("张10519491231002123", "chars"),
            ("110105194912310021", "check_char"),
            ("510824198503172421", "check_char"),
            ("51082419850317242X", "check_char"),
        ];
        // Built with a correct check character, so only the named part is wrong.
        let checked = [
            ("00010519491231002", "region"),
            ("16010519491231002", "region"),
            ("91010519491231002", "region"),
            ("51000019491231002", "region"),
            ("51082420230230123", "birth_date"),
            ("51082419991301123", "birth_date"),
            ("51082419990100123", "birth_date"),
            ("51082419000229123", "birth_date"),
            ("51082420220502123", "birth_date"),
            ("51082418891231123", "birth_date"),
        ];
        let cases = raw
            .map(|(input, reason)| (input.to_owned(), reason))
            .into_iter()
            .chain(checked.map(|(first17, reason)| (with_check(first17), reason)));
        for (input, reason) in cases {
            match parse_mainland_id(&input, today()) {
                Ok(id) => panic!("{input} accepted as {id:?}"),
                Err(e) => assert_eq!((e.field, e.reason), ("id_number", reason), "{input}"),
            }
        }
    }

    #[test]
    fn messages_are_precise() {
        let cases = [
            ("110105194912310021".to_owned(), CHECK_CHAR_ZH),
            ("11010519491231002".to_owned(), "身份证号应为18位，当前17位"),
            (
                "1101051949123100X2".to_owned(),
                "身份证号只能包含数字，最后一位可以是X",
            ),
            (
                with_check("16010519491231002"),
                "身份证号前6位地区码160105无效",
            ),
            (with_check("51082420230230123"), "身份证号中的出生日期无效"),
            (with_check("51082420220502123"), "出生日期不能晚于今天"),
            (with_check("51082418891231123"), "出生日期不能早于1890年"),
        ];
        for (input, zh) in cases {
            let e = parse_mainland_id(&input, today()).expect_err(zh);
            assert_eq!(e.zh, zh, "{input}");
        }
        let e = parse_mainland_id("110105194912310021", today()).expect_err("bad check char");
        // Neither language names a character to type instead.
        assert!(!e.zh.contains("应为") && !e.zh.contains('X'), "{}", e.zh);
        assert!(!e.en.contains("expected"), "{}", e.en);
    }
}
