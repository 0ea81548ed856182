//! bench-overview: the township's overview (`Store::overview`) and the day's report roll-up
//! (`Store::report_rollup`) on a township store in a real SQLite file.
//!
//! Setup: a demo township (default 20 villages, 20,000 households), `--cases` (1,000) active
//! cases spread over the villages and the built-in policies, every third household verified
//! on the measured date, and the reports of half the groups. "Now" is 16:00 of that date.
//!
//! Measured: the overview of that date, p50/p95 over `--runs` runs (goal:
//! p95 ≤ 200 ms); for reference, the roll-up of that date and the report status.
//! Baseline (same run, same file, a plain connection): the overview's per-village counts
//! alone as four plain `GROUP BY` queries (households, persons, persons with a tag, open
//! cases), interleaved with the overview's runs.
//!
//! `--json-out FILE` writes the overview measured (as JSON) to FILE, so that two builds can be
//! shown to give the same figures on the same data.
//!
//! `bench-overview [--quick] [--households N] [--villages N] [--cases N] [--runs N]
//!  [--date YYYY-MM-DD] [--seed S] [--json-out FILE]`

use std::error::Error;
use std::time::Duration;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use gridbook_bench::{arg, flag, footer, header, met, p50_p95, time};
use gridbook_domain::isolation::{builtin_policies, TeamRole};
use gridbook_domain::report::Level;
use gridbook_store::{NewCase, Place, Store};
use rusqlite::Connection;

type Res<T> = Result<T, Box<dyn Error>>;

/// Goal for the overview's p95, ms.
const OVERVIEW_GOAL_MS: f64 = 200.0;

/// The baseline: the overview's per-village counts as plain `GROUP BY` queries.
const BASELINE: [&str; 4] = [
    "SELECT village_id, count(*) FROM households WHERE deleted = 0 GROUP BY village_id",
    "SELECT village_id, count(*) FROM persons WHERE deleted = 0 GROUP BY village_id",
    "SELECT village_id, count(*) FROM persons WHERE deleted = 0 AND tags != '' GROUP BY village_id",
    "SELECT village_id, count(*) FROM cases WHERE deleted = 0
     AND status IN ('active', 'escalated', 'referred') GROUP BY village_id",
];

/// Runs the baseline's queries once: the rows they return.
fn baseline(conn: &Connection) -> rusqlite::Result<usize> {
    let mut rows = 0;
    for sql in BASELINE {
        let mut st = conn.prepare_cached(sql)?;
        let counts = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for c in counts {
            c?;
            rows += 1;
        }
    }
    Ok(rows)
}

fn at(date: NaiveDate, h: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN))
}

fn main() -> Res<()> {
    let quick = flag("--quick");
    let q = |full: usize, small: usize| if quick { small } else { full };
    let seed: u64 = arg("--seed", 7);
    let villages: usize = arg("--villages", 20);
    let households: usize = arg("--households", q(20_000, 2_000));
    let cases: usize = arg("--cases", q(1000, 200));
    let runs: usize = arg("--runs", q(100, 20));
    let date: NaiveDate = arg("--date", "2026-03-15".to_owned()).parse()?;
    header("bench-overview");
    println!(
        "parameters: seed {seed}  {households} households in {villages} villages  {cases} cases  \
         date {date}  {runs} runs{}",
        if quick { "  (--quick)" } else { "" }
    );
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set_now(Some(at(date, 9)));
    let (report, t) = time(|| store.demo(seed, villages, households, date));
    let report = report?;
    println!(
        "(setup) demo township: {} villages, {} households, {} persons in {:.1} s",
        report.villages,
        report.households_created,
        report.persons_created,
        t.as_secs_f64()
    );
    let all = store.households(None)?;
    let policies = builtin_policies();
    let (opened, t) = time(|| -> Res<usize> {
        for i in 0..cases {
            let h = &all[(i * 7919) % all.len()];
            let Some(person) = h.head_person_id.clone() else {
                continue;
            };
            let policy = &policies[i % policies.len()];
            let start = date
                .checked_sub_days(Days::new((i % 10) as u64))
                .ok_or("date out of range")?;
            let opened = store.start_case(&NewCase {
                person_id: person,
                policy: policy.id.clone(),
                start,
                place: Place::Home,
                site: None,
                origin: None,
                reason: None,
                team: vec![(TeamRole::GridWorker, "李网格".into(), None)],
            });
            // The same head twice (a small township): one open case per person.
            if opened.is_err() {
                continue;
            }
        }
        Ok(store.cases(None)?.len())
    });
    println!("(setup) {} cases open in {:.1} s", opened?, t.as_secs_f64());
    let (_, t) = time(|| -> Res<()> {
        for h in all.iter().step_by(3) {
            store.verify_household(&h.id)?;
        }
        Ok(())
    });
    println!(
        "(setup) a third of households verified in {:.1} s",
        t.as_secs_f64()
    );
    store.set_now(Some(at(date, 16)));
    let mut submitted = 0;
    for v in store.villages()? {
        for g in v.groups.iter().step_by(2) {
            store.submit_report(Level::Group, &g.id, date, false, None, None)?;
            submitted += 1;
        }
    }
    println!("(setup) {submitted} group reports submitted");

    let conn = Connection::open(dir.path().join(gridbook_store::DB_FILE))?;
    let mut samples: Vec<Duration> = Vec::with_capacity(runs);
    let mut base: Vec<Duration> = Vec::with_capacity(runs);
    let mut villages_seen = 0;
    let mut base_rows = 0;
    for _ in 0..runs {
        let (o, t) = time(|| store.overview(date));
        villages_seen = o?.villages.len();
        samples.push(t);
        let (r, t) = time(|| baseline(&conn));
        base_rows = r?;
        base.push(t);
    }
    let json_out: String = arg("--json-out", String::new());
    if !json_out.is_empty() {
        std::fs::write(
            &json_out,
            serde_json::to_string_pretty(&store.overview(date)?)?,
        )?;
        println!("(output) the overview written to {json_out}");
    }
    let (p50, p95) = p50_p95(&mut samples);
    let (b50, b95) = p50_p95(&mut base);
    println!(
        "\n1. overview of {date} ({villages_seen} villages): p50 {p50:.1} ms  p95 {p95:.1} ms  \
         goal p95 ≤ {OVERVIEW_GOAL_MS} ms: {}",
        met(p95 <= OVERVIEW_GOAL_MS)
    );
    println!(
        "   baseline (same run, interleaved): the per-village counts alone, four plain GROUP BY \
         queries ({base_rows} rows): p50 {b50:.1} ms  p95 {b95:.1} ms; ratio p95 {:.1}",
        p95 / b95.max(1e-9)
    );
    let mut samples: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs.min(20) {
        let (r, t) = time(|| store.report_rollup(date, date));
        r?;
        samples.push(t);
    }
    let (p50, p95) = p50_p95(&mut samples);
    println!("   (reference) roll-up of the day: p50 {p50:.1} ms  p95 {p95:.1} ms");
    let mut samples: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs.min(20) {
        let (r, t) = time(|| store.report_status(date));
        r?;
        samples.push(t);
    }
    let (p50, p95) = p50_p95(&mut samples);
    println!("   (reference) report status of the day: p50 {p50:.1} ms  p95 {p95:.1} ms");
    // Where the overview's time goes: the queries it reuses.
    let mut due: Vec<Duration> = Vec::new();
    let mut coverage: Vec<Duration> = Vec::new();
    for _ in 0..runs.min(20) {
        let (r, t) = time(|| store.due(date));
        r?;
        due.push(t);
        let (r, t) = time(|| store.coverage(7, None, None));
        r?;
        coverage.push(t);
    }
    let (p50, p95) = p50_p95(&mut due);
    println!("   (reference) due list of the day: p50 {p50:.1} ms  p95 {p95:.1} ms");
    let (p50, p95) = p50_p95(&mut coverage);
    println!("   (reference) coverage (7 days): p50 {p50:.1} ms  p95 {p95:.1} ms");
    footer();
    Ok(())
}
