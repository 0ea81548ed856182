//! Tests of the checkpoint module, one file per area.

mod control;
mod entry;
mod known;
mod order;
mod pass;
mod rules;
mod shift;

use chrono::{NaiveDate, NaiveDateTime};

use super::EntryInput;

/// The store keeps all of these in Automerge documents: they must stay serde types.
#[test]
fn every_record_type_is_serde() {
    fn serde<T: serde::Serialize + serde::de::DeserializeOwned>() {}
    use super::*;
    serde::<EntryInput>();
    serde::<ValidEntry>();
    serde::<DecisionRules>();
    serde::<RiskArea>();
    serde::<Suggestion>();
    serde::<Confirmed>();
    serde::<Pass>();
    serde::<PassUse>();
    serde::<PassRefusal>();
    serde::<ShiftPlan>();
    serde::<SignIn>();
    serde::<Handover>();
    serde::<EntrySortKey>();
    serde::<Decision>();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(d: u32, h: u32, min: u32) -> NaiveDateTime {
    day(2022, 11, d).and_hms_opt(h, min, 0).expect("valid time")
}

/// A complete, valid form: green code, 36.5 °C, no travel.
fn input() -> EntryInput {
    EntryInput {
        at: at(20, 9, 30),
        direction: "in".into(),
        name: "张三".into(),
        id_kind: None,
        id_number: "11010519491231002X".into(),
        hukou_place: "四川省万源市白沙镇".into(),
        residence: "白沙镇桂花村三组".into(),
        phone: "138 0013 8000".into(),
        plate: "川A12345".into(),
        temperature: "36.5".into(),
        health_code: "green".into(),
        travel: String::new(),
        declared_areas: Vec::new(),
        purpose: "购买生活物资".into(),
    }
}
