//! The ledger's field checks without a store: `field check` validates values field by field
//! with the validators the store applies on a write (name, ID number, phone, plate, address,
//! temperature), and prints each value as it would be kept or the reason it is refused. It
//! reads one JSON object (a file, or stdin with `-`) and prints JSON; nothing is opened or
//! written. The browser tests' fake backend asks it, so the forms are tested against the
//! app's own checks and messages.

use std::path::Path;

use chrono::{Local, NaiveDate};
use gridbook_domain::validate::check_field;
use serde::{Deserialize, Serialize};

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `field check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldCheckInput {
    /// The local date the checks are made on (`YYYY-MM-DD`; today when absent): a birth date
    /// in an ID number may not be after it.
    #[serde(default)]
    today: Option<String>,
    /// The values to check, in order.
    fields: Vec<FieldValue>,
}

/// One value of one field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldValue {
    /// `name`, `id_number`, `phone`, `plate`, `address` or `temperature`.
    field: String,
    /// What was typed.
    value: String,
}

/// The answer for one value: the value as the store keeps it, or why it is refused.
#[derive(Debug, Serialize)]
struct Checked {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_en: Option<String>,
}

/// Runs `field check`: prints one answer per value, in the order given.
pub fn run_field_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: FieldCheckInput = serde_json::from_str(&text)
        .map_err(|e| bad_json("字段检查输入", "field check input", &e))?;
    let today = match i.today.as_deref() {
        Some(d) => gridbook_store::forms::parse_date("today", d)?,
        None => Local::now().date_naive(),
    };
    let out: Vec<Checked> = i.fields.iter().map(|f| check(f, today)).collect();
    emit(json, &out, || {
        out.iter()
            .map(|c| match (&c.normalized, &c.message) {
                (Some(v), _) => format!("ok: {v}"),
                (None, Some(m)) => format!("{}: {m}", c.field.unwrap_or_default()),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn check(f: &FieldValue, today: NaiveDate) -> Checked {
    match check_field(&f.field, &f.value, today) {
        Ok(v) => Checked {
            ok: true,
            normalized: Some(v),
            field: None,
            message: None,
            message_en: None,
        },
        Err(e) => Checked {
            ok: false,
            normalized: None,
            field: Some(e.field),
            message: Some(e.zh),
            message_en: Some(e.en),
        },
    }
}
