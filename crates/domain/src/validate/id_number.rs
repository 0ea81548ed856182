//! Mainland resident ID numbers (GB 11643-1999).

/// Weights of the first 17 characters (GB 11643-1999).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";

/// The check character for the first 17 digits of an ID number, or `None` if they are not
/// 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

use chrono::NaiveDate;

use crate::error::{FieldError, Result};
use crate::model::Gender;

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

/// Parses and validates a mainland ID number; `today` bounds the birth date.
pub fn parse_mainland_id(raw: &str, today: NaiveDate) -> Result<MainlandId> {
    let _ = (raw, today);
    Err(FieldError::new("id_number", "unimplemented", "未实现", "not implemented"))
}
