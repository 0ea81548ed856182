//! bench-checkpoint: the checkpoints' figures, on a township store in a real SQLite file.
//!
//! Setup: a demo township (default 100 villages, 100,000 households, ~380k persons) and one
//! checkpoint in its first village.
//!
//! 1. Saving an entry (`Store::add_entry`: validation, the township's rules, the ledger match
//!    of the ID number, CRDT change + projection + commit): p50/p95 over `--entries` entries of
//!    one day, half of them residents of the village and half visitors (goal p95 ≤ 5 ms).
//!    Baseline: a plain SQLite insert of an entry row (same table and index) per transaction,
//!    with the store's durability settings (WAL, synchronous=FULL).
//! 2. Ledger match (`Store::match_residents`, limit 10, each hit with its isolation state from
//!    `--cases` (1,000) active cases) for `--queries` queries a volunteer
//!    types: 4-character ID tails, 4-digit phone tails, plate fragments, pinyin initials,
//!    1- and 2-character name fragments of the village's residents, and names of people from
//!    other villages (visitors): p50/p95 (goal p95 ≤ 10 ms). Baseline: a full-scan LIKE over
//!    the persons table (name, ID number, phone, plate).
//!    Figure 2b: the same match with the township control list, whole ID numbers added,
//!    against the same township with no case (see `checkpoint_control.rs`).
//! 3. Loading one checkpoint day holding `--day-entries` (20,000) entries (`Store::entries`):
//!    time of `--loads` loads (goal ≤ 200 ms, every load). Baseline: a plain `SELECT *` of the
//!    same rows in the same order. The day is written first through `add_entry`, one entry at
//!    a time; the setup time is printed.
//!
//! Each store call and its baseline take turns, so that both see the same load, and each
//! figure also says where the mean call's time went: on a CPU, waiting for a CPU (the load of
//! other processes), and other waits (the disk, locks), from `/proc/thread-self/schedstat`.
//!
//! `bench-checkpoint [--quick] [--households N] [--villages N] [--entries N] [--queries N]
//!  [--day-entries N] [--loads N] [--cases N] [--date YYYY-MM-DD] [--seed S]`

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use gridbook_bench::{
    arg, flag, footer, header, met, p50_p95, pct, time, time_sched, SplitMix64, Summary,
};
use gridbook_domain::checkpoint::EntryInput;
use gridbook_store::{NewEntry, Store};
use gridbook_tests::mainland_id;
use rusqlite::types::Value;
use rusqlite::{params, Connection};

mod checkpoint_control;
#[path = "checkpoint_match.rs"]
mod matching;

use matching::{ledger_match, samples, Ledger};

type Res<T> = Result<T, Box<dyn Error>>;

/// Goal for one entry's p95, ms.
const ENTRY_GOAL_MS: f64 = 5.0;
/// Goal for a match's p95, ms.
const MATCH_GOAL_MS: f64 = 10.0;
/// Goal for loading one day, ms.
const DAY_GOAL_MS: f64 = 200.0;
/// Results a volunteer's tablet asks for (the CLI's default).
const MATCH_LIMIT: usize = 10;
/// Writes left out of the figures while the documents load into memory.
const WARMUP: usize = 20;

/// Command-line parameters.
struct Opts {
    quick: bool,
    seed: u64,
    households: usize,
    villages: usize,
    entries: usize,
    queries: usize,
    day_entries: usize,
    loads: usize,
    cases: usize,
    date: NaiveDate,
}

impl Opts {
    fn parse() -> Res<Opts> {
        let quick = flag("--quick");
        let q = |full: usize, small: usize| if quick { small } else { full };
        let date: String = arg("--date", "2022-11-20".to_owned());
        Ok(Opts {
            quick,
            seed: arg("--seed", 7),
            households: arg("--households", q(100_000, 5_000)),
            villages: arg("--villages", q(100, 10)),
            entries: arg("--entries", q(1000, 300)),
            queries: arg("--queries", q(2000, 500)),
            day_entries: arg("--day-entries", q(20_000, 2_000)),
            loads: arg("--loads", q(10, 5)),
            cases: arg("--cases", q(1000, 100)),
            date: date.parse()?,
        })
    }
}

/// A person of the ledger, as the samples need it.
struct Person {
    name: String,
    id_number: String,
    phone: Option<String>,
    plate: Option<String>,
}

fn main() -> Res<()> {
    let o = Opts::parse()?;
    header("bench-checkpoint");
    println!(
        "parameters: seed {}  {} households in {} villages  {} entries  {} queries  \
         day of {} entries  {} loads  date {}{}",
        o.seed,
        o.households,
        o.villages,
        o.entries,
        o.queries,
        o.day_entries,
        o.loads,
        o.date,
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
    let village = store
        .villages()?
        .into_iter()
        .next()
        .ok_or("the demo township has no village")?;
    let checkpoint = store.add_checkpoint(&village.id, "村口卡点", Some("一组路口"))?;
    let conn = Connection::open(dir.path().join(gridbook_store::DB_FILE))?;
    let residents = persons(
        &conn,
        "SELECT name, id_number, phone, plate FROM persons
         WHERE village_id = ?1 AND deleted = 0 AND id_kind = 'mainland'",
        &village.id,
    )?;
    let others = persons(
        &conn,
        "SELECT name, id_number, phone, plate FROM persons
         WHERE village_id != ?1 AND deleted = 0 AND rowid % 50 = 0",
        &village.id,
    )?;
    if residents.is_empty() || others.is_empty() {
        return Err("too few persons for the samples".into());
    }
    println!(
        "(setup) checkpoint in village {} ({} households, {} persons; {} with a mainland ID)",
        village.name,
        village.households,
        village.persons,
        residents.len()
    );

    let bare = checkpoint_control::Bare::copy(&conn)?;
    let mut rng = SplitMix64(o.seed ^ 0xC4EC);
    start_cases(&store, &conn, &village.id, &o, &mut rng)?;
    save_entries(&store, &checkpoint, &residents, &o, &mut rng)?;
    let ledger = Ledger {
        store: &store,
        conn: &conn,
        checkpoint: &checkpoint,
        village: &village.id,
        residents: &residents,
        others: &others,
    };
    ledger_match(&ledger, &o, &mut rng)?;
    checkpoint_control::figure(&ledger, &bare, &o, &mut rng)?;
    drop(bare);
    load_day(&store, &conn, &checkpoint, &residents, &o, &mut rng)?;
    footer();
    Ok(())
}

/// Opens `--cases` active home-isolation cases, a tenth of them in the checkpoint's village
/// and the rest across the township, started over the last 14 days, so that the match and the
/// entries read control states as they would in a season.
fn start_cases(
    store: &Store,
    conn: &Connection,
    village: &str,
    o: &Opts,
    rng: &mut SplitMix64,
) -> Res<()> {
    let pick = |sql: &str, n: usize| -> rusqlite::Result<Vec<String>> {
        conn.prepare(sql)?
            .query_map(params![village, n as i64], |r| r.get(0))?
            .collect()
    };
    let local = o.cases / 10;
    let mut ids = pick(
        "SELECT id FROM persons WHERE village_id = ?1 AND deleted = 0 ORDER BY rowid % 7, rowid
         LIMIT ?2",
        local,
    )?;
    ids.extend(pick(
        "SELECT id FROM persons WHERE village_id != ?1 AND deleted = 0 ORDER BY rowid % 13, rowid
         LIMIT ?2",
        o.cases - ids.len(),
    )?);
    let start = Instant::now();
    for id in &ids {
        let day1 = o.date - Days::new(rng.below(14));
        store.start_case(&gridbook_store::NewCase {
            person_id: id.clone(),
            policy: "home-isolation".into(),
            start: day1,
            place: gridbook_store::Place::Home,
            site: None,
            origin: None,
            reason: None,
            team: Vec::new(),
        })?;
    }
    let open: i64 = conn.query_row(
        "SELECT count(*) FROM cases WHERE status = 'active'",
        [],
        |r| r.get(0),
    )?;
    println!(
        "(setup) {open} active home-isolation cases ({} in the checkpoint's village) in {:.1} s",
        local.min(ids.len()),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `date` at `h:m`.
fn at(date: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
}

fn persons(conn: &Connection, sql: &str, village: &str) -> rusqlite::Result<Vec<Person>> {
    conn.prepare(sql)?
        .query_map([village], |r| {
            Ok(Person {
                name: r.get(0)?,
                id_number: r.get(1)?,
                phone: r.get(2)?,
                plate: r.get(3)?,
            })
        })?
        .collect()
}

/// One entry form at `when`: a resident of the village (every other entry) or a visitor with a
/// fresh ID number; mostly green codes and normal temperatures, as at a real checkpoint.
fn form(i: usize, when: NaiveDateTime, residents: &[Person], rng: &mut SplitMix64) -> EntryInput {
    let resident = i
        .is_multiple_of(2)
        .then(|| &residents[rng.below(residents.len() as u64) as usize]);
    let (name, id_number, phone, plate) = match resident {
        Some(p) => (
            p.name.clone(),
            p.id_number.clone(),
            p.phone.clone().unwrap_or_default(),
            p.plate.clone().unwrap_or_default(),
        ),
        None => (
            "访客".to_owned(),
            mainland_id(1_000_000 + rng.below(5_000_000)),
            format!("13{:09}", rng.below(1_000_000_000)),
            if rng.below(4) == 0 {
                format!("川S{:05}", rng.below(100_000))
            } else {
                String::new()
            },
        ),
    };
    let health_code = match rng.below(100) {
        0..=1 => "red",
        2..=4 => "yellow",
        _ => "green",
    };
    let temperature = if rng.below(100) == 0 {
        "37.8".to_owned()
    } else {
        format!("36.{}", rng.below(8))
    };
    EntryInput {
        at: when,
        direction: if rng.below(2) == 0 { "in" } else { "out" }.to_owned(),
        name,
        id_kind: None,
        id_number,
        hukou_place: "四川省南充市".to_owned(),
        residence: String::new(),
        phone,
        plate,
        temperature,
        health_code: health_code.to_owned(),
        travel: String::new(),
        declared_areas: Vec::new(),
        purpose: "返家".to_owned(),
    }
}

fn add(store: &Store, checkpoint: &str, input: EntryInput) -> gridbook_store::Result<()> {
    store
        .add_entry(&NewEntry {
            checkpoint: checkpoint.to_owned(),
            input,
            volunteer: Some("王志愿".to_owned()),
            ..NewEntry::default()
        })
        .map(|_| ())
}

/// Figure 1: saving entries, and the plain-insert baseline.
fn save_entries(
    store: &Store,
    checkpoint: &str,
    residents: &[Person],
    o: &Opts,
    rng: &mut SplitMix64,
) -> Res<()> {
    let mut plain = PlainEntries::new()?;
    let mut samples = Vec::with_capacity(o.entries);
    let mut base = Vec::with_capacity(o.entries);
    let start = at(o.date, 7, 0);
    // The store and the baseline take turns, so that both see the same load.
    for i in 0..o.entries + WARMUP {
        let input = form(i, start + TimeDelta::seconds(i as i64 * 30), residents, rng);
        let (r, t) = time_sched(|| add(store, checkpoint, input));
        r?;
        let (r, p) = time_sched(|| plain.insert());
        r?;
        if i >= WARMUP {
            samples.push(t);
            base.push(p);
        }
    }
    let (e, b) = (Summary::of(&samples), Summary::of(&base));
    println!(
        "\n## 1. saving an entry (Store::add_entry; {} entries into one checkpoint day, half \
         residents; goal p95 ≤ {ENTRY_GOAL_MS} ms)",
        o.entries
    );
    println!("Store::add_entry  {}", e.wall_line());
    println!("                  {}", e.cpu_line());
    println!(
        "baseline          plain SQLite insert of one entry row per transaction (same table and \
         index, WAL + synchronous=FULL)"
    );
    println!("                  {}", b.wall_line());
    println!("                  {}", b.cpu_line());
    println!(
        "ratio             wall p50 {:.1}  p95 {:.1}   on a CPU (means) {:.1}",
        e.p50 / b.p50,
        e.p95 / b.p95,
        e.cpu / b.cpu
    );
    println!(
        "goal p95 ≤ {ENTRY_GOAL_MS} ms: {} (wall p95 {:.2} ms)",
        met(e.p95 <= ENTRY_GOAL_MS),
        e.p95
    );
    Ok(())
}

/// The baseline of an entry: a plain SQLite file with the store's entries table and pragmas.
struct PlainEntries {
    _dir: tempfile::TempDir,
    conn: Connection,
    rng: SplitMix64,
    n: usize,
}

impl PlainEntries {
    fn new() -> Res<PlainEntries> {
        let dir = tempfile::tempdir()?;
        let conn = Connection::open(dir.path().join("plain.sqlite"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE entries (id TEXT PRIMARY KEY, checkpoint_id TEXT NOT NULL,
             village_id TEXT NOT NULL, day TEXT NOT NULL, at TEXT NOT NULL, device TEXT NOT NULL,
             direction TEXT NOT NULL, name TEXT NOT NULL, id_kind TEXT NOT NULL,
             id_number TEXT NOT NULL, hukou_place TEXT, residence TEXT, phone TEXT, plate TEXT,
             temperature_tenths INTEGER NOT NULL, health_code TEXT NOT NULL,
             travel TEXT NOT NULL, declared_areas TEXT NOT NULL, purpose TEXT,
             suggested TEXT NOT NULL, decision TEXT NOT NULL, reasons TEXT NOT NULL,
             volunteer TEXT NOT NULL, note TEXT, overridden INTEGER NOT NULL,
             recorded_by TEXT NOT NULL, person_id TEXT, pass_number TEXT);
             CREATE INDEX entries_day ON entries (checkpoint_id, day, at, device, id);",
        )?;
        Ok(PlainEntries {
            _dir: dir,
            conn,
            rng: SplitMix64(0xE17),
            n: 0,
        })
    }

    /// One entry row, in its own transaction.
    fn insert(&mut self) -> rusqlite::Result<usize> {
        let i = self.n;
        self.n += 1;
        let id = format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64());
        let when = format!("2022-11-20T07:{:02}:{:02}.000000000", (i / 60) % 60, i % 60);
        self.conn.execute(
            "INSERT INTO entries VALUES (?1, 'checkpoint', 'village', '2022-11-20', ?2,
             'device', 'in', '张三丰', 'mainland', ?3, '四川省南充市', NULL, ?4, NULL, 365,
             'green', '', '[]', '返家', 'allow', 'allow',
             '[{\"code\":\"all-clear\",\"zh\":\"无异常\",\"en\":\"all clear\"}]', '王志愿',
             NULL, 0, '设备-abcdef', NULL, NULL)",
            params![id, when, mainland_id(i as u64), format!("139{i:08}")],
        )
    }
}

/// Figure 3: one day of `--day-entries` entries, loaded; and the plain `SELECT *` baseline.
fn load_day(
    store: &Store,
    conn: &Connection,
    checkpoint: &str,
    residents: &[Person],
    o: &Opts,
    rng: &mut SplitMix64,
) -> Res<()> {
    let day = o
        .date
        .checked_add_days(Days::new(1))
        .ok_or("date out of range")?;
    store.set_now(Some(at(day, 7, 0)));
    // Spread over the day, so that any count up to 86,400 fits.
    let step_ms = (86_400_000 / o.day_entries.max(1)) as i64;
    let start = Instant::now();
    let mut per_block: Vec<Vec<Duration>> = Vec::new();
    let block = 1000.min(o.day_entries.max(1));
    for i in 0..o.day_entries {
        let when = at(day, 0, 0) + TimeDelta::milliseconds(i as i64 * step_ms);
        let input = form(i, when, residents, rng);
        let (r, d) = time(|| add(store, checkpoint, input));
        r?;
        if i.is_multiple_of(block) {
            per_block.push(Vec::with_capacity(block));
        }
        if let Some(b) = per_block.last_mut() {
            b.push(d);
        }
    }
    let setup = start.elapsed();
    println!(
        "\n## 3. loading one checkpoint day of {} entries (Store::entries; goal ≤ {DAY_GOAL_MS} \
         ms, every load)",
        o.day_entries
    );
    println!(
        "(setup) {} entries written through Store::add_entry in {:.1} s",
        o.day_entries,
        setup.as_secs_f64()
    );
    if let (Some(first), Some(last)) = (per_block.first().cloned(), per_block.last().cloned()) {
        let (mut first, mut last) = (first, last);
        let (a50, a95) = p50_p95(&mut first);
        let (b50, b95) = p50_p95(&mut last);
        println!(
            "        add_entry while the day fills: first {} entries p50 {a50:.2} ms p95 {a95:.2} \
             ms; last {} p50 {b50:.2} ms p95 {b95:.2} ms",
            first.len(),
            last.len()
        );
    }
    // The store and the baseline take turns, so that both see the same load.
    let mut loads = Vec::with_capacity(o.loads);
    let mut base = Vec::with_capacity(o.loads);
    let (mut n, mut bn) = (0, 0);
    for _ in 0..o.loads {
        let (rows, t) = time_sched(|| store.entries(checkpoint, day));
        n = rows?.len();
        loads.push(t);
        let (r, t) = time_sched(|| select_all(conn, checkpoint, day));
        bn = r?;
        base.push(t);
    }
    let first_load = loads.first().map_or(0.0, |t| t.wall.as_secs_f64() * 1000.0);
    let (l, b) = (Summary::of(&loads), Summary::of(&base));
    println!(
        "Store::entries   {n} rows  first {first_load:.1} ms  p50 {:.1} ms  max {:.1} ms  (n={})",
        l.p50, l.max, l.n
    );
    println!("                 {}", l.cpu_line());
    println!(
        "baseline         {bn} rows by a plain SELECT * of the day's rows (ORDER BY at, device, \
         id; every column read)  p50 {:.1} ms  max {:.1} ms",
        b.p50, b.max
    );
    println!("                 {}", b.cpu_line());
    println!(
        "ratio            wall p50 {:.1}  max {:.1}   on a CPU (means) {:.1}",
        l.p50 / b.p50,
        l.max / b.max,
        l.cpu / b.cpu
    );
    println!(
        "goal ≤ {DAY_GOAL_MS} ms: {} (max {:.1} ms)",
        met(l.max <= DAY_GOAL_MS),
        l.max
    );
    Ok(())
}

/// The baseline of a day's load: every column of its rows.
fn select_all(conn: &Connection, checkpoint: &str, day: NaiveDate) -> rusqlite::Result<usize> {
    let mut st = conn.prepare_cached(
        "SELECT * FROM entries WHERE checkpoint_id = ?1 AND day = ?2 ORDER BY at, device, id",
    )?;
    let cols = st.column_count();
    let rows = st
        .query_map(params![checkpoint, day.to_string()], |r| {
            (0..cols)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<Value>>>()
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.len())
}
