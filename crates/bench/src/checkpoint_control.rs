//! Figure 2b of bench-checkpoint: the ledger match with isolation states and the township
//! control list (管控名单), against the same match on the same township with no case at all.
//!
//! The baseline store is a copy of the township made before the cases were started
//! (`VACUUM INTO`), opened as a second store in the same process. Both answer the same
//! queries: figure 2's (ID tails, phone tails, plates, pinyin, names, visitors' names) plus
//! whole ID numbers, which are what a scanner or a careful volunteer enters: residents of the
//! checkpoint's village, persons isolated in other villages (a hit from the control list:
//! one keyed hash and one indexed lookup) and visitors no list knows (the hash, then nothing).
//! The two stores take turns by blocks of queries, the first of each block alternating, so
//! both see the same load; a block is longer than the store's cache of recent hashes, so
//! neither store is handed the other's hash.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use gridbook_bench::{met, p50_p95, pct, time_sched, SplitMix64, Summary};
use gridbook_store::Store;
use gridbook_tests::mainland_id;
use rusqlite::{params, Connection};

use super::{samples, Ledger, Opts, Res, MATCH_GOAL_MS, MATCH_LIMIT};

/// Queries per turn of one store (longer than the 32 hashes a store keeps).
const BLOCK: usize = 200;

/// The township with no case: a copy of the store's file made before any case started.
pub struct Bare {
    _dir: tempfile::TempDir,
    pub store: Store,
}

impl Bare {
    /// Copies the store behind `conn` (as it is now) into a new directory and opens it.
    pub fn copy(conn: &Connection) -> Res<Bare> {
        let start = Instant::now();
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(gridbook_store::DB_FILE);
        conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        let store = Store::open(dir.path())?;
        println!(
            "(setup) a copy of the township before any case, for figure 2b's baseline, in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        Ok(Bare { _dir: dir, store })
    }
}

/// Whole ID numbers to query: (kind, number).
fn whole_ids(l: &Ledger<'_>, n: usize, rng: &mut SplitMix64) -> Res<Vec<(&'static str, String)>> {
    let listed: Vec<String> = l
        .conn
        .prepare(
            "SELECT p.id_number FROM cases c JOIN persons p ON p.id = c.person_id
             WHERE c.village_id != ?1 AND c.status = 'active' AND p.id_kind = 'mainland'",
        )?
        .query_map(params![l.village], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if listed.is_empty() {
        return Err("no case in another village for figure 2b".into());
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(match i % 3 {
            0 => (
                "id-resident",
                l.residents[rng.below(l.residents.len() as u64) as usize]
                    .id_number
                    .clone(),
            ),
            1 => (
                "id-listed",
                listed[rng.below(listed.len() as u64) as usize].clone(),
            ),
            _ => ("id-visitor", mainland_id(7_000_000 + rng.below(5_000_000))),
        });
    }
    Ok(out)
}

/// Figure 2b.
pub fn figure(l: &Ledger<'_>, bare: &Bare, o: &Opts, rng: &mut SplitMix64) -> Res<()> {
    let mut qs = samples(l.residents, l.others, o.queries, rng);
    qs.extend(whole_ids(l, o.queries / 2, rng)?);
    // Shuffled, so that every block holds every kind.
    for i in (1..qs.len()).rev() {
        qs.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut with: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut without: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let (mut all_with, mut all_without) = (Vec::new(), Vec::new());
    let (mut listed_hits, mut states) = (0usize, 0usize);
    for (b, block) in qs.chunks(BLOCK).enumerate() {
        for turn in 0..2 {
            let cases = (b + turn) % 2 == 0;
            let store = if cases { l.store } else { &bare.store };
            for (kind, q) in block {
                let (hits, t) = time_sched(|| store.match_residents(l.checkpoint, q, MATCH_LIMIT));
                let hits = hits?;
                if cases {
                    states += hits.iter().filter(|h| h.isolation.is_some()).count();
                    listed_hits += hits.iter().filter(|h| h.matched == "control").count();
                    with.entry(kind).or_default().push(t.wall);
                    all_with.push(t);
                } else {
                    without.entry(kind).or_default().push(t.wall);
                    all_without.push(t);
                }
            }
        }
    }
    println!(
        "\n## 2b. ledger match with isolation states and the township control list \
         (Store::match_residents, limit {MATCH_LIMIT}; {} queries, figure 2's and whole ID \
         numbers; {} active cases, their control list; goal p95 ≤ {MATCH_GOAL_MS} ms)",
        qs.len(),
        o.cases
    );
    println!("kind          with cases + list                  baseline: no case (same run)");
    for (kind, v) in &mut with {
        let (a, b) = p50_p95(v);
        let w = without
            .get_mut(kind)
            .map(|w| p50_p95(w))
            .unwrap_or_default();
        println!(
            "{kind:<13} p50 {a:>6.2} ms  p95 {b:>6.2} ms  max {:>6.2}   p50 {:>6.2} ms  p95 {:>6.2} ms  (n={})",
            pct(v, 100.0),
            w.0,
            w.1,
            v.len()
        );
    }
    let (m, b) = (Summary::of(&all_with), Summary::of(&all_without));
    println!(
        "{:<13} p50 {:>6.2} ms  p95 {:>6.2} ms  max {:>6.2}   p50 {:>6.2} ms  p95 {:>6.2} ms",
        "all", m.p50, m.p95, m.max, b.p50, b.p95
    );
    println!("with cases    {}", m.cpu_line());
    println!("baseline      {}", b.cpu_line());
    println!(
        "ratio         wall p50 {:.2}  p95 {:.2}",
        m.p50 / b.p50,
        m.p95 / b.p95
    );
    println!(
        "              {states} hits carried a state; {listed_hits} came from another village's \
         list (no name, no address)"
    );
    let (hash, t) = time_sched(|| gridbook_store::id_hash("bench", &mainland_id(9_999_999)));
    hash?;
    println!(
        "one keyed hash of an ID number (Argon2id, as a checkpoint computes it): {:.2} ms",
        t.wall.as_secs_f64() * 1000.0
    );
    println!(
        "goal p95 ≤ {MATCH_GOAL_MS} ms: {} (p95 {:.2} ms)",
        met(m.p95 <= MATCH_GOAL_MS),
        m.p95
    );
    Ok(())
}
