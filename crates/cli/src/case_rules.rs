//! The isolation rules of a write, without a store: `policy check` checks a policy as township
//! staff edited it, `check review` reads a check's form and says whether it escalates the case
//! (fever at the policy's threshold, any symptom) and why, `test review` does the same for a
//! test sample (a positive one escalates). Each runs the parsing and the rule the store runs on
//! the write, reads one JSON object (a file, or stdin with `-`) and prints JSON; nothing is
//! opened or written. The browser tests' fake backend asks them, so the follow-up screens show
//! the app's own thresholds, reasons and refusals.

use std::path::Path;

use gridbook_domain::isolation::{
    needs_escalation, test_escalation, CheckMethod, EscalationReason, Policy, Symptom,
};
use gridbook_domain::TestResult;
use gridbook_store::forms::{parse_date, CheckForm};
use serde::{Deserialize, Serialize};

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `policy check` prints: the policy as it would be kept, and its summary as the policy
/// list shows it (居家隔离7天+居家健康监测7天).
#[derive(Serialize)]
struct CheckedPolicy<'a> {
    #[serde(flatten)]
    policy: &'a Policy,
    summary_zh: String,
}

/// Runs `policy check`: prints the policy as it would be kept, or its first problem.
pub fn run_policy_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let policy: Policy =
        serde_json::from_str(&text).map_err(|e| bad_json("管控方案", "policy", &e))?;
    policy.validate()?;
    let checked = CheckedPolicy {
        policy: &policy,
        summary_zh: policy.summary_zh(),
    };
    emit(json, &checked, || checked.summary_zh.clone());
    Ok(())
}

/// What `check review` reads: the checks, each answered in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksInput {
    checks: Vec<CheckInput>,
}

/// One check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInput {
    /// The fever threshold of the case's policy, in tenths of a degree.
    fever_tenths: u16,
    /// The check's form as the app sends it (its case id is not read).
    form: CheckForm,
}

/// What `check review` and `test review` print.
#[derive(Debug, Serialize)]
struct Review<T: Serialize> {
    /// The values as the store keeps them.
    #[serde(flatten)]
    kept: T,
    /// Whether the check or sample escalates the case (a referral is recorded with it).
    escalated: bool,
    /// Why, in Chinese, as the referral records it.
    reason: Option<String>,
    /// Why, in English.
    reason_en: Option<String>,
}

impl<T: Serialize> Review<T> {
    fn new(kept: T, escalation: Option<EscalationReason>) -> Self {
        Review {
            kept,
            escalated: escalation.is_some(),
            reason: escalation.as_ref().map(|e| e.zh.clone()),
            reason_en: escalation.map(|e| e.en),
        }
    }
}

/// A check as kept.
#[derive(Debug, Serialize)]
struct CheckKept {
    temp_tenths: Option<u16>,
    symptoms: Vec<Symptom>,
    method: CheckMethod,
    /// `YYYY-MM-DDTHH:MM`, when the form gave a time.
    at: Option<String>,
}

/// Runs `check review`: the first form refused ends it with that refusal.
pub fn run_check_review(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: ChecksInput =
        serde_json::from_str(&text).map_err(|e| bad_json("随访检查输入", "check input", &e))?;
    let out = i
        .checks
        .iter()
        .map(|c| {
            let check = c.form.parse()?;
            let escalation = needs_escalation(check.temp_tenths, &check.symptoms, c.fever_tenths);
            Ok(Review::new(
                CheckKept {
                    temp_tenths: check.temp_tenths,
                    symptoms: check.symptoms,
                    method: check.method,
                    at: check.at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
                },
                escalation,
            ))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    emit(json, &out, || {
        out.iter().map(human).collect::<Vec<_>>().join("\n")
    });
    Ok(())
}

/// What `test review` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestInput {
    /// Sample date (`YYYY-MM-DD`).
    date: String,
    /// `negative`, `positive` or `pending` (or their labels).
    result: String,
}

/// A sample as kept.
#[derive(Debug, Serialize)]
struct TestKept {
    date: chrono::NaiveDate,
    result: TestResult,
}

/// Runs `test review`.
pub fn run_test_review(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: TestInput =
        serde_json::from_str(&text).map_err(|e| bad_json("检测输入", "test input", &e))?;
    let result = TestResult::parse(&i.result)?;
    let date = parse_date("date", &i.date)?;
    let out = Review::new(TestKept { date, result }, test_escalation(result, date));
    emit(json, &out, || human(&out));
    Ok(())
}

fn human<T: Serialize>(r: &Review<T>) -> String {
    match &r.reason {
        Some(reason) => format!("升级：{reason}"),
        None => "无需升级".to_owned(),
    }
}
