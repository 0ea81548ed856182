//! crash-writer: a gridbook device that writes until it is killed, for `tests/crash.rs`.
//!
//! `crash-writer DIR` opens the store in DIR, reuses its first village (or makes one), then
//! loops forever: adds a household, sometimes edits the head's phone, sometimes verifies the
//! household. Only after a call has returned does it print one line on stdout and flush:
//!
//! ```text
//! ack <household_id>
//! ack-edit <person_id> <phone>
//! ack-verify <household_id> <verification_id>
//! ```
//!
//! so every printed line is a write the store acknowledged. Any error goes to stderr with exit
//! code 1 (the test expects to end every run with SIGKILL, never with an exit).

use std::io::Write;
use std::process::ExitCode;

use gridbook_store::{NewHousehold, NewPerson, Store};
use gridbook_tests::mainland_id;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash-writer: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: crash-writer DIR")?;
    let store = Store::open(&dir)?;
    let village = match store.villages()?.into_iter().next() {
        Some(v) => v.id,
        None => store.add_village("压测村")?,
    };
    // Every household (acknowledged or not) that an earlier run committed is counted here,
    // so the numbers this run uses for ID numbers were never used before.
    let base = store.households(None)?.len() as u64;
    let mut out = std::io::stdout().lock();
    for n in base.. {
        let household = NewHousehold {
            village_id: village.clone(),
            address: format!("压测路{n}号"),
            head: NewPerson {
                name: "李压测".into(),
                id_number: mainland_id(n),
                phone: Some(format!("139{:08}", n % 100_000_000)),
                ..Default::default()
            },
            ..Default::default()
        };
        let (hid, pid) = store.add_household(&household)?;
        writeln!(out, "ack {hid}")?;
        out.flush()?;
        if n % 3 == 0 {
            let phone = format!("137{:08}", n % 100_000_000);
            store.set_person(&pid, &[("phone".into(), phone.clone())])?;
            writeln!(out, "ack-edit {pid} {phone}")?;
            out.flush()?;
        }
        if n % 4 == 1 {
            let vid = store.verify_household(&hid)?;
            writeln!(out, "ack-verify {hid} {vid}")?;
            out.flush()?;
        }
    }
    Ok(())
}
