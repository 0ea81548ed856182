//! Temporary passes (临时通行证): one person per household may go out in a time window.
//!
//! 001: "为每户家庭发放临时出入通行证,卡口工作人员随时做好每个家庭在规定时间内允许有一人出入小区
//! 上街购物人员的信息登记". A pass is one window for one outing: the first person of the
//! household to go out on it uses it, and only that person may come back in on it.

use std::fmt;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Direction;
use crate::error::FieldError;
use crate::validate::parse_name;
use crate::zh_date;

/// The 32 characters of pass numbers: digits and capitals without 0/O and 1/I, which look
/// alike on a printed pass and on a phone keyboard.
pub const PASS_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Data characters of a pass number (35 bits: collisions are negligible within a township).
const DATA_CHARS: usize = 7;
/// Longest window of one pass. 001 lets one person out "在规定时间内" to shop, and the supply
/// round of a closed area is every two days: an outing fits in a day, and a longer need is a
/// new pass, so "one outing per pass" stays one outing per window.
pub const MAX_PASS_WINDOW_HOURS: i64 = 24;

/// A temporary pass issued to a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// The pass number, normalized (see [`parse_pass_number`]).
    pub number: String,
    /// The household it was issued to.
    pub household_id: Uuid,
    /// First valid instant, local time.
    pub valid_from: NaiveDateTime,
    /// End of validity, local time, exclusive.
    pub valid_to: NaiveDateTime,
    /// Who issued it.
    pub issued_by: String,
}

impl Pass {
    /// Issues a pass numbered from `seed` (a fresh v4 id), after checking the window and the
    /// issuer's name.
    pub fn issue(
        seed: Uuid,
        household_id: Uuid,
        valid_from: NaiveDateTime,
        valid_to: NaiveDateTime,
        issued_by: &str,
    ) -> Result<Pass, FieldError> {
        validate_pass_window(valid_from, valid_to)?;
        let issued_by = parse_name(issued_by).map_err(|e| FieldError {
            field: "issued_by",
            ..e
        })?;
        Ok(Pass {
            number: pass_number(seed.as_bytes()),
            household_id,
            valid_from,
            valid_to,
            issued_by,
        })
    }
}

/// One recorded crossing on a pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassUse {
    /// The pass number, normalized.
    pub pass_number: String,
    /// When, local time.
    pub at: NaiveDateTime,
    /// Out (a use of the pass) or in (the return).
    pub direction: Direction,
    /// Normalized document number of the person crossing.
    pub id_number: String,
    /// The checkpoint entry that recorded it.
    pub entry_id: Uuid,
}

/// Why a pass does not let the person cross. Carries no personal data: it is shown at the
/// checkpoint and may be logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum PassRefusal {
    /// The window has not started.
    NotYetValid {
        /// Start of the window.
        valid_from: NaiveDateTime,
    },
    /// The window is over.
    Expired {
        /// End of the window.
        valid_to: NaiveDateTime,
    },
    /// Someone of the household already went out on this pass.
    AlreadyUsed {
        /// When that person went out.
        at: NaiveDateTime,
    },
    /// Coming in on a pass nobody of that identity went out on.
    NotOutOnPass,
    /// The person is under control (an open isolation case): a pass never covers them.
    UnderControl {
        /// The control state, e.g. `居家隔离第3天，至12月18日`.
        state_zh: String,
        /// The same in English.
        state_en: String,
    },
}

impl PassRefusal {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PassRefusal::NotYetValid { .. } => "not-yet-valid",
            PassRefusal::Expired { .. } => "expired",
            PassRefusal::AlreadyUsed { .. } => "already-used",
            PassRefusal::NotOutOnPass => "not-out-on-pass",
            PassRefusal::UnderControl { .. } => "under-control",
        }
    }

    /// Message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            PassRefusal::NotYetValid { valid_from } => {
                format!("通行证尚未生效，{}起可用", zh_date::short_time(*valid_from))
            }
            PassRefusal::Expired { valid_to } => {
                format!("通行证已于{}过期", zh_date::short_time(*valid_to))
            }
            PassRefusal::AlreadyUsed { at } => {
                format!(
                    "本户已有一人于{}凭此证外出，每户每时段限一人",
                    zh_date::short_time(*at)
                )
            }
            PassRefusal::NotOutOnPass => "此人未凭此通行证外出，不能凭证返回".to_owned(),
            PassRefusal::UnderControl { state_zh, .. } => {
                format!("此人正在管控中（{state_zh}），通行证不含此人，不能凭证外出")
            }
        }
    }

    /// The same message in English.
    pub fn en(&self) -> String {
        match self {
            PassRefusal::NotYetValid { valid_from } => {
                format!("pass not valid until {}", hm(valid_from))
            }
            PassRefusal::Expired { valid_to } => format!("pass expired at {}", hm(valid_to)),
            PassRefusal::AlreadyUsed { at } => format!(
                "someone of this household went out on this pass at {}; one person per window",
                hm(at)
            ),
            PassRefusal::NotOutOnPass => {
                "this person did not go out on this pass and cannot come back in on it".to_owned()
            }
            PassRefusal::UnderControl { state_en, .. } => {
                format!("this person is under control ({state_en}); the pass does not cover them")
            }
        }
    }
}

impl fmt::Display for PassRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for PassRefusal {}

fn hm(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Checks whether the person with `id_number` may cross `direction` on `pass` at `now`, given
/// the crossings already recorded (those of other passes are ignored).
///
/// Going out is the use: it must fall in the window and be the pass's first outing. Coming
/// back is not a use: the person who went out on the pass may return, even after the window —
/// refusing a resident their way home would leave them outside the closed area, and the late
/// return shows in the entry's time. Anyone else coming in on the pass is refused.
///
/// Only synced crossings are seen: two checkpoints offline can each let one person out on the
/// same pass, and the store flags that after sync.
pub fn check_pass(
    pass: &Pass,
    now: NaiveDateTime,
    direction: Direction,
    id_number: &str,
    uses: &[PassUse],
) -> Result<(), PassRefusal> {
    let outings = uses
        .iter()
        .filter(|u| u.pass_number == pass.number && u.direction == Direction::Out);
    match direction {
        Direction::In => {
            if outings.clone().any(|u| u.id_number == id_number) {
                Ok(())
            } else {
                Err(PassRefusal::NotOutOnPass)
            }
        }
        Direction::Out => {
            if now < pass.valid_from {
                return Err(PassRefusal::NotYetValid {
                    valid_from: pass.valid_from,
                });
            }
            if now >= pass.valid_to {
                return Err(PassRefusal::Expired {
                    valid_to: pass.valid_to,
                });
            }
            match outings.map(|u| u.at).min() {
                Some(at) => Err(PassRefusal::AlreadyUsed { at }),
                None => Ok(()),
            }
        }
    }
}

/// Checks a pass window: the end after the start, at most [`MAX_PASS_WINDOW_HOURS`] later.
pub fn validate_pass_window(from: NaiveDateTime, to: NaiveDateTime) -> Result<(), FieldError> {
    if to <= from {
        return Err(FieldError::new(
            "valid_to",
            "before_start",
            "通行证结束时间应晚于开始时间",
            "the pass must end after it starts",
        ));
    }
    if to - from > Duration::hours(MAX_PASS_WINDOW_HOURS) {
        return Err(FieldError::new(
            "valid_to",
            "too_long",
            format!("通行证时段最长{MAX_PASS_WINDOW_HOURS}小时，更长请分次发放"),
            format!("a pass window is at most {MAX_PASS_WINDOW_HOURS} hours; issue another pass"),
        ));
    }
    Ok(())
}

/// Makes a pass number from random bytes (e.g. a v4 UUID): seven characters of
/// [`PASS_ALPHABET`] from the first 35 bits, then a check character. Short enough to read out
/// and type, and plain enough for any QR code.
pub fn pass_number(seed: &[u8]) -> String {
    let mut bits: u64 = 0;
    for i in 0..5 {
        bits = bits << 8 | u64::from(seed.get(i).copied().unwrap_or(0));
    }
    // 40 bits read, 35 used.
    bits >>= 5;
    let mut values = [0u8; DATA_CHARS];
    for v in values.iter_mut().rev() {
        *v = (bits & 31) as u8;
        bits >>= 5;
    }
    let mut number: String = values
        .iter()
        .map(|&v| char::from(PASS_ALPHABET[usize::from(v)]))
        .collect();
    number.push(char::from(PASS_ALPHABET[usize::from(check_value(&values))]));
    number
}

/// What a pass's QR code holds: this prefix, then the number. The prefix tells a scanned pass
/// from any other code a handheld scanner might read (a health code, a product) and is
/// dropped again by [`parse_pass_number`].
pub const PASS_PAYLOAD_PREFIX: &str = "GRIDBOOK-PASS:";

/// The text of a pass's QR code.
pub fn pass_payload(number: &str) -> String {
    format!("{PASS_PAYLOAD_PREFIX}{number}")
}

/// The QR code of a pass as a standalone SVG document: dark modules on white, with the quiet
/// zone, sized for a phone screen or a printed slip. Error correction M survives a creased
/// slip or a scratched screen.
pub fn pass_qr_svg(number: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(pass_payload(number), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(240, 240)
            .build(),
        // Only a payload longer than a QR code holds fails; a pass payload is 22 characters.
        Err(_) => String::new(),
    }
}

/// Normalizes a typed or scanned pass number: drops the QR payload prefix, spaces and dashes,
/// folds full-width forms, upper-cases, then checks the length, the alphabet and the check
/// character.
pub fn parse_pass_number(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    let text = match text.get(..PASS_PAYLOAD_PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(PASS_PAYLOAD_PREFIX) => {
            &text[PASS_PAYLOAD_PREFIX.len()..]
        }
        _ => text,
    };
    let number: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let err = |reason, zh: &str, en: &str| FieldError::new("pass_number", reason, zh, en);
    if number.is_empty() {
        return Err(err("empty", "请输入通行证号", "pass number is empty"));
    }
    if number.chars().count() != DATA_CHARS + 1 {
        return Err(err(
            "length",
            "通行证号应为8位",
            "a pass number has 8 characters",
        ));
    }
    let values: Option<Vec<u8>> = number.bytes().map(value_of).collect();
    let Some(values) = values else {
        return Err(err(
            "character",
            "通行证号只含数字2–9和字母（无O、I）",
            "a pass number has only digits 2–9 and letters other than O and I",
        ));
    };
    let (data, check) = values.split_at(DATA_CHARS);
    if check != [check_value(data)] {
        return Err(err(
            "check_char",
            "通行证号校验位不符，请核对",
            "the pass number's check character does not match; check for typos",
        ));
    }
    Ok(number)
}

fn value_of(b: u8) -> Option<u8> {
    PASS_ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|p| u8::try_from(p).ok())
}

/// Luhn mod 32: catches every single mistyped character and most swaps of neighbours, the
/// two mistakes of someone copying a number by hand.
fn check_value(data: &[u8]) -> u8 {
    let n = PASS_ALPHABET.len() as u32;
    let mut factor = 2;
    let mut sum = 0;
    for &v in data.iter().rev() {
        let addend = factor * u32::from(v);
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    ((n - sum % n) % n) as u8
}
