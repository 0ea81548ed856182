//! Figure 2 of bench-checkpoint: the ledger match a volunteer's queries make (ID and phone
//! tails, plates, pinyin, name fragments, visitors' names), each hit with its isolation state,
//! against a full-scan LIKE baseline; and the query samples figure 2b shares.

use super::*;

/// Query samples: (kind, text), from the village's residents and, for visitors, from persons
/// of other villages.
pub(super) fn samples(
    residents: &[Person],
    others: &[Person],
    n: usize,
    rng: &mut SplitMix64,
) -> Vec<(&'static str, String)> {
    // Few residents have a car: plate queries are drawn from those who do.
    let plated: Vec<&Person> = residents.iter().filter(|p| p.plate.is_some()).collect();
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 20 {
        tries += 1;
        let p = &residents[rng.below(residents.len() as u64) as usize];
        let chars: Vec<char> = p.name.chars().collect();
        let q = match rng.below(7) {
            0 => ("id-tail-4", tail(&p.id_number, 4)),
            1 => match &p.phone {
                Some(ph) => {
                    let digits: String = ph.chars().filter(char::is_ascii_digit).collect();
                    ("phone-tail-4", tail(&digits, 4))
                }
                None => continue,
            },
            2 => match plated
                .get(rng.below(plated.len().max(1) as u64) as usize)
                .and_then(|p| p.plate.as_ref())
            {
                // As typed: the start of the plate, with or without the province character.
                Some(pl) if rng.below(2) == 0 => ("plate", pl.chars().take(3).collect()),
                Some(pl) => ("plate", pl.chars().skip(1).take(4).collect()),
                None => continue,
            },
            3 => (
                "pinyin",
                gridbook_domain::pinyin::initials(&p.name)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            ),
            4 => ("name-1", chars.iter().take(1).collect()),
            5 => ("name-2", chars.iter().take(2).collect()),
            _ => {
                let v = &others[rng.below(others.len() as u64) as usize];
                let vc: Vec<char> = v.name.chars().collect();
                if rng.below(2) == 0 {
                    ("visitor-name", vc.iter().take(2).collect())
                } else {
                    ("visitor-name", v.name.clone())
                }
            }
        };
        if !q.1.is_empty() {
            out.push(q);
        }
    }
    out
}

fn tail(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

/// What the ledger match works on.
pub(super) struct Ledger<'a> {
    pub(super) store: &'a Store,
    pub(super) conn: &'a Connection,
    pub(super) checkpoint: &'a str,
    pub(super) village: &'a str,
    pub(super) residents: &'a [Person],
    pub(super) others: &'a [Person],
}

/// Figure 2: the ledger match, and the full-scan LIKE baseline.
pub(super) fn ledger_match(l: &Ledger<'_>, o: &Opts, rng: &mut SplitMix64) -> Res<()> {
    let (store, conn, checkpoint, village) = (l.store, l.conn, l.checkpoint, l.village);
    let qs = samples(l.residents, l.others, o.queries, rng);
    let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut empty: BTreeMap<&str, usize> = BTreeMap::new();
    let mut all = Vec::with_capacity(qs.len());
    let mut isolated = 0usize;
    for (kind, q) in &qs {
        let (hits, t) = time_sched(|| store.match_residents(checkpoint, q, MATCH_LIMIT));
        let hits = hits?;
        if hits.is_empty() {
            *empty.entry(kind).or_default() += 1;
        }
        isolated += hits.iter().filter(|h| h.isolation.is_some()).count();
        by_kind.entry(kind).or_default().push(t.wall);
        all.push(t);
    }
    println!(
        "\n## 2. ledger match (Store::match_residents, limit {MATCH_LIMIT}; {} queries over a \
         township of {} persons, answered from the checkpoint's village; goal p95 ≤ \
         {MATCH_GOAL_MS} ms)",
        qs.len(),
        conn.query_row("SELECT count(*) FROM persons", [], |r| r.get::<_, i64>(0))?
    );
    for (kind, v) in &mut by_kind {
        let (a, b) = p50_p95(v);
        println!(
            "{kind:<13} p50 {a:>6.2} ms  p95 {b:>6.2} ms  max {:>6.2} ms  (n={}, {} with no hit)",
            pct(v, 100.0),
            v.len(),
            empty.get(kind).copied().unwrap_or(0)
        );
    }
    let m = Summary::of(&all);
    let (m50, m95) = (m.p50, m.p95);
    println!(
        "{:<13} p50 {m50:>6.2} ms  p95 {m95:>6.2} ms  max {:>6.2} ms",
        "all", m.max
    );
    println!("              {}", m.cpu_line());
    println!("              {isolated} hits carried an isolation state (居家隔离第N天…)");
    let like = "SELECT count(*) FROM persons WHERE (name LIKE '%' || ?1 || '%'
                OR id_number LIKE '%' || ?1 OR phone LIKE '%' || ?1
                OR plate LIKE '%' || ?1 || '%')";
    let mut full = Vec::new();
    let mut in_village = Vec::new();
    let step = (qs.len() / 30).max(1);
    // LIKE cannot answer pinyin initials: those queries are left out of the baseline.
    for (_, q) in qs
        .iter()
        .step_by(step)
        .filter(|(k, _)| *k != "pinyin")
        .take(20)
    {
        let (r, d) = time(|| conn.query_row(like, [q], |r| r.get::<_, i64>(0)));
        r?;
        full.push(d);
        let sql = format!("{like} AND village_id = ?2 AND deleted = 0");
        let (r, d) = time(|| conn.query_row(&sql, params![q, village], |r| r.get::<_, i64>(0)));
        r?;
        in_village.push(d);
    }
    let (f50, f95) = p50_p95(&mut full);
    let (v50, _) = p50_p95(&mut in_village);
    println!(
        "baseline: full-scan LIKE over all persons (name, ID, phone, plate)  p50 {f50:.2} ms  \
         p95 {f95:.2} ms  (n={})",
        full.len()
    );
    println!(
        "          ratio store / baseline: p50 {:.3}  p95 {:.3}",
        m50 / f50,
        m95 / f95
    );
    println!(
        "for reference: the same LIKE over the village's persons only (persons_village index)  \
         p50 {v50:.2} ms"
    );
    println!(
        "goal p95 ≤ {MATCH_GOAL_MS} ms: {} (p95 {m95:.2} ms)",
        met(m95 <= MATCH_GOAL_MS)
    );
    Ok(())
}
