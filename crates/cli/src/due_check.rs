//! The isolation due list's rule without a store: `case due-check` says, for cases of given
//! policies and start dates with the checks and samples recorded, which checks and tests are
//! due on a day and where each stands at a given time (due, done, overdue, missed), with the
//! phase the case is in that day and its last day. It runs the function the store's due list
//! runs. It reads one JSON object (a file, or stdin with `-`) and prints JSON; nothing is
//! opened or written. The browser tests' fake backend asks it, so the follow-up screens are
//! tested against the app's own schedule.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::isolation::{day_slots, end_date, phase_on, PhaseKind, Policy};
use gridbook_store::forms::{parse_date, parse_time};
use serde::{Deserialize, Serialize};

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `case due-check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DueInput {
    /// The day of the list (`YYYY-MM-DD`).
    date: String,
    /// The local time the statuses are read at (`YYYY-MM-DDTHH:MM[:SS]`).
    now: String,
    /// The cases, each answered in this order.
    cases: Vec<CaseInput>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseInput {
    /// The policy the case runs under.
    policy: Policy,
    /// Day 1 of the case (`YYYY-MM-DD`).
    start: String,
    /// When the case's checks were made (local `YYYY-MM-DDTHH:MM[:SS]`); those of other days
    /// fill nothing.
    #[serde(default)]
    checks: Vec<String>,
    /// Whether a sample of the day was recorded.
    #[serde(default)]
    tested: bool,
}

/// What `case due-check` prints for one case.
#[derive(Debug, Serialize)]
struct CaseDue {
    /// The kind of phase the case is in on the day, `null` outside its phases.
    phase: Option<PhaseKind>,
    /// The last day of the case.
    end: NaiveDate,
    /// The day's slots: the checks in window order, then the test.
    slots: Vec<SlotOut>,
}

/// One slot, as the due list shows it.
#[derive(Debug, Serialize)]
struct SlotOut {
    kind: &'static str,
    day: u32,
    window_start: String,
    window_end: String,
    status: &'static str,
}

fn hm(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// Runs `case due-check`.
pub fn run_due_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: DueInput =
        serde_json::from_str(&text).map_err(|e| bad_json("随访检查输入", "due input", &e))?;
    let date = parse_date("date", &i.date)?;
    let now = parse_time("now", &i.now)?;
    let out = i
        .cases
        .iter()
        .map(|c| case_due(c, date, now))
        .collect::<Result<Vec<_>, Failure>>()?;
    emit(json, &out, || {
        out.iter()
            .map(|c| {
                c.slots
                    .iter()
                    .map(|s| format!("{} {} {}", s.window_start, s.kind, s.status))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn case_due(c: &CaseInput, date: NaiveDate, now: NaiveDateTime) -> Result<CaseDue, Failure> {
    c.policy.validate()?;
    let start = parse_date("start", &c.start)?;
    let mut checks = c
        .checks
        .iter()
        .map(|at| parse_time("checks", at))
        .collect::<Result<Vec<_>, _>>()?;
    checks.retain(|at| at.date() == date);
    checks.sort();
    let slots = day_slots(&c.policy, start, date, &checks, c.tested, now)
        .into_iter()
        .map(|(slot, status)| SlotOut {
            kind: slot.kind.code(),
            day: slot.day,
            window_start: hm(slot.window_start),
            window_end: hm(slot.window_end),
            status: status.code(),
        })
        .collect();
    Ok(CaseDue {
        phase: phase_on(&c.policy, start, date),
        end: end_date(&c.policy, start),
        slots,
    })
}
