//! The checkpoint's pass and shift rules without a store: `pass issue-check` issues a pass as
//! `pass issue` would (the window read and checked, a fresh number), `pass verify` reads a
//! typed or scanned pass number and says whether a person may cross on that pass, `pass qr`
//! draws a pass's QR code as the app's pass screen shows it, and `shift
//! judge` checks a shift plan and says which shift is on at a time, whose sign-in and which
//! handover it takes. Each runs the functions the store runs on the write, reads one JSON
//! object (a file, or stdin with `-`) and prints JSON; nothing is opened or written. The
//! browser tests' fake backend asks them, so the checkpoint screens are tested against the
//! app's own rules and messages.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::{
    check_pass, handover, parse_pass_number, pass_payload, shift_at, sign_in, Direction, Pass,
    PassUse, ShiftPlan,
};
use gridbook_domain::FieldError;
use gridbook_store::forms::parse_time;
use gridbook_store::{parse_at, pass_window, ShiftTimes};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `pass issue-check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueInput {
    /// Start, `YYYY-MM-DDTHH:MM`.
    from: String,
    /// End (exclusive), `YYYY-MM-DDTHH:MM`.
    to: String,
    /// Who issues it (a device name; the store's fallback when it is not a name).
    #[serde(default)]
    issued_by: Option<String>,
}

/// A pass as issued.
#[derive(Debug, Serialize)]
struct Issued {
    number: String,
    payload: String,
    valid_from: String,
    valid_to: String,
    issued_by: String,
}

/// A time as the store keeps a pass's window (to the second).
fn at_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Runs `pass issue-check`.
pub fn run_issue_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: IssueInput =
        serde_json::from_str(&text).map_err(|e| bad_json("通行证输入", "pass input", &e))?;
    let (from, to) = pass_window(&i.from, &i.to)?;
    let by = i.issued_by.as_deref().unwrap_or_default();
    let seed = Uuid::new_v4();
    let pass = Pass::issue(seed, Uuid::nil(), from, to, by)
        .or_else(|_| Pass::issue(seed, Uuid::nil(), from, to, "镇村工作人员"))?;
    let out = Issued {
        payload: pass_payload(&pass.number),
        number: pass.number,
        valid_from: at_text(pass.valid_from),
        valid_to: at_text(pass.valid_to),
        issued_by: pass.issued_by,
    };
    emit(json, &out, || out.number.clone());
    Ok(())
}

/// What `pass verify` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyInput {
    /// The pass number as typed or scanned.
    number: String,
    /// The crossing to judge; without it only the number is read.
    #[serde(default)]
    crossing: Option<Crossing>,
}

/// A person crossing on the pass with the number read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Crossing {
    /// The pass's window start (local time).
    valid_from: String,
    /// The pass's window end, exclusive.
    valid_to: String,
    /// When the person crosses.
    at: String,
    /// `in` or `out`.
    direction: String,
    /// The person's document number, as kept.
    #[serde(default)]
    id_number: String,
    /// The crossings already recorded on the pass.
    #[serde(default)]
    uses: Vec<UseInput>,
}

/// A crossing recorded on the pass.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UseInput {
    at: String,
    direction: String,
    id_number: String,
}

/// What `pass verify` prints.
#[derive(Debug, Serialize)]
struct Verdict {
    /// The number as kept.
    number: String,
    /// The text of its QR code.
    payload: String,
    /// Whether the person may cross (true when no crossing was given).
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_en: Option<String>,
}

/// A time of a pass or a crossing as the store keeps it (seconds and their fraction read),
/// refused on `field` as a typed time is.
fn kept_time(field: &'static str, raw: &str) -> Result<NaiveDateTime, Failure> {
    match parse_at(raw.trim()) {
        Some(t) => Ok(t),
        None => Ok(parse_time(field, raw)?),
    }
}

fn direction(raw: &str) -> Result<Direction, Failure> {
    Ok(Direction::parse(raw)?)
}

/// Runs `pass verify`.
pub fn run_pass_verify(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: VerifyInput =
        serde_json::from_str(&text).map_err(|e| bad_json("通行证输入", "pass input", &e))?;
    let number = parse_pass_number(&i.number)?;
    let refusal = match &i.crossing {
        None => None,
        Some(c) => {
            let pass = Pass {
                number: number.clone(),
                household_id: Uuid::nil(),
                valid_from: kept_time("valid_from", &c.valid_from)?,
                valid_to: kept_time("valid_to", &c.valid_to)?,
                issued_by: String::new(),
            };
            let uses = c
                .uses
                .iter()
                .map(|u| {
                    Ok(PassUse {
                        pass_number: number.clone(),
                        at: kept_time("uses", &u.at)?,
                        direction: direction(&u.direction)?,
                        id_number: u.id_number.clone(),
                        entry_id: Uuid::nil(),
                    })
                })
                .collect::<Result<Vec<_>, Failure>>()?;
            let at = kept_time("at", &c.at)?;
            let dir = direction(&c.direction)?;
            check_pass(&pass, at, dir, c.id_number.trim(), &uses).err()
        }
    };
    let out = Verdict {
        payload: pass_payload(&number),
        number,
        ok: refusal.is_none(),
        code: refusal.as_ref().map(|r| r.code()),
        message: refusal.as_ref().map(|r| r.zh()),
        message_en: refusal.as_ref().map(|r| r.en()),
    };
    emit(json, &out, || match &out.message {
        None => format!("{}: ok", out.number),
        Some(m) => format!("{}: {m}", out.number),
    });
    Ok(())
}

/// What `pass qr` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QrInput {
    /// The pass number as typed or scanned.
    number: String,
}

/// Runs `pass qr`: the SVG the app's pass screen shows.
pub fn run_pass_qr(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: QrInput =
        serde_json::from_str(&text).map_err(|e| bad_json("通行证输入", "pass input", &e))?;
    let svg = gridbook_store::pass_qr(&i.number)?;
    emit(json, &svg, || svg.clone());
    Ok(())
}

/// What `shift judge` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftInput {
    /// The plan as typed: each shift's start and end (`HH:MM`).
    shifts: Vec<ShiftTimes>,
    /// People per shift.
    staff_per_shift: u32,
    /// The local time to judge at (`YYYY-MM-DDTHH:MM[:SS]`); none: the plan alone.
    #[serde(default)]
    at: Option<String>,
    /// Staff signing in at `at`.
    #[serde(default)]
    staff: Option<Vec<String>>,
    /// A handover note written at `at`.
    #[serde(default)]
    note: Option<String>,
}

/// A shift of a day: the date it started and its place in the plan.
#[derive(Debug, Serialize)]
struct ShiftOf {
    date: NaiveDate,
    index: usize,
}

/// What `shift judge` prints.
#[derive(Debug, Serialize)]
struct ShiftAnswer {
    /// The plan as kept.
    plan: ShiftPlan,
    /// The shift on at `at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    on_duty: Option<ShiftOf>,
    /// The sign-in of `staff`: its shift and the names as kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    sign_in: Option<SignInOut>,
    /// The shift `note` hands over (the one on duty, or the one that ended within the last
    /// 30 minutes) and the note as kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    handover: Option<HandoverOut>,
}

#[derive(Debug, Serialize)]
struct SignInOut {
    date: NaiveDate,
    index: usize,
    staff: Vec<String>,
    short_staffed: bool,
}

#[derive(Debug, Serialize)]
struct HandoverOut {
    date: NaiveDate,
    index: usize,
    note: String,
}

/// Runs `shift judge`.
pub fn run_shift_judge(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: ShiftInput =
        serde_json::from_str(&text).map_err(|e| bad_json("班次输入", "shift input", &e))?;
    let pairs: Vec<(&str, &str)> = i
        .shifts
        .iter()
        .map(|s| (s.start.as_str(), s.end.as_str()))
        .collect();
    let plan = ShiftPlan::from_times(&pairs, i.staff_per_shift).map_err(|errors| {
        Failure::from(errors.into_iter().next().unwrap_or_else(|| {
            FieldError::new("shifts", "invalid", "班次设置无效", "invalid shift plan")
        }))
    })?;
    let mut out = ShiftAnswer {
        plan,
        on_duty: None,
        sign_in: None,
        handover: None,
    };
    if let Some(at) = &i.at {
        let at = parse_time("at", at)?;
        out.on_duty = shift_at(&out.plan, at).map(|(date, index)| ShiftOf { date, index });
        if let Some(staff) = &i.staff {
            let names: Vec<&str> = staff.iter().map(String::as_str).collect();
            let s = sign_in(&out.plan, at, &names)?;
            out.sign_in = Some(SignInOut {
                short_staffed: s.short_staffed(&out.plan),
                date: s.date,
                index: s.shift,
                staff: s.staff,
            });
        }
        if let Some(note) = &i.note {
            let h = handover(&out.plan, at, note)?;
            out.handover = Some(HandoverOut {
                date: h.date,
                index: h.shift,
                note: h.note,
            });
        }
    }
    emit(json, &out, || match &out.on_duty {
        Some(s) => format!("{} #{}", s.date, s.index + 1),
        None => "ok".to_owned(),
    });
    Ok(())
}
