//! The township's checkpoint rules without a store: `checkpoint judge` applies them to a form
//! (what is known of it), `rules check` checks an edit of them. Each reads one JSON object
//! (a file, or stdin with `-`) and prints JSON; nothing is opened or written. The browser
//! tests' fake backend asks these, so the screens are tested against the one set of rules.

use std::io::Read;
use std::path::Path;

use chrono::{Local, NaiveDateTime};
use gridbook_domain::checkpoint::{judge, Decision, DecisionRules, Known, Reason};
use gridbook_domain::isolation::ControlState;
use gridbook_store::forms::EntryForm;
use serde::{Deserialize, Serialize};

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// What `checkpoint judge` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgeInput {
    /// The township's rules (the work plan's defaults when absent).
    #[serde(default)]
    rules: Option<DecisionRules>,
    /// The entry form as the app sends it; any field may still be empty.
    form: EntryForm,
    /// The person's control state, when an open case is known.
    #[serde(default)]
    isolation: Option<ControlState>,
    /// When, local time `YYYY-MM-DDTHH:MM[:SS]` (now when absent): risk areas count from
    /// their date.
    #[serde(default)]
    at: Option<String>,
}

/// What `checkpoint judge` prints.
#[derive(Debug, Serialize)]
struct Judgement {
    /// The suggestion, once direction, temperature and health code are known.
    decision: Option<Decision>,
    /// Every reason found.
    reasons: Vec<Reason>,
    /// The decisions that need a note instead of the suggestion.
    needs_note: Vec<Decision>,
    /// Whether the temperature is a fever under these rules.
    fever: bool,
}

pub(crate) fn read_input(input: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    if input == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(input)?;
    }
    Ok(text)
}

pub(crate) fn bad_json(what_zh: &str, what_en: &str, e: &serde_json::Error) -> Failure {
    Failure::invalid(
        format!("{what_zh}格式有误：{e}"),
        format!("{what_en} is not valid: {e}"),
    )
}

/// The rules, refused with their first problem as the store refuses them.
fn checked(rules: DecisionRules) -> Result<DecisionRules, Failure> {
    rules.validate().map_err(|errors| {
        let first = errors.into_iter().next().unwrap_or_else(|| {
            gridbook_domain::FieldError::new("rules", "invalid", "规则无效", "invalid rules")
        });
        Failure::from(gridbook_store::StoreError::Invalid(first))
    })?;
    Ok(rules)
}

/// Runs `checkpoint judge`.
pub fn run_judge(input: &Path, json: bool, lang: Lang) -> Result<(), Failure> {
    let text = read_input(input)?;
    let j: JudgeInput =
        serde_json::from_str(&text).map_err(|e| bad_json("判定输入", "judge input", &e))?;
    let rules = checked(j.rules.unwrap_or_default())?;
    let mut entry = j.form.parse()?.input;
    entry.at = match j.at.as_deref() {
        Some(at) => parse_at(at)?,
        None => Local::now().naive_local(),
    };
    let s = judge(&rules, &Known::from_input(&entry), j.isolation.as_ref());
    let out = Judgement {
        decision: s.as_ref().map(|s| s.decision),
        needs_note: s.as_ref().map(|s| s.needs_note()).unwrap_or_default(),
        fever: s.as_ref().is_some_and(|s| s.fever()),
        reasons: s.map(|s| s.reasons).unwrap_or_default(),
    };
    emit(json, &out, || match out.decision {
        None => t(
            lang,
            "尚无建议：需先填写体温和健康码",
            "no suggestion yet: the temperature and health code are needed",
        ),
        Some(d) => {
            let reasons: Vec<&str> = out
                .reasons
                .iter()
                .map(|r| {
                    if lang == Lang::En {
                        r.en.as_str()
                    } else {
                        r.zh.as_str()
                    }
                })
                .collect();
            match lang {
                Lang::Zh => format!("建议：{}（{}）", d.zh(), reasons.join("；")),
                Lang::En => format!("suggested: {} ({})", d.en(), reasons.join("; ")),
            }
        }
    });
    Ok(())
}

/// Runs `rules check`: prints the rules as they would be kept.
pub fn run_rules_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let rules: DecisionRules =
        serde_json::from_str(&text).map_err(|e| bad_json("规则", "rules", &e))?;
    let rules = checked(rules)?;
    emit(json, &rules, || {
        serde_json::to_string_pretty(&rules).unwrap_or_default()
    });
    Ok(())
}

fn parse_at(s: &str) -> Result<NaiveDateTime, Failure> {
    Ok(gridbook_store::forms::parse_time("at", s)?)
}
