//! Body temperatures.

use super::text::fold_width;
use crate::error::{FieldError, Result};

const FIELD: &str = "temperature";

/// At or above this temperature (°C) a person has a fever.
pub const FEVER_THRESHOLD: f64 = 37.3;

/// Lowest and highest accepted temperature, in tenths of a degree: outside this range the
/// reading is a typing or thermometer error, not a body temperature.
const RANGE_TENTHS: std::ops::RangeInclusive<u32> = 350..=420;

/// Parses a temperature in °C (35.0–42.0), rounded half-up to one decimal.
///
/// Accepts `36.5`, `36.5℃`, `36.5°C`, `36.5度`, full-width digits, and a comma as the decimal
/// point. The range is checked after rounding, so 34.96 counts as 35.0.
pub fn parse_temperature(raw: &str) -> Result<f64> {
    let folded: String = raw.chars().map(fold_width).collect();
    let text = folded.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            FIELD,
            "empty",
            "请输入体温",
            "temperature is empty",
        ));
    }
    if is_fahrenheit(text) {
        return Err(FieldError::new(
            FIELD,
            "unit",
            "请以摄氏度（℃）填写体温",
            "enter the temperature in degrees Celsius (°C)",
        ));
    }
    let number = strip_unit(text).replace(['，', ','], ".");
    let tenths = tenths(&number).ok_or_else(|| {
        FieldError::new(
            FIELD,
            "format",
            "体温格式无效，应为数字，如36.5",
            "temperature must be a number, e.g. 36.5",
        )
    })?;
    if !RANGE_TENTHS.contains(&tenths) {
        return Err(FieldError::new(
            FIELD,
            "range",
            "体温应在35.0–42.0℃之间",
            "temperature must be between 35.0 and 42.0 °C",
        ));
    }
    Ok(f64::from(tenths) / 10.0)
}

/// Whether a temperature is a fever.
pub fn is_fever(t: f64) -> bool {
    t >= FEVER_THRESHOLD
}

/// `98.6℉`, `98.6°F` or `98.6 F`; a bare trailing f only counts after a digit (not in "inf").
fn is_fahrenheit(text: &str) -> bool {
    if text.ends_with('℉') || text.ends_with("°F") || text.ends_with("°f") {
        return true;
    }
    text.strip_suffix(['F', 'f'])
        .is_some_and(|rest| rest.trim_end().ends_with(|c: char| c.is_ascii_digit()))
}

fn strip_unit(text: &str) -> &str {
    ["℃", "°C", "°c", "°", "C", "c", "度"]
        .iter()
        .find_map(|unit| text.strip_suffix(unit))
        .unwrap_or(text)
        .trim_end()
}

/// `DDD[.ddd]` rounded half-up to tenths, computed on the digits so that no binary floating
/// point error can move 36.25 to 36.2. `None` if it is not such a number.
fn tenths(number: &str) -> Option<u32> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) || number.ends_with('.') {
        return None;
    }
    // Anything longer than three integer digits is far out of range; cap it to avoid overflow.
    let int: u32 = if int.len() > 3 {
        9999
    } else {
        int.parse().ok()?
    };
    let mut frac = frac.bytes().map(|b| u32::from(b - b'0'));
    let first = frac.next().unwrap_or(0);
    let round_up = u32::from(frac.next().unwrap_or(0) >= 5);
    Some(int * 10 + first + round_up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rounds_valid_readings() {
        let cases = [
            ("36.5", 36.5),
            (" 36.5 ", 36.5),
            ("36.5℃", 36.5),
            ("36.5°C", 36.5),
            ("36.5 °c", 36.5),
            ("36.5°", 36.5),
            ("36.5度", 36.5),
            ("36,5", 36.5),
            ("３６．５", 36.5),
            ("37", 37.0),
            ("36.25", 36.3),
            ("36.24", 36.2),
            ("36.95", 37.0),
            ("35.0", 35.0),
            ("42.0", 42.0),
            ("34.96", 35.0),
            ("42.04", 42.0),
            ("037.3", 37.3),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_temperature(raw), Ok(expected), "{raw}");
        }
    }

    #[test]
    fn rejects_invalid_readings_with_reasons() {
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            ("abc", "format"),
            ("36.5.1", "format"),
            ("36.", "format"),
            (".5", "format"),
            ("-36.5", "format"),
            ("3e1", "format"),
            ("NaN", "format"),
            ("inf", "format"),
            ("36 .5", "format"),
            ("℃", "format"),
            ("98.6°F", "unit"),
            ("98.6℉", "unit"),
            ("98.6 F", "unit"),
            ("34.9", "range"),
            ("34.94", "range"),
            ("42.1", "range"),
            ("42.05", "range"),
            ("365", "range"),
            ("99999999999999999999", "range"),
            ("0", "range"),
        ];
        for (raw, reason) in cases {
            match parse_temperature(raw) {
                Ok(t) => panic!("{raw} accepted as {t}"),
                Err(e) => assert_eq!((e.field, e.reason), ("temperature", reason), "{raw}"),
            }
        }
    }

    #[test]
    fn range_message_is_exact() {
        let e = parse_temperature("43").expect_err("too hot");
        assert_eq!(e.zh, "体温应在35.0–42.0℃之间");
    }

    #[test]
    fn fever_starts_at_the_threshold() {
        let cases = [(37.2, false), (37.3, true), (39.0, true), (36.5, false)];
        for (t, fever) in cases {
            assert_eq!(is_fever(t), fever, "{t}");
        }
    }
}
