//! bench-records: the record engine's figures.
//!
//! 1. Building a demo township (default 100k households, ~400k persons): time, and the ratio
//!    to Automerge alone creating the same documents with the same changes; peak RSS.
//! 2. Search over that township for a mix of 1-, 2- and 3-character names, pinyin initials,
//!    ID tails, phone tails and plates: p50/p95, with a full-scan LIKE query as baseline.
//! 3. One household edit (CRDT change + projection + commit): p50/p95, and the ratio to a
//!    plain SQLite insert of the same row with the same durability settings.
//!
//! `bench-records [--households N] [--villages N] [--edits N] [--queries N] [--seed S]`

use std::collections::BTreeMap;
use std::time::Duration;

use automerge::Automerge;
use gridbook_bench::{arg, pct, peak_rss_mib, time, SplitMix64};
use gridbook_domain::demo;
use gridbook_store::demo::{write_households, DemoReport, Stamp};
use gridbook_store::Store;
use rusqlite::{params, Connection};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let households: usize = arg("--households", 100_000);
    let villages: usize = arg("--villages", 100);
    let edits: usize = arg("--edits", 1000);
    let queries: usize = arg("--queries", 2000);
    let seed: u64 = arg("--seed", 7);
    let dir = tempfile::tempdir()?;
    println!("bench-records: {households} households in {villages} villages, seed {seed}");

    // 1. Build.
    let store = Store::open(dir.path())?;
    let today = store.now_local().date();
    let (report, t_store) = time(|| store.demo(seed, villages, households, today));
    let report = report?;
    let rss_store = peak_rss_mib();
    let (_, t_am) = time(|| automerge_alone(seed, villages, households, today));
    println!("\n## build");
    println!(
        "households {}  persons {}",
        report.households_created, report.persons_created
    );
    println!(
        "store (Automerge + SQLite + projections)  {:.1} s",
        t_store.as_secs_f64()
    );
    println!(
        "Automerge alone, same documents          {:.1} s",
        t_am.as_secs_f64()
    );
    println!(
        "ratio                                     {:.2}",
        t_store.as_secs_f64() / t_am.as_secs_f64()
    );
    println!("peak RSS after the store build            {rss_store:.0} MiB");
    let db_mib =
        std::fs::metadata(dir.path().join(gridbook_store::DB_FILE))?.len() as f64 / 1048576.0;
    println!("database file                             {db_mib:.0} MiB");

    // 2. Search.
    let conn = Connection::open(dir.path().join(gridbook_store::DB_FILE))?;
    let samples = sample_persons(&conn, queries, seed)?;
    let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut all = Vec::new();
    let mut empty = 0;
    for (kind, q) in &samples {
        let (hits, d) = time(|| store.search(q, 20));
        if hits?.is_empty() {
            empty += 1;
        }
        by_kind.entry(kind).or_default().push(d);
        all.push(d);
    }
    println!(
        "\n## search ({} queries, {empty} with no hit)",
        samples.len()
    );
    for (kind, v) in &mut by_kind {
        println!(
            "{kind:<14} p50 {:>6.2} ms  p95 {:>6.2} ms  (n={})",
            pct(v, 50.0),
            pct(v, 95.0),
            v.len()
        );
    }
    println!(
        "{:<14} p50 {:>6.2} ms  p95 {:>6.2} ms",
        "all",
        pct(&mut all, 50.0),
        pct(&mut all, 95.0)
    );
    let mut scans = Vec::new();
    for (_, q) in samples.iter().filter(|(k, _)| *k == "name-1").take(20) {
        let (_, d) = time(|| {
            conn.query_row(
                "SELECT count(*) FROM persons WHERE name LIKE '%' || ?1 || '%'",
                [q],
                |r| r.get::<_, i64>(0),
            )
        });
        scans.push(d);
    }
    println!(
        "baseline: full scan LIKE over persons  p50 {:.2} ms",
        pct(&mut scans, 50.0)
    );

    // 3. Edits.
    let ids: Vec<String> = conn
        .prepare(
            "SELECT id FROM persons WHERE village_id = (SELECT village_id FROM persons LIMIT 1)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut rng = SplitMix64(seed);
    let mut edit_times = Vec::new();
    for i in 0..edits + 20 {
        let pid = &ids[rng.below(ids.len() as u64) as usize];
        let phone = format!("139{:08}", rng.below(100_000_000));
        let (r, d) = time(|| store.set_person(pid, &[("phone".into(), phone)]));
        r?;
        if i >= 20 {
            edit_times.push(d); // the first edits load the village document
        }
    }
    let plain = plain_sqlite_inserts(edits)?;
    let mut plain_v = plain;
    let (e50, e95) = (pct(&mut edit_times, 50.0), pct(&mut edit_times, 95.0));
    let (p50, p95) = (pct(&mut plain_v, 50.0), pct(&mut plain_v, 95.0));
    println!(
        "\n## one household edit ({edits} edits in a village of {} persons)",
        ids.len()
    );
    println!(
        "store edit          p50 {e50:.2} ms  p95 {e95:.2} ms  p99 {:.2} ms",
        pct(&mut edit_times, 99.0)
    );
    println!("plain SQLite insert p50 {p50:.2} ms  p95 {p95:.2} ms");
    println!(
        "ratio               p50 {:.1}  p95 {:.1}",
        e50 / p50,
        e95 / p95
    );
    Ok(())
}

/// The same documents and changes as the store's demo import, without SQLite.
fn automerge_alone(
    seed: u64,
    villages: usize,
    households: usize,
    today: chrono::NaiveDate,
) -> usize {
    let plan = demo::plan(seed, villages, households);
    let mut bytes = 0;
    let mut report = DemoReport::default();
    for i in 0..plan.villages.len() {
        let hh = demo::village_households(seed, &plan, i, today);
        let mut doc = Automerge::new();
        let stamp = Stamp {
            device: "bench",
            created: "2026-01-01T00:00:00",
            now_ms: 0,
        };
        if write_households(&mut doc, &hh, &stamp, &mut report, None).is_ok() {
            bytes += doc.save().len(); // the store keeps a saved snapshot too
        }
    }
    bytes
}

/// Query samples drawn from real persons of the store: (kind, query).
fn sample_persons(
    conn: &Connection,
    n: usize,
    seed: u64,
) -> rusqlite::Result<Vec<(&'static str, String)>> {
    let max: i64 = conn.query_row("SELECT max(rowid) FROM persons", [], |r| r.get(0))?;
    let mut rng = SplitMix64(seed ^ 0xABCD);
    let mut out = Vec::with_capacity(n);
    let mut st = conn
        .prepare("SELECT name, id_number, phone, plate FROM persons WHERE rowid >= ?1 LIMIT 1")?;
    let mut st_plate =
        conn.prepare("SELECT plate FROM persons WHERE rowid >= ?1 AND plate IS NOT NULL LIMIT 1")?;
    while out.len() < n {
        let at = 1 + rng.below(max as u64) as i64;
        let (name, idn, phone): (String, String, Option<String>) =
            st.query_row([at], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let chars: Vec<char> = name.chars().collect();
        let pick = rng.below(8);
        let q = match pick {
            0 => ("name-1", chars[..1].iter().collect()),
            1 => ("name-2", chars[..2.min(chars.len())].iter().collect()),
            2 => ("name-3", name.clone()),
            3 => (
                "pinyin",
                gridbook_domain::pinyin::initials(&name)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            ),
            4 => ("id-tail-4", idn[idn.len() - 4..].to_owned()),
            5 => ("id-tail-6", idn[idn.len() - 6..].to_owned()),
            6 => match phone {
                Some(p) => ("phone-tail-4", p[p.len() - 4..].to_owned()),
                None => continue,
            },
            _ => match st_plate.query_row(params![at], |r| r.get::<_, String>(0)) {
                Ok(p) => ("plate", p),
                Err(_) => continue,
            },
        };
        out.push(q);
    }
    Ok(out)
}

/// A plain SQLite insert of one person row per transaction, same pragmas as the store.
fn plain_sqlite_inserts(n: usize) -> rusqlite::Result<Vec<Duration>> {
    let dir =
        tempfile::tempdir().map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let conn = Connection::open(dir.path().join("plain.sqlite"))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE persons (id TEXT PRIMARY KEY, household_id TEXT, village_id TEXT, name TEXT,
         gender TEXT, id_kind TEXT, id_number TEXT, birth_date TEXT, phone TEXT, relation TEXT,
         residency TEXT, tags TEXT, vulnerable TEXT, works_away INTEGER, plate TEXT, address TEXT,
         deleted INTEGER)",
    )?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (r, d) = time(|| {
            conn.execute(
                "INSERT INTO persons VALUES (?1, 'h', 'v', '张三丰', 'male', 'mainland',
                 '11010519491231002X', '1949-12-31', ?2, 'head', 'registered', '', '', 0, NULL, NULL, 0)",
                params![format!("p{i}"), format!("139{i:08}")],
            )
        });
        r?;
        out.push(d);
    }
    Ok(out)
}
