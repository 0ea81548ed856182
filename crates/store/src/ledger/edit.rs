//! Turning `FIELD=VALUE` edits typed by a person into validated field values.

use chrono::NaiveDateTime;
use gridbook_domain::validate::{parse_id_document, parse_name, parse_phone, parse_plate};
use gridbook_domain::{FieldError, Gender, Relation, Residency, RiskTag, Vulnerable};

use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::read::PersonRow;

fn invalid(field: &'static str, reason: &'static str, zh: String, en: String) -> StoreError {
    StoreError::Invalid(FieldError::new(field, reason, zh, en))
}

fn optional(v: &str) -> Option<&str> {
    let t = v.trim();
    (!t.is_empty()).then_some(t)
}

fn parse_bool(field: &'static str, v: &str) -> Result<bool> {
    match v.trim() {
        "true" | "1" | "yes" | "是" | "y" => Ok(true),
        "false" | "0" | "no" | "否" | "n" | "" => Ok(false),
        other => Err(invalid(
            field,
            "bool",
            format!("“{other}”应为 是/否"),
            format!("'{other}' must be true or false"),
        )),
    }
}

/// Flag edits: `+X` adds, `-X` removes, a plain comma list replaces the whole set.
fn flag_edits<T: Copy + Ord>(
    prefix: &str,
    value: &str,
    current: &[String],
    parse: impl Fn(&str) -> std::result::Result<T, FieldError>,
    code: impl Fn(T) -> &'static str,
    all: &[T],
) -> Result<Vec<(String, Val)>> {
    let items: Vec<&str> = value
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let incremental = !items.is_empty() && items.iter().all(|s| s.starts_with(['+', '-']));
    let mut out = Vec::new();
    if incremental {
        for s in items {
            let on = s.starts_with('+');
            let t = parse(&s[1..])?;
            out.push((format!("{prefix}{}", code(t)), Val::Bool(on)));
        }
    } else {
        let wanted = items
            .iter()
            .map(|s| parse(s))
            .collect::<std::result::Result<Vec<T>, _>>()?;
        for t in all {
            let c = code(*t);
            let on = wanted.contains(t);
            if on || current.iter().any(|x| x == c) {
                out.push((format!("{prefix}{c}"), Val::Bool(on)));
            }
        }
    }
    Ok(out)
}

/// Validated field values for edits of a person.
pub fn person_edits(
    current: &PersonRow,
    edits: &[(String, String)],
    now: NaiveDateTime,
) -> Result<Vec<(String, Val)>> {
    let mut out: Vec<(String, Val)> = Vec::new();
    for (field, value) in edits {
        match field.as_str() {
            "name" => out.push(("name".into(), parse_name(value)?.into())),
            "phone" => {
                let p = optional(value)
                    .map(parse_phone)
                    .transpose()?
                    .map(|p| p.number);
                out.push(("phone".into(), p.into()));
            }
            "plate" => out.push((
                "plate".into(),
                optional(value).map(parse_plate).transpose()?.into(),
            )),
            "address" => out.push(("address".into(), optional(value).map(str::to_owned).into())),
            "id_number" => {
                // Birth date and gender of a mainland number are derived from it.
                let d = parse_id_document(value, None, now.date())?;
                out.push(("id_kind".into(), d.kind.code().into()));
                out.push(("id_number".into(), d.number.into()));
            }
            "gender" => out.push(("gender".into(), Gender::parse(value)?.code().into())),
            "relation" => out.push(("relation".into(), Relation::parse(value)?.code().into())),
            "residency" => out.push(("residency".into(), Residency::parse(value)?.code().into())),
            "works_away" => {
                out.push(("works_away".into(), parse_bool("works_away", value)?.into()))
            }
            "tags" => out.extend(flag_edits(
                "tag.",
                value,
                &current.tags,
                RiskTag::parse,
                RiskTag::code,
                RiskTag::ALL,
            )?),
            "vulnerable" => out.extend(flag_edits(
                "vuln.",
                value,
                &current.vulnerable,
                Vulnerable::parse,
                Vulnerable::code,
                Vulnerable::ALL,
            )?),
            "deleted" => out.push(deleted_field(value, now)?),
            other => return Err(unknown_field(other, PERSON_FIELDS)),
        }
    }
    Ok(out)
}

const PERSON_FIELDS: &str =
    "name, phone, id_number, gender, relation, residency, tags, vulnerable, works_away, plate, address, deleted";
const HOUSEHOLD_FIELDS: &str = "address, phone, group_id, head_person_id, deleted";

fn unknown_field(field: &str, known: &str) -> StoreError {
    invalid(
        "field",
        "unknown_field",
        format!("无法修改字段“{field}”，可修改：{known}"),
        format!("unknown field '{field}', expected one of: {known}"),
    )
}

fn deleted_field(value: &str, now: NaiveDateTime) -> Result<(String, Val)> {
    let on = parse_bool("deleted", value)?;
    let v = on.then(|| now.format("%Y-%m-%dT%H:%M:%S").to_string());
    Ok(("deleted_at".into(), v.into()))
}

/// Validated field values for edits of a household.
pub fn household_edits(
    edits: &[(String, String)],
    now: NaiveDateTime,
) -> Result<Vec<(String, Val)>> {
    let mut out: Vec<(String, Val)> = Vec::new();
    for (field, value) in edits {
        match field.as_str() {
            "address" => {
                let a = optional(value).ok_or_else(|| {
                    invalid(
                        "address",
                        "empty",
                        "地址不能为空".into(),
                        "address is required".into(),
                    )
                })?;
                out.push(("address".into(), a.into()));
            }
            "phone" => {
                let p = optional(value)
                    .map(parse_phone)
                    .transpose()?
                    .map(|p| p.number);
                out.push(("phone".into(), p.into()));
            }
            "group_id" | "head_person_id" => {
                let v = optional(value)
                    .map(|s| {
                        uuid::Uuid::parse_str(s)
                            .map(|u| u.to_string())
                            .map_err(|_| {
                                invalid(
                                    "id",
                                    "uuid",
                                    format!("编号“{s}”格式不正确"),
                                    format!("'{s}' is not a valid id"),
                                )
                            })
                    })
                    .transpose()?;
                out.push((field.clone(), v.into()));
            }
            "deleted" => out.push(deleted_field(value, now)?),
            other => return Err(unknown_field(other, HOUSEHOLD_FIELDS)),
        }
    }
    Ok(out)
}
