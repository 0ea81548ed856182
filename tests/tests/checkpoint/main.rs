//! Checkpoints through the `gridbook` command line on
//! real SQLite files, and two tablets syncing through a real relay.
//!
//! What must hold: the township's rules decide (red, yellow, green, fever, travel through a
//! risk area set with `rules set`) and a volunteer's override is recorded, a less strict one
//! only with a note; a bad ID, phone, plate or temperature exits 2 and writes nothing; a pass
//! is refused when expired, not yet valid or used twice; the ledger offers the village's
//! residents by ID tail, initials or phone tail; two tablets offline with 500 entries each
//! end up with the same 1,000 entries in the same order; a season of checkpoint days keeps a
//! reconnect small, and a late entry on a finished day still reaches every tablet.

mod history;
mod passes;
mod pure;
mod rules;
mod shifts;
mod sync;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::EntryInput;
use gridbook_store::{NewEntry, Store};
use gridbook_tests::procs::Data;
use gridbook_tests::township::Township;
use gridbook_tests::{array, mainland_id, str_of, with_wrong_check_char};
use serde_json::Value;

const NOW: &str = "2022-11-20T09:00";
const DAY: &str = "2022-11-20";

/// A device with a village, a household whose head is 张三丰, and a checkpoint.
struct Site {
    data: Data,
    village: String,
    household: String,
    head: String,
    checkpoint: String,
}

fn site() -> Site {
    let mut data = Data::new();
    data.now = Some(NOW.to_owned());
    let village = str_of(&data.json("village add --name 桂花村"), "id").to_owned();
    let h = data.json(&format!(
        "household add --village {village} --address 桂花村一组1号 --head-name 张三丰 \
         --head-id {} --phone 13800138000",
        mainland_id(7)
    ));
    let household = str_of(&h, "household_id").to_owned();
    let head = str_of(&h, "person_id").to_owned();
    let checkpoint = str_of(
        &data.json(&format!(
            "checkpoint add --village {village} --name 村口卡点"
        )),
        "id",
    )
    .to_owned();
    Site {
        data,
        village,
        household,
        head,
        checkpoint,
    }
}

impl Site {
    fn entry_cmd(&self, extra: &str) -> String {
        format!(
            "entry add --checkpoint {} --direction in --name 李四 --id-number {} {extra}",
            self.checkpoint,
            mainland_id(900)
        )
    }

    fn entry(&self, extra: &str) -> Value {
        self.data.json(&self.entry_cmd(extra))
    }

    fn entries(&self) -> Vec<Value> {
        let list = self.data.json(&format!(
            "entry list --checkpoint {} --date {DAY}",
            self.checkpoint
        ));
        array(&list).clone()
    }

    /// Runs a command that must fail with `code`; returns the JSON error.
    fn fails(&self, cmdline: &str, code: i32) -> Value {
        let out = self.data.run(&format!("--json {cmdline}"));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{cmdline}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{cmdline} printed on stdout");
        let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
        err["error"].clone()
    }
}

fn codes(reasons: &Value) -> Vec<String> {
    array(reasons)
        .iter()
        .map(|r| str_of(r, "code").to_owned())
        .collect()
}
