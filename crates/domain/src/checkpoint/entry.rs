//! One person crossing a checkpoint: the form as typed, and its validation into typed values.
//!
//! The fields are those 001 lists for checkpoint registration (姓名、身份证、户口所在地、常住地、
//! 联系电话、车牌号码, contact with key areas) plus the temperature and health code the seed
//! requires at every entrance (扫码 + 测温 + 登记).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Direction, HealthCode};
use crate::error::FieldError;
use crate::model::IdKind;
use crate::validate::{parse_id_document, parse_name, parse_phone, parse_plate, parse_temperature};

/// Longest place name (户口所在地, 常住地), in characters.
const MAX_PLACE_CHARS: usize = 100;
/// Longest travel description, in characters.
const MAX_TRAVEL_CHARS: usize = 200;
/// Longest purpose (事由), in characters.
const MAX_PURPOSE_CHARS: usize = 100;
/// Longest declared risk-area name, in characters.
const MAX_AREA_CHARS: usize = 50;

/// The entry form as the volunteer typed it (or the CLI received it): text, unparsed, so that
/// validation can report every bad field at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    /// When the person crossed, local time (the tablet clock or `--at`).
    pub at: NaiveDateTime,
    /// `in`/`out`, 进/出.
    pub direction: String,
    /// Full name.
    pub name: String,
    /// Kind of document; `None` detects it from the number (passports need it set).
    pub id_kind: Option<IdKind>,
    /// Document number as typed.
    pub id_number: String,
    /// 户口所在地, optional.
    pub hukou_place: String,
    /// 常住地, optional.
    pub residence: String,
    /// Phone, optional.
    pub phone: String,
    /// Vehicle plate, optional (on foot, or a bicycle).
    pub plate: String,
    /// Temperature as read from the thermometer, required.
    pub temperature: String,
    /// Health code colour: `green`/`yellow`/`red`, 绿码/黄码/红码.
    pub health_code: String,
    /// Where the person has been in the last 14 days, free text (may be empty).
    pub travel: String,
    /// Risk areas the volunteer ticked from the synced list, by name.
    pub declared_areas: Vec<String>,
    /// Why the person crosses (事由), optional.
    pub purpose: String,
}

/// A validated entry: normalized values, ready for [`suggest`](super::suggest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidEntry {
    /// When the person crossed, local time.
    pub at: NaiveDateTime,
    /// In or out.
    pub direction: Direction,
    /// Normalized name.
    pub name: String,
    /// Kind of document.
    pub id_kind: IdKind,
    /// Normalized document number.
    pub id_number: String,
    /// 户口所在地.
    pub hukou_place: Option<String>,
    /// 常住地.
    pub residence: Option<String>,
    /// Normalized phone.
    pub phone: Option<String>,
    /// Normalized plate.
    pub plate: Option<String>,
    /// Temperature in tenths of a degree (365 = 36.5 °C): integers compare exactly against the
    /// fever threshold and store without float noise.
    pub temperature_tenths: u16,
    /// Health code colour.
    pub health_code: HealthCode,
    /// Travel in the last 14 days, trimmed (empty when none).
    pub travel: String,
    /// Declared risk areas, trimmed, without blanks or repeats.
    pub declared_areas: Vec<String>,
    /// 事由.
    pub purpose: Option<String>,
}

impl ValidEntry {
    /// The temperature in °C.
    pub fn temperature(&self) -> f64 {
        f64::from(self.temperature_tenths) / 10.0
    }
}

/// Validates an entry form. Every failing field is reported, each naming its field.
pub fn validate_entry(input: &EntryInput) -> Result<ValidEntry, Vec<FieldError>> {
    let mut errors = Vec::new();
    let today = input.at.date();

    let direction = keep(&mut errors, Direction::parse(&input.direction));
    let name = keep(&mut errors, parse_name(&input.name));
    let id = keep(
        &mut errors,
        parse_id_document(&input.id_number, input.id_kind, today),
    );
    let phone = keep(
        &mut errors,
        optional(&input.phone, |p| parse_phone(p).map(|p| p.number)),
    );
    let plate = keep(&mut errors, optional(&input.plate, parse_plate));
    let temperature = keep(&mut errors, parse_temperature(&input.temperature));
    let health_code = keep(&mut errors, HealthCode::parse(&input.health_code));
    let hukou_place = keep(
        &mut errors,
        free_text(
            &input.hukou_place,
            "hukou_place",
            "户口所在地",
            MAX_PLACE_CHARS,
        ),
    );
    let residence = keep(
        &mut errors,
        free_text(&input.residence, "residence", "常住地", MAX_PLACE_CHARS),
    );
    let travel = keep(
        &mut errors,
        free_text(&input.travel, "travel", "旅居史", MAX_TRAVEL_CHARS),
    );
    let purpose = keep(
        &mut errors,
        free_text(&input.purpose, "purpose", "事由", MAX_PURPOSE_CHARS),
    );
    let declared_areas = keep(&mut errors, declared(&input.declared_areas));

    // Every field is `Some` exactly when no error was pushed.
    let (
        Some(direction),
        Some(name),
        Some(id),
        Some(phone),
        Some(plate),
        Some(temperature),
        Some(health_code),
        Some(hukou_place),
        Some(residence),
        Some(travel),
        Some(purpose),
        Some(declared_areas),
    ) = (
        direction,
        name,
        id,
        phone,
        plate,
        temperature,
        health_code,
        hukou_place,
        residence,
        travel,
        purpose,
        declared_areas,
    )
    else {
        return Err(errors);
    };
    Ok(ValidEntry {
        at: input.at,
        direction,
        name,
        id_kind: id.kind,
        id_number: id.number,
        hukou_place,
        residence,
        phone,
        plate,
        // parse_temperature returns whole tenths within 35.0–42.0, so this is exact.
        temperature_tenths: (temperature * 10.0).round() as u16,
        health_code,
        travel: travel.unwrap_or_default(),
        declared_areas,
        purpose,
    })
}

fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Blank means "not given"; anything else must pass `parse`.
fn optional(
    raw: &str,
    parse: impl Fn(&str) -> Result<String, FieldError>,
) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

/// Optional free text, trimmed, at most `max` characters.
pub(super) fn free_text(
    raw: &str,
    field: &'static str,
    zh_name: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            "length",
            format!("{zh_name}最多{max}个字"),
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

fn declared(areas: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for raw in areas {
        if let Some(area) = free_text(raw, "declared_areas", "风险地区名称", MAX_AREA_CHARS)?
        {
            if !out.contains(&area) {
                out.push(area);
            }
        }
    }
    Ok(out)
}
