//! Tests of the isolation module, one file per area.

mod control;
mod policy;
mod release;
mod rules;
mod schedule;

use chrono::{NaiveDate, NaiveDateTime};

use super::{builtin_policy, Policy};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn at(date: NaiveDate, h: u32, m: u32, s: u32) -> NaiveDateTime {
    date.and_hms_opt(h, m, s).expect("valid time")
}

fn builtin(id: &str) -> Policy {
    builtin_policy(id).expect("built-in policy")
}
