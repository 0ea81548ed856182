//! Shifts at a checkpoint: the plan, which shift is on, sign-in and handover.
//!
//! 001: "检测点实行24小时轮班值守" and "24小时三班倒、每班2人…严肃在岗签到,履行交接班手续".
//! The same passage also says "6小时轮流值班", which three shifts cannot fill in 24 hours; the
//! default is three 8-hour shifts of two, and a township that runs four 6-hour shifts edits
//! the plan.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::entry::free_text;
use crate::error::FieldError;
use crate::validate::parse_name;

/// Most staff a shift plan asks for: more is a typo for a checkpoint.
const MAX_STAFF: u8 = 20;
/// Longest handover note, in characters.
const MAX_NOTE_CHARS: usize = 500;
/// A handover written this long after a shift starts still belongs to the shift that ended:
/// the outgoing team writes it, often while the incoming one is already signing in.
const HANDOVER_GRACE_MINUTES: i64 = 30;

/// One shift of the day. `end <= start` means the shift crosses midnight (16:00–00:00 ends at
/// midnight; 22:00–06:00 ends the next morning); `end == start` is a single 24-hour shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PlanShift"))]
pub struct Shift {
    /// Start, local time ("HH:MM" in JSON).
    #[serde(with = "hm")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: NaiveTime,
    /// End, local time, exclusive ("HH:MM" in JSON).
    #[serde(with = "hm")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub end: NaiveTime,
}

/// Shift times as "HH:MM", the way a plan is typed and shown; "HH:MM:SS" is read too.
mod hm {
    use chrono::NaiveTime;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_hm(&text).ok_or_else(|| D::Error::custom(format!("bad time '{text}'")))
    }
}

/// Reads "HH:MM" (or "H:MM", "HH:MM:SS"; "24:00" is midnight).
fn parse_hm(text: &str) -> Option<NaiveTime> {
    let t = text.trim().replace('：', ":");
    if t == "24:00" {
        return Some(NaiveTime::MIN);
    }
    NaiveTime::parse_from_str(&t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&t, "%H:%M:%S"))
        .ok()
}

impl Shift {
    /// Length of the shift.
    pub fn length(&self) -> Duration {
        let d = self.end - self.start;
        if d <= Duration::zero() {
            d + Duration::days(1)
        } else {
            d
        }
    }
}

/// The shifts of a checkpoint day and how many people each needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ShiftPlan {
    /// Shifts in time order; each starts where the previous ends, the last ends where the
    /// first starts.
    pub shifts: Vec<Shift>,
    /// People per shift.
    pub staff_per_shift: u8,
}

impl Default for ShiftPlan {
    /// 00:00–08:00, 08:00–16:00, 16:00–24:00, two people each (001: 三班倒、每班2人).
    fn default() -> Self {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        Self {
            shifts: vec![
                Shift {
                    start: at(0),
                    end: at(8),
                },
                Shift {
                    start: at(8),
                    end: at(16),
                },
                Shift {
                    start: at(16),
                    end: at(0),
                },
            ],
            staff_per_shift: 2,
        }
    }
}

impl ShiftPlan {
    /// A plan from typed times — each shift's start and end as "HH:MM" — and the staff per
    /// shift, checked by [`ShiftPlan::validate`]. Every error names the field and the reason.
    pub fn from_times(
        shifts: &[(&str, &str)],
        staff_per_shift: u32,
    ) -> Result<ShiftPlan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut parsed = Vec::with_capacity(shifts.len());
        for (i, (start, end)) in shifts.iter().enumerate() {
            match (parse_hm(start), parse_hm(end)) {
                (Some(start), Some(end)) => parsed.push(Shift { start, end }),
                _ => errors.push(FieldError::new(
                    "shifts",
                    "format",
                    format!("第{}班时间“{start}–{end}”应为 HH:MM", i + 1),
                    format!("shift {} time '{start}-{end}' must be HH:MM", i + 1),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let plan = ShiftPlan {
            shifts: parsed,
            staff_per_shift: u8::try_from(staff_per_shift).unwrap_or(u8::MAX),
        };
        plan.validate().map(|()| plan)
    }

    /// A plan from the command line's form: "00:00-08:00,08:00-16:00,16:00-00:00".
    pub fn parse_list(text: &str, staff_per_shift: u32) -> Result<ShiftPlan, Vec<FieldError>> {
        let pairs: Vec<(&str, &str)> = text
            .split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once(['-', '–', '~']).unwrap_or((p, "")))
            .collect();
        Self::from_times(&pairs, staff_per_shift)
    }

    /// Checks a plan: shifts cover the 24 hours with no gap and no overlap, and 1–20 staff.
    ///
    /// Gaps are refused: 001 requires round-the-clock duty, and in a gap no shift would be
    /// responsible for the entries recorded.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=MAX_STAFF).contains(&self.staff_per_shift) {
            errors.push(FieldError::new(
                "staff_per_shift",
                "range",
                format!("每班人数应为1–{MAX_STAFF}人"),
                format!("staff per shift must be 1–{MAX_STAFF}"),
            ));
        }
        let n = self.shifts.len();
        if n == 0 {
            errors.push(FieldError::new(
                "shifts",
                "empty",
                "至少需要一个班次",
                "a plan needs at least one shift",
            ));
        }
        for (i, shift) in self.shifts.iter().enumerate() {
            let next = self.shifts[(i + 1) % n];
            if shift.end != next.start {
                errors.push(FieldError::new(
                    "shifts",
                    "not_contiguous",
                    format!(
                        "第{}班{}结束，下一班{}开始，班次须连续、无空档无重叠",
                        i + 1,
                        shift.end.format("%H:%M"),
                        next.start.format("%H:%M")
                    ),
                    format!(
                        "shift {} ends at {} but the next starts at {}; shifts must follow on \
                         without gaps or overlaps",
                        i + 1,
                        shift.end.format("%H:%M"),
                        next.start.format("%H:%M")
                    ),
                ));
            }
        }
        // Contiguous shifts go round the clock a whole number of times; only once is a day.
        let total: Duration = self.shifts.iter().map(Shift::length).sum();
        if n > 0 && errors.is_empty() && total != Duration::days(1) {
            errors.push(FieldError::new(
                "shifts",
                "not_24h",
                "班次合计应为24小时",
                "shifts must add up to 24 hours",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The shift on duty at `now`: the date it started and its index in the plan. A shift that
/// crosses midnight belongs to the day it started, so 03:00 in a 22:00–06:00 shift gives the
/// previous date. `None` only for a plan that [`ShiftPlan::validate`] refuses.
pub fn shift_at(plan: &ShiftPlan, now: NaiveDateTime) -> Option<(NaiveDate, usize)> {
    let today = now.date();
    [Some(today), today.pred_opt()]
        .into_iter()
        .flatten()
        .find_map(|day| {
            plan.shifts.iter().enumerate().find_map(|(i, shift)| {
                let start = day.and_time(shift.start);
                (start <= now && now < start + shift.length()).then_some((day, i))
            })
        })
}

/// Staff signing in for their shift (在岗签到).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignIn {
    /// The date the shift started.
    pub date: NaiveDate,
    /// Index of the shift in the plan.
    pub shift: usize,
    /// When, local time.
    pub at: NaiveDateTime,
    /// Names of the staff on duty.
    pub staff: Vec<String>,
}

impl SignIn {
    /// Fewer people than the plan asks for: recorded, not refused, since a checkpoint with one
    /// person still has to run, and the township needs to see it.
    pub fn short_staffed(&self, plan: &ShiftPlan) -> bool {
        self.staff.len() < usize::from(plan.staff_per_shift)
    }
}

/// Signs staff in to the shift on at `now`. Names are validated; repeats and an empty list are
/// refused.
pub fn sign_in(plan: &ShiftPlan, now: NaiveDateTime, staff: &[&str]) -> Result<SignIn, FieldError> {
    let (date, shift) = on_duty(plan, now)?;
    let mut names: Vec<String> = Vec::new();
    for raw in staff {
        let name = parse_name(raw).map_err(|e| FieldError {
            field: "staff",
            ..e
        })?;
        if names.contains(&name) {
            return Err(FieldError::new(
                "staff",
                "duplicate",
                format!("值班人员“{name}”重复"),
                format!("staff member '{name}' is listed twice"),
            ));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Err(FieldError::new(
            "staff",
            "empty",
            "请填写值班人员",
            "no staff given",
        ));
    }
    Ok(SignIn {
        date,
        shift,
        at: now,
        staff: names,
    })
}

/// A handover note (交接班记录) from the outgoing shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// The date the outgoing shift started.
    pub date: NaiveDate,
    /// Index of the outgoing shift.
    pub shift: usize,
    /// When it was written, local time.
    pub at: NaiveDateTime,
    /// What the next shift needs to know; "无异常" when nothing happened, which still counts.
    pub note: String,
}

/// Records a handover written at `now`. It belongs to the shift on duty, or to the previous
/// one during the first 30 minutes of a shift (the outgoing team writes it as it leaves).
pub fn handover(plan: &ShiftPlan, now: NaiveDateTime, note: &str) -> Result<Handover, FieldError> {
    let (date, shift) = on_duty(plan, now - Duration::minutes(HANDOVER_GRACE_MINUTES))?;
    let Some(note) = free_text(note, "note", "交接班记录", MAX_NOTE_CHARS)? else {
        return Err(FieldError::new(
            "note",
            "empty",
            "请填写交接班记录，无事可写“无异常”",
            "write a handover note; write \"nothing to report\" when nothing happened",
        ));
    };
    Ok(Handover {
        date,
        shift,
        at: now,
        note,
    })
}

fn on_duty(plan: &ShiftPlan, now: NaiveDateTime) -> Result<(NaiveDate, usize), FieldError> {
    shift_at(plan, now).ok_or_else(|| {
        FieldError::new(
            "shift",
            "no_shift",
            format!("{}没有班次，请检查排班", now.format("%H:%M")),
            format!(
                "no shift covers {}; check the shift plan",
                now.format("%H:%M")
            ),
        )
    })
}
