//! A case on a day without a store: `case state-check` gives, for cases of given policies and
//! start dates, the phases with their dates and the last day as `case show` gives them, and
//! the control state on a day (居家隔离第N天 / 集中隔离 / 居家健康监测 / 待转诊) as the
//! checkpoint's match and the pass check show it. `policy builtin` and `rules builtin` print
//! the built-in policies and the work plan's checkpoint rules, as a store the township has not
//! edited lists them. Each runs the functions the store runs, prints JSON, and opens or writes
//! nothing. The browser tests' fake backend asks them, so the case and checkpoint screens show
//! the app's own dates, states and defaults.

use std::path::Path;

use chrono::NaiveDate;
use gridbook_domain::checkpoint::DecisionRules;
use gridbook_domain::isolation::{control_state, end_date, Policy};
use gridbook_store::forms::parse_date;
use gridbook_store::{builtin_policy_rows, case_phases, CasePhase, IsolationRow};
use serde::{Deserialize, Serialize};

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `case state-check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateInput {
    /// The day of the control states (`YYYY-MM-DD`).
    on: String,
    /// The cases, each answered in this order.
    cases: Vec<CaseInput>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseInput {
    /// The case's id, given back in its control state.
    #[serde(default)]
    id: String,
    /// The policy the case runs under.
    policy: Policy,
    /// Day 1 of the case (`YYYY-MM-DD`).
    start: String,
    /// Whether an escalation of the case is open (or its status is escalated or referred).
    #[serde(default)]
    escalated: bool,
}

/// What `case state-check` prints for one case.
#[derive(Debug, Serialize)]
struct CaseState {
    /// The last day of the case.
    end: NaiveDate,
    /// The phases, dated.
    phases: Vec<CasePhase>,
    /// The control state on `on`, `null` before the case starts.
    control: Option<IsolationRow>,
}

/// Runs `case state-check`.
pub fn run_state_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: StateInput =
        serde_json::from_str(&text).map_err(|e| bad_json("管控状态输入", "state input", &e))?;
    let on = parse_date("on", &i.on)?;
    let out = i
        .cases
        .into_iter()
        .map(|c| {
            c.policy.validate()?;
            let start = parse_date("start", &c.start)?;
            Ok(CaseState {
                end: end_date(&c.policy, start),
                phases: case_phases(&c.policy, start),
                control: control_state(&c.policy, start, on, c.escalated)
                    .map(|s| IsolationRow::new(c.id, &s)),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    emit(json, &out, || {
        out.iter()
            .map(|c| match &c.control {
                Some(s) => format!("{}  {}", c.end, s.label),
                None => c.end.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Runs `policy builtin`.
pub fn run_policy_builtin(json: bool) -> Result<(), Failure> {
    let rows = builtin_policy_rows();
    emit(json, &rows, || {
        rows.iter()
            .map(|p| format!("{}  {}  {}", p.id, p.name, p.summary))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Runs `rules builtin`.
pub fn run_rules_builtin(json: bool) -> Result<(), Failure> {
    let rules = DecisionRules::default();
    emit(json, &rules, || {
        serde_json::to_string_pretty(&rules).unwrap_or_default()
    });
    Ok(())
}
