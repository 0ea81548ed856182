//! crash-writer: a gridbook device that writes until it is killed, for `tests/crash.rs`.
//!
//! `crash-writer DIR` opens the store in DIR, reuses its first village (or makes one), then
//! loops forever, choosing at random: add a household (half the time), edit the phone of a head
//! it added and has not edited yet, or verify a household it added. Only after a call has
//! returned does it print one line on stdout and flush:
//!
//! ```text
//! ack <household_id>
//! ack-edit <person_id> <phone>
//! ack-verify <household_id> <verification_id>
//! ```
//!
//! so every printed line is a write the store acknowledged. With `GRIDBOOK_PIN` set the store
//! is encrypted with it (created on the first run, unlocked on the next). Any error goes to stderr with exit
//! code 1 (the test expects to end every run with SIGKILL, never with an exit).

use std::io::Write;
use std::process::ExitCode;

use gridbook_store::{NewHousehold, NewPerson, Store};
use gridbook_tests::{mainland_id, SplitMix64};

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
    let store = match std::env::var("GRIDBOOK_PIN") {
        Ok(pin) => {
            let dir = std::path::Path::new(&dir);
            let key = if gridbook_keys::is_encrypted(dir) {
                gridbook_keys::unlock(dir, &pin, gridbook_keys::now_secs())?
            } else {
                std::fs::create_dir_all(dir)?;
                gridbook_keys::create(dir, &pin, gridbook_keys::KdfParams::DEFAULT)?
            };
            Store::open_with_key(dir, Some(key.bytes()))?
        }
        Err(_) => Store::open(&dir)?,
    };
    let village = match store.villages()?.into_iter().next() {
        Some(v) => v.id,
        None => store.add_village("压测村")?,
    };
    // Every household (acknowledged or not) that an earlier run committed is counted here,
    // so the numbers this run uses for ID numbers were never used before.
    let mut n = store.households(None)?.len() as u64;
    let mut rng = SplitMix64::new(u64::from(std::process::id()) << 32 | n);
    // Heads added by this run and not edited yet (each person is edited at most once, so the
    // acknowledged value is the final one), and households added by this run.
    let mut unedited: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    let mut out = std::io::stdout().lock();
    loop {
        let roll = rng.range(0, 9);
        if roll < 3 && !unedited.is_empty() {
            let pid = unedited.swap_remove(rng.range(0, unedited.len() as u64 - 1) as usize);
            let phone = format!("137{:08}", rng.range(0, 99_999_999));
            store.set_person(&pid, &[("phone".into(), phone.clone())])?;
            writeln!(out, "ack-edit {pid} {phone}")?;
        } else if roll < 5 && !added.is_empty() {
            let hid = &added[rng.range(0, added.len() as u64 - 1) as usize];
            let vid = store.verify_household(hid)?;
            writeln!(out, "ack-verify {hid} {vid}")?;
        } else {
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
            n += 1;
            unedited.push(pid);
            added.push(hid);
        }
        out.flush()?;
    }
}
