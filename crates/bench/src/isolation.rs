//! bench-isolation: the isolation follow-ups' figures, on a township store in a real SQLite
//! file.
//!
//! Setup: a demo township (default 20 villages, 20,000 households), then `--cases` (1,000)
//! active cases spread evenly over the villages, over the seven built-in policies and over
//! their days (so that the measured date has morning and afternoon checks, test days and
//! visit days), the checks and tests of the `--history-days` days before that date, and ~70 %
//! of that date's morning checks and half its tests. "Now" is pinned to 12:00 of that date.
//!
//! 1. The due list of the whole township for that date (`Store::due`): p50/p95 over `--runs`
//!    runs (goal p95 ≤ 50 ms). Baseline: the open cases' raw rows (with person and village
//!    name, the same join and filter as the due list's main query) read by one plain SQL
//!    query, no slots computed.
//! 2. Recording one check (`Store::record_check`: CRDT change + projection + commit): p50/p95
//!    over `--checks` checks on random cases (goal p95 ≤ 5 ms). Baseline: a plain SQLite insert
//!    of a visit row (same table and indexes) per transaction, with the store's durability
//!    settings (WAL, synchronous=FULL).
//!
//! Each store call and its baseline take turns, so that both see the same load, and each
//! figure also says where the mean call's time went: on a CPU, waiting for a CPU (the load of
//! other processes), and other waits (the disk, locks), from `/proc/thread-self/schedstat`.
//!
//! For reference, without a goal: the case list (`Store::cases`) and one case's detail
//! (`Store::case_detail`).
//!
//! `bench-isolation [--quick] [--households N] [--villages N] [--cases N] [--runs N]
//!  [--checks N] [--history-days N] [--date YYYY-MM-DD] [--seed S]`

use std::collections::BTreeMap;
use std::error::Error;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use gridbook_bench::{
    arg, flag, footer, header, met, p50_p95, time, time_sched, SplitMix64, Summary,
};
use gridbook_domain::isolation::{builtin_policies, due_items, CheckMethod, Policy, SlotKind};
use gridbook_domain::isolation::{PhaseKind, TeamRole};
use gridbook_domain::TestResult;
use gridbook_store::{NewCase, NewCheck, Place, Store};
use rusqlite::{params, Connection};

type Res<T> = Result<T, Box<dyn Error>>;

/// Goal for the due list's p95, ms.
const DUE_GOAL_MS: f64 = 50.0;
/// Goal for one check's p95, ms.
const CHECK_GOAL_MS: f64 = 5.0;
/// Writes left out of the figures while the documents load into memory.
const WARMUP: usize = 20;

/// Command-line parameters.
struct Opts {
    quick: bool,
    seed: u64,
    households: usize,
    villages: usize,
    cases: usize,
    runs: usize,
    checks: usize,
    history_days: u64,
    date: NaiveDate,
}

impl Opts {
    fn parse() -> Res<Opts> {
        let quick = flag("--quick");
        let q = |full: usize, small: usize| if quick { small } else { full };
        let date: String = arg("--date", "2026-03-15".to_owned());
        Ok(Opts {
            quick,
            seed: arg("--seed", 7),
            households: arg("--households", q(20_000, 2_000)),
            villages: arg("--villages", 20),
            cases: arg("--cases", q(1000, 300)),
            runs: arg("--runs", q(200, 30)),
            checks: arg("--checks", q(1000, 200)),
            history_days: arg("--history-days", q(3, 1) as u64),
            date: date.parse()?,
        })
    }
}

/// A case opened by the setup.
struct Case {
    id: String,
    policy: Policy,
    start: NaiveDate,
}

fn main() -> Res<()> {
    let o = Opts::parse()?;
    header("bench-isolation");
    println!(
        "parameters: seed {}  {} households in {} villages  {} cases  due date {}  {} due runs  \
         {} checks  {} history days{}",
        o.seed,
        o.households,
        o.villages,
        o.cases,
        o.date,
        o.runs,
        o.checks,
        o.history_days,
        if o.quick { "  (--quick)" } else { "" }
    );
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set_now(Some(at(o.date, 7, 0)));

    let (report, t) = time(|| store.demo(o.seed, o.villages, o.households, o.date));
    let report = report?;
    println!(
        "(setup) demo township: {} villages, {} households, {} persons in {:.1} s",
        report.villages,
        report.households_created,
        report.persons_created,
        t.as_secs_f64()
    );
    let conn = Connection::open(dir.path().join(gridbook_store::DB_FILE))?;
    let mut rng = SplitMix64(o.seed ^ 0x1507);
    let (cases, t) = time(|| open_cases(&store, &conn, &o, &mut rng));
    let cases = cases?;
    println!(
        "(setup) {} cases opened in {:.1} s ({:.1} ms each)",
        cases.len(),
        t.as_secs_f64(),
        t.as_secs_f64() * 1000.0 / cases.len().max(1) as f64
    );
    let (done, t) = time(|| history(&store, &cases, &o, &mut rng));
    let (checks, tests) = done?;
    println!(
        "(setup) {checks} checks and {tests} tests recorded (the {} days before, and the \
         morning of {}) in {:.1} s",
        o.history_days,
        o.date,
        t.as_secs_f64()
    );
    store.set_now(Some(at(o.date, 12, 0)));

    due_list(&store, &conn, &o)?;
    record_checks(&store, &cases, &o, &mut rng)?;
    reference(&store, &cases, &mut rng)?;
    footer();
    Ok(())
}

/// `date` at `h:m`.
fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

/// Opens the cases: village `i % villages`, policy `i % 7`, a random day of the policy (half
/// of the post-discharge cases on one of its visit days).
fn open_cases(store: &Store, conn: &Connection, o: &Opts, rng: &mut SplitMix64) -> Res<Vec<Case>> {
    let mut by_village: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut st = conn.prepare("SELECT id, village_id FROM persons WHERE deleted = 0")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        by_village.entry(r.get(1)?).or_default().push(r.get(0)?);
    }
    let mut villages: Vec<Vec<String>> = by_village.into_values().collect();
    for v in &mut villages {
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i as u64 + 1) as usize);
        }
    }
    if villages.is_empty() {
        return Err("the demo township has no persons".into());
    }
    let policies = builtin_policies();
    let mut out = Vec::with_capacity(o.cases);
    for i in 0..o.cases {
        let n = villages.len();
        let person = villages[i % n]
            .get(i / n)
            .ok_or("too few persons in a village for that many cases")?;
        let policy = &policies[i % policies.len()];
        let day = match policy.visit_days.len() {
            k if k > 0 && rng.below(2) == 0 => policy.visit_days[rng.below(k as u64) as usize],
            _ => 1 + rng.below(u64::from(policy.total_days().min(21))) as u32,
        };
        let start = o
            .date
            .checked_sub_days(Days::new(u64::from(day - 1)))
            .ok_or("start date out of range")?;
        let centralized = policy
            .phase_of_day(day)
            .is_some_and(|p| p.kind == PhaseKind::Centralized);
        let id = store.start_case(&NewCase {
            person_id: person.clone(),
            policy: policy.id.clone(),
            start,
            place: if centralized {
                Place::Centralized
            } else {
                Place::Home
            },
            site: centralized.then(|| "镇卫生院隔离点".to_owned()),
            origin: None,
            reason: None,
            team: vec![
                (
                    TeamRole::GridWorker,
                    "李网格".into(),
                    Some("13900000001".into()),
                ),
                (TeamRole::Doctor, "王医生".into(), None),
            ],
        })?;
        out.push(Case {
            id,
            policy: policy.clone(),
            start,
        });
    }
    Ok(out)
}

/// A check at `when` with a normal temperature.
fn check(when: NaiveDateTime, rng: &mut SplitMix64) -> NewCheck {
    NewCheck {
        temp_tenths: Some(360 + rng.below(13) as u16), // 36.0–37.2 °C: no escalation
        symptoms: Vec::new(),
        method: CheckMethod::Phone,
        at: Some(when),
        by: None,
    }
}

/// Records the checks and tests of the days before the date (90 % of them) and of the
/// morning of the date (70 % of its checks, some late; half its tests). Returns
/// (checks, tests) recorded.
fn history(store: &Store, cases: &[Case], o: &Opts, rng: &mut SplitMix64) -> Res<(usize, usize)> {
    let (mut checks, mut tests) = (0, 0);
    for c in cases {
        for back in (0..=o.history_days).rev() {
            let Some(on) = o.date.checked_sub_days(Days::new(back)) else {
                continue;
            };
            if on < c.start {
                continue;
            }
            let today = back == 0;
            for slot in due_items(&c.policy, c.start, on) {
                match slot.kind {
                    SlotKind::Check => {
                        let morning = slot.window_start.hour() < 12;
                        if (today && (!morning || rng.below(10) >= 7))
                            || (!today && rng.below(10) == 0)
                        {
                            continue;
                        }
                        // Within the window, or up to half an hour late; a whole-day visit
                        // from 09:00.
                        let whole_day = slot.window_end - slot.window_start >= TimeDelta::hours(12);
                        let from = if whole_day {
                            at(on, 9, 0)
                        } else {
                            slot.window_start
                        };
                        let when = from + TimeDelta::minutes(rng.below(150) as i64);
                        store.record_check(&c.id, &check(when, rng))?;
                        checks += 1;
                    }
                    SlotKind::Test => {
                        if rng.below(10) >= if today { 5 } else { 9 } {
                            continue;
                        }
                        store.record_case_test(&c.id, on, TestResult::Negative)?;
                        tests += 1;
                    }
                }
            }
        }
    }
    Ok((checks, tests))
}

/// Figure 1: the due list, and its baseline.
fn due_list(store: &Store, conn: &Connection, o: &Opts) -> Res<()> {
    let (rows, first) = time(|| store.due(o.date));
    let rows = rows?;
    let mut kinds: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut windows: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *kinds.entry((r.kind, r.status)).or_default() += 1;
        let w = if r.window_start[11..] == r.window_end[11..] {
            "whole day".to_owned()
        } else {
            format!("{}–{}", &r.window_start[11..], &r.window_end[11..])
        };
        *windows.entry(format!("{} {w}", r.kind)).or_default() += 1;
    }
    let cases: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.case_id.as_str()).collect();
    println!(
        "\n## 1. due list of the township for {} at 12:00 (Store::due; goal p95 ≤ {DUE_GOAL_MS} ms)",
        o.date
    );
    println!("{} rows for {} cases", rows.len(), cases.len());
    let line: Vec<String> = windows.iter().map(|(w, n)| format!("{w}: {n}")).collect();
    println!("  by slot:   {}", line.join("  "));
    let line: Vec<String> = kinds
        .iter()
        .map(|((k, s), n)| format!("{k} {s} {n}"))
        .collect();
    println!("  by status: {}", line.join(", "));
    // The store and the baseline take turns, so that both see the same load.
    let mut samples = Vec::with_capacity(o.runs);
    let mut base = Vec::with_capacity(o.runs);
    let mut base_rows = 0;
    for _ in 0..o.runs {
        let (r, t) = time_sched(|| store.due(o.date));
        r?;
        samples.push(t);
        let (r, t) = time_sched(|| raw_case_rows(conn, o.date));
        base_rows = r?;
        base.push(t);
    }
    let (d, b) = (Summary::of(&samples), Summary::of(&base));
    println!(
        "Store::due  first {:.2} ms  {}",
        first.as_secs_f64() * 1000.0,
        d.wall_line()
    );
    println!("            {}", d.cpu_line());
    println!(
        "baseline    {base_rows} case rows by one plain SELECT of the open cases with person and \
         village name (the due list's own join and filter; no slots, visits or tests)"
    );
    println!("            {}", b.wall_line());
    println!("            {}", b.cpu_line());
    println!(
        "ratio       wall p50 {:.1}  p95 {:.1}   on a CPU (means) {:.1}",
        d.p50 / b.p50,
        d.p95 / b.p95,
        d.cpu / b.cpu
    );
    println!(
        "goal p95 ≤ {DUE_GOAL_MS} ms: {} (wall p95 {:.2} ms)",
        met(d.p95 <= DUE_GOAL_MS),
        d.p95
    );
    Ok(())
}

/// The baseline of the due list: the open cases' rows, read with one plain query.
fn raw_case_rows(conn: &Connection, date: NaiveDate) -> rusqlite::Result<usize> {
    let mut st = conn.prepare_cached(
        "SELECT c.id, c.person_id, COALESCE(p.name, ''), c.village_id, COALESCE(v.name, ''),
           c.policy, c.start
         FROM cases c
         LEFT JOIN persons p ON p.id = c.person_id
         LEFT JOIN villages v ON v.id = c.village_id
         WHERE c.status IN ('active', 'escalated', 'referred') AND c.deleted = 0
           AND c.start <= ?1 AND c.end_date >= ?1",
    )?;
    let rows = st
        .query_map([date.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.len())
}

/// Figure 2: recording checks, and the plain-insert baseline.
fn record_checks(store: &Store, cases: &[Case], o: &Opts, rng: &mut SplitMix64) -> Res<()> {
    let mut plain = PlainVisits::new()?;
    let mut samples = Vec::with_capacity(o.checks);
    let mut base = Vec::with_capacity(o.checks);
    // The store and the baseline take turns, so that both see the same load.
    for i in 0..o.checks + WARMUP {
        let c = &cases[rng.below(cases.len() as u64) as usize];
        let when = at(o.date, 16, 0) + TimeDelta::minutes(rng.below(120) as i64);
        let (r, t) = time_sched(|| store.record_check(&c.id, &check(when, rng)));
        r?;
        let (r, p) = time_sched(|| plain.insert());
        r?;
        if i >= WARMUP {
            samples.push(t);
            base.push(p);
        }
    }
    let (c, b) = (Summary::of(&samples), Summary::of(&base));
    let per_doc = o.cases / o.villages.max(1);
    println!(
        "\n## 2. recording one check (Store::record_check; {} checks on random cases, ~{per_doc} \
         cases per village isolation document; goal p95 ≤ {CHECK_GOAL_MS} ms)",
        o.checks
    );
    println!("Store::record_check  {}", c.wall_line());
    println!("                     {}", c.cpu_line());
    println!(
        "baseline             plain SQLite insert of one visit row per transaction (same table \
         and indexes, WAL + synchronous=FULL)"
    );
    println!("                     {}", b.wall_line());
    println!("                     {}", b.cpu_line());
    println!(
        "ratio                wall p50 {:.1}  p95 {:.1}   on a CPU (means) {:.1}",
        c.p50 / b.p50,
        c.p95 / b.p95,
        c.cpu / b.cpu
    );
    println!(
        "goal p95 ≤ {CHECK_GOAL_MS} ms: {} (wall p95 {:.2} ms)",
        met(c.p95 <= CHECK_GOAL_MS),
        c.p95
    );
    Ok(())
}

/// The baseline of a check: a plain SQLite file with the store's visits table and pragmas.
struct PlainVisits {
    _dir: tempfile::TempDir,
    conn: Connection,
    rng: SplitMix64,
    n: usize,
}

impl PlainVisits {
    fn new() -> Res<PlainVisits> {
        let dir = tempfile::tempdir()?;
        let conn = Connection::open(dir.path().join("plain.sqlite"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE visits (id TEXT PRIMARY KEY, case_id TEXT NOT NULL,
             village_id TEXT NOT NULL, at TEXT NOT NULL, temp_tenths INTEGER,
             symptoms TEXT NOT NULL, method TEXT NOT NULL, by_name TEXT, device TEXT,
             escalated INTEGER NOT NULL);
             CREATE INDEX visits_case ON visits (case_id, at);
             CREATE INDEX visits_at ON visits (at);",
        )?;
        Ok(PlainVisits {
            _dir: dir,
            conn,
            rng: SplitMix64(0x7157),
            n: 0,
        })
    }

    /// One visit row, in its own transaction.
    fn insert(&mut self) -> rusqlite::Result<usize> {
        self.n += 1;
        let id = format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64());
        let case = format!("case-{:04}", self.rng.below(1000));
        self.conn.execute(
            "INSERT INTO visits VALUES (?1, ?2, 'village', ?3, 366, '', 'phone', '李网格',
             'device', 0)",
            params![id, case, format!("2026-03-15T16:{:02}", self.n % 60)],
        )
    }
}

/// For reference: the case list and one case's detail.
fn reference(store: &Store, cases: &[Case], rng: &mut SplitMix64) -> Res<()> {
    println!("\n## for reference (no goal)");
    let (list, t) = time(|| store.cases(None));
    let n = list?.len();
    println!(
        "Store::cases(None)   {:.1} ms for {n} cases (one case_detail per case)",
        t.as_secs_f64() * 1000.0
    );
    let mut samples = Vec::new();
    for _ in 0..200 {
        let c = &cases[rng.below(cases.len() as u64) as usize];
        let (r, d) = time(|| store.case_detail(&c.id));
        r?;
        samples.push(d);
    }
    let (d50, d95) = p50_p95(&mut samples);
    println!("Store::case_detail   p50 {d50:.2} ms  p95 {d95:.2} ms  (n=200)");
    Ok(())
}
