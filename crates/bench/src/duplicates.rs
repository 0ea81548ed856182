//! bench-duplicates: duplicate detection (疑似重复, `Store::duplicates`) over a township of
//! 100,000 households (~400k persons), goal ≤ 2 s. A few hundred duplicates are
//! planted through the store (a person added again to another household, same name and birth
//! date or same name and phone); the baseline is a plain count over the same persons table in
//! the same run.
//!
//! Run: `cargo run --release -p gridbook-bench --bin bench-duplicates` (`--quick`: 5,000
//! households).

use std::error::Error;
use std::time::Duration;

use chrono::NaiveDate;
use gridbook_bench::{arg, flag, footer, header, met, time, SplitMix64};
use gridbook_store::{DuplicateReason, NewPerson, Store};
use gridbook_tests::with_check_char;
use rusqlite::Connection;

type Res<T> = Result<T, Box<dyn Error>>;

const GOAL_S: f64 = 2.0;

fn main() -> Res<()> {
    let quick = flag("--quick");
    let households: usize = arg("--households", if quick { 5_000 } else { 100_000 });
    let villages: usize = arg("--villages", if quick { 10 } else { 100 });
    let planted: usize = arg("--planted", 300);
    let runs: usize = arg("--runs", 5);
    let seed: u64 = arg("--seed", 7);
    header("bench-duplicates");
    println!(
        "parameters: seed {seed}  {households} households in {villages} villages  {planted} planted duplicates  {runs} runs{}",
        if quick { "  (--quick)" } else { "" }
    );
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let today = NaiveDate::from_ymd_opt(2022, 11, 20).ok_or("date")?;
    let (report, t) = time(|| store.demo(seed, villages, households, today));
    let report = report?;
    println!(
        "(setup) demo township: {} villages, {} households, {} persons in {:.1} s",
        report.villages,
        report.households_created,
        report.persons_created,
        t.as_secs_f64()
    );
    let conn = Connection::open(dir.path().join(gridbook_store::DB_FILE))?;
    let (sources, homes) = {
        let mut st = conn.prepare(
            "SELECT name, id_number, phone FROM persons WHERE deleted = 0 AND id_kind = 'mainland'
             ORDER BY random() LIMIT ?1",
        )?;
        let rows: Vec<(String, String, Option<String>)> = st
            .query_map([planted as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = conn.prepare("SELECT id FROM households ORDER BY random() LIMIT ?1")?;
        let homes: Vec<String> = st
            .query_map([planted as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        (rows, homes)
    };
    let mut rng = SplitMix64::new(seed);
    let mut added = 0;
    for ((name, idn, phone), home) in sources.iter().zip(&homes) {
        // The same birth date (another sequence number) or the same phone.
        let seq = 900 + rng.next_u64() % 100;
        let p = NewPerson {
            name: name.clone(),
            id_number: with_check_char(&format!("{}{seq:03}", &idn[..14])),
            phone: if added % 2 == 0 { phone.clone() } else { None },
            ..Default::default()
        };
        if store.add_person(home, &p).is_ok() {
            added += 1;
        }
    }
    println!("(setup) planted {added} duplicates");

    let mut found = Vec::new();
    let mut times = Vec::new();
    let mut base = Vec::new();
    for _ in 0..runs {
        let (n, b) = time(|| -> rusqlite::Result<i64> {
            conn.query_row("SELECT count(*) FROM persons WHERE deleted = 0", [], |r| {
                r.get(0)
            })
        });
        n?;
        base.push(b);
        let (d, t) = time(|| store.duplicates());
        found = d?;
        times.push(t);
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    times.sort();
    base.sort();
    let by = |r: DuplicateReason| found.iter().filter(|d| d.reason == r).count();
    println!(
        "\nduplicate detection (Store::duplicates, {} persons): max {:.1} ms, p50 {:.1} ms over {runs} runs; \
         {} pairs ({} same ID number, {} same name and birth date, {} same name and phone); goal ≤ {GOAL_S} s: {}",
        report.persons_created + added,
        ms(times.last().ok_or("no run")?),
        ms(&times[times.len() / 2]),
        found.len(),
        by(DuplicateReason::SameIdNumber),
        by(DuplicateReason::SameNameBirth),
        by(DuplicateReason::SameNamePhone),
        met(times.last().is_some_and(|t| t.as_secs_f64() <= GOAL_S))
    );
    println!(
        "baseline (same run): SELECT count(*) FROM persons WHERE deleted = 0: max {:.1} ms, p50 {:.1} ms",
        ms(base.last().ok_or("no run")?),
        ms(&base[base.len() / 2])
    );
    footer();
    Ok(())
}
