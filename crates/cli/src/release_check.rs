//! The isolation release rules without a store: `case release-check` says whether a case of a
//! policy, with the given tests and checks, may be released on a day, and if not, every unmet
//! condition with the codes and texts a release refusal carries; if so, the certificate data
//! (期满证明) the release issues. It reads one JSON object (a
//! file, or stdin with `-`) and prints JSON; nothing is opened or written. The browser tests'
//! fake backend asks it, so the release screens are tested against the app's own rules.

use std::path::Path;

use chrono::NaiveDate;
use gridbook_domain::isolation::{
    issue_reviewed_certificate, Certificate, CheckFact, Policy, ReleaseFacts,
};
use gridbook_domain::TestResult;
use gridbook_store::forms::parse_date;
use serde::{Deserialize, Serialize};

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `case release-check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseInput {
    /// The policy the case runs under.
    policy: Policy,
    /// Day 1 of the case (`YYYY-MM-DD`).
    start: String,
    /// The day of the release (`YYYY-MM-DD`).
    on: String,
    /// The case's test samples.
    #[serde(default)]
    tests: Vec<TestInput>,
    /// The case's follow-up checks.
    #[serde(default)]
    checks: Vec<CheckInput>,
    /// Whether an escalation of the case is open.
    #[serde(default)]
    open_escalation: bool,
    /// Why the case is released despite missed follow-up days.
    #[serde(default)]
    reason: Option<String>,
    /// The person's name, for the certificate.
    #[serde(default)]
    person_name: String,
    /// The person's ID number as the ledger keeps it, for the certificate.
    #[serde(default)]
    id_number: String,
}

/// One test sample.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestInput {
    date: String,
    result: TestResult,
}

/// One follow-up check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInput {
    /// Local date of the check (`YYYY-MM-DD`; a longer local time is cut to its date).
    date: String,
    /// The temperature taken, in tenths of a degree.
    #[serde(default)]
    temp_tenths: Option<i64>,
    /// The symptoms reported (codes).
    #[serde(default)]
    symptoms: Vec<String>,
}

/// What `case release-check` prints.
#[derive(Debug, Serialize)]
struct ReleaseAnswer {
    releasable: bool,
    /// The unmet conditions' codes, comma-separated, as a refusal's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// Every unmet condition in Chinese, separated by `；`.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// The same in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    message_en: Option<String>,
    /// The certificate data the release issues, when releasable.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<Certificate>,
}

fn day(name: &'static str, raw: &str) -> Result<NaiveDate, Failure> {
    Ok(parse_date(name, raw.get(..10).unwrap_or(raw))?)
}

/// Runs `case release-check`.
pub fn run_release_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: ReleaseInput =
        serde_json::from_str(&text).map_err(|e| bad_json("解除检查输入", "release input", &e))?;
    i.policy
        .validate()
        .map_err(|e| Failure::from(gridbook_store::StoreError::from(e)))?;
    let start = day("start", &i.start)?;
    let on = day("on", &i.on)?;
    let tests = i
        .tests
        .iter()
        .map(|t| Ok((day("date", &t.date)?, t.result)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let checks = i
        .checks
        .iter()
        .map(|c| {
            let any_symptom = c.symptoms.iter().any(|s| !s.trim().is_empty());
            Ok(CheckFact::of(
                &i.policy,
                day("date", &c.date)?,
                c.temp_tenths,
                any_symptom,
            ))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let facts = ReleaseFacts {
        tests: &tests,
        checks: &checks,
        open_escalation: i.open_escalation,
        reason: i.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
    };
    let issued =
        issue_reviewed_certificate(&i.policy, start, on, &facts, &i.person_name, &i.id_number);
    let out = match issued {
        Ok(certificate) => ReleaseAnswer {
            releasable: true,
            code: None,
            message: None,
            message_en: None,
            certificate: Some(certificate),
        },
        Err(r) => ReleaseAnswer {
            releasable: false,
            code: Some(
                r.unmet
                    .iter()
                    .map(|u| u.code())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            message: Some(r.zh()),
            message_en: Some(r.en()),
            certificate: None,
        },
    };
    emit(json, &out, || match &out.message {
        None => "ok".into(),
        Some(m) => m.clone(),
    });
    Ok(())
}
