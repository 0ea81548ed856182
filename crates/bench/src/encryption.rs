//! bench-encryption: what encryption at rest costs, encrypted against plain in one
//! run.
//!
//! 1. A demo township (default 100k households) is built in a plain store; a copy of its
//!    directory is converted to SQLCipher the way a first unlock does (timed).
//! 2. One household edit (a person's phone) on both stores, interleaved plain/encrypted (each
//!    first in turn) so both see the same machine load: p50/p95 and the p95 ratio (target
//!    ≤ 1.15); then the same persons again, their pages cached, which leaves the writing.
//!    Each figure also in CPU time of the calling thread, which the machine's load disturbs
//!    less (and which leaves out waiting for fsync).
//! 3. Search, the same queries on both, interleaved: p50/p95 and the ratio, first with the
//!    page caches cold (each store's SQLite cache empty since it was opened, its file in the
//!    OS cache: an encrypted page read the first time is decrypted and its HMAC checked), then
//!    again warm.
//! 4. Unlock: Argon2id with the key file's default parameters unwrapping the data key, then
//!    opening the encrypted store (target ≤ 1 s).
//!
//! `bench-encryption [--households N] [--villages N] [--edits N] [--queries N] [--seed S]
//! [--keep DIR]`
//!
//! `--keep DIR` keeps the built plain store in `DIR` and starts from a copy of it when it is
//! there (built with the same households, villages and seed), so repeated runs skip the build.

use std::path::Path;
use std::time::Duration;

use gridbook_bench::{arg, footer, header, met, p50_p95, time, time_sched, SplitMix64, Summary};
use gridbook_keys::KdfParams;
use gridbook_store::Store;
use rusqlite::Connection;

const PIN: &str = "246810";

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let households: usize = arg("--households", 100_000);
    let villages: usize = arg("--villages", 100);
    let edits: usize = arg("--edits", 1000);
    let queries: usize = arg("--queries", 1000);
    let seed: u64 = arg("--seed", 7);
    header("bench-encryption");
    println!("{households} households in {villages} villages, seed {seed}");
    let keep: Option<std::path::PathBuf> = arg("--keep", String::new())
        .parse()
        .ok()
        .filter(|p: &std::path::PathBuf| !p.as_os_str().is_empty());
    let root = tempfile::tempdir()?;
    let (plain_dir, enc_dir) = (root.path().join("plain"), root.path().join("enc"));

    // 1. Build plain (or copy the kept one), copy, convert.
    let kept = keep.map(|k| k.join(format!("plain-{households}-{villages}-{seed}")));
    match &kept {
        Some(k) if k.join(gridbook_store::DB_FILE).exists() => {
            copy_dir(k, &plain_dir)?;
            println!("\n## build\nplain store copied from {}", k.display());
        }
        _ => {
            {
                let store = Store::open(&plain_dir)?;
                let today = store.now_local().date();
                let (r, d) = time(|| store.demo(seed, villages, households, today));
                r?;
                println!("\n## build\nplain store built in {:.1} s", d.as_secs_f64());
            }
            if let Some(k) = &kept {
                copy_dir(&plain_dir, k)?;
            }
        }
    }
    copy_dir(&plain_dir, &enc_dir)?;
    let key = gridbook_keys::create(&enc_dir, PIN, KdfParams::DEFAULT)?;
    let (enc, d) = time(|| Store::open_with_key(&enc_dir, Some(key.bytes())));
    let enc = enc?;
    let plain = Store::open(&plain_dir)?;
    let mib = |p: &Path| {
        std::fs::metadata(p.join(gridbook_store::DB_FILE))
            .map(|m| m.len() as f64 / 1048576.0)
            .unwrap_or(0.0)
    };
    println!(
        "conversion to SQLCipher (first unlock of a plain store)  {:.1} s; files {:.0} MiB plain, {:.0} MiB encrypted",
        d.as_secs_f64(),
        mib(&plain_dir),
        mib(&enc_dir)
    );

    // Samples from the plain file.
    let conn = Connection::open(plain_dir.join(gridbook_store::DB_FILE))?;
    let people: Vec<(String, String, String, Option<String>)> = conn
        .prepare(
            "SELECT id, name, id_number, phone FROM persons
             WHERE village_id = (SELECT village_id FROM persons LIMIT 1)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let all_names: Vec<(String, String)> = conn
        .prepare("SELECT name, id_number FROM persons ORDER BY random() LIMIT ?1")?
        .query_map([queries as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    drop(conn);

    // 2. Edits, interleaved; then the same persons again, their pages now in both caches
    // (what is left is the writing: each page written encrypted and authenticated).
    let mut rng = SplitMix64(seed);
    let picks: Vec<&str> = (0..edits + 20)
        .map(|_| people[rng.below(people.len() as u64) as usize].0.as_str())
        .collect();
    for pass in [
        "one household edit",
        "one household edit, the same persons again",
    ] {
        let (mut tp, mut te) = (Vec::new(), Vec::new());
        for (i, pid) in picks.iter().enumerate() {
            let phone = format!("139{:08}", rng.below(100_000_000));
            let edit = vec![("phone".to_owned(), phone)];
            let ((a, da), (b, db)) = pair(
                i,
                || timed(|| plain.set_person(pid, &edit)),
                || timed(|| enc.set_person(pid, &edit)),
            );
            a?;
            b?;
            if i >= 20 {
                tp.push(da);
                te.push(db);
            }
        }
        report(pass, &tp, &te);
    }

    // 3. Search, interleaved: names (2 characters), ID tails, phone tails.
    let qs: Vec<String> = all_names
        .iter()
        .enumerate()
        .map(|(i, (name, idn))| match i % 3 {
            0 => name.chars().take(2).collect(),
            1 => idn
                .chars()
                .skip(idn.chars().count().saturating_sub(6))
                .collect(),
            _ => people[i % people.len()]
                .3
                .clone()
                .map(|p| p.chars().skip(7).collect())
                .unwrap_or_else(|| name.clone()),
        })
        .collect();
    for pass in ["cold caches", "warm caches"] {
        let (mut sp, mut se) = (Vec::new(), Vec::new());
        for (i, q) in qs.iter().enumerate() {
            let ((a, da), (b, db)) = pair(
                i,
                || timed(|| plain.search(q, 20)),
                || timed(|| enc.search(q, 20)),
            );
            let (a, b) = (a?, b?);
            assert_eq!(a.len(), b.len(), "both stores find the same for {q}");
            sp.push(da);
            se.push(db);
        }
        report(&format!("search, {pass}"), &sp, &se);
    }
    drop(enc);

    // 4. Unlock.
    let mut unwrap = Vec::new();
    let mut open = Vec::new();
    for _ in 0..7 {
        let (k, d) = time_sched(|| gridbook_keys::unlock(&enc_dir, PIN, gridbook_keys::now_secs()));
        let k = k?;
        unwrap.push(d);
        let (s, d2) = time(|| Store::open_with_key(&enc_dir, Some(k.bytes())));
        drop(s?);
        open.push(d.wall + d2);
    }
    let p = KdfParams::DEFAULT;
    let u = Summary::of(&unwrap);
    let (o50, _) = p50_p95(&mut open);
    println!(
        "\n## unlock (Argon2id m={} MiB, t={}, p={})\nPIN → data key  {}\n  {}\nPIN → open store  p50 {o50:.0} ms  ≤ 1 s (p50): {}",
        p.m_kib / 1024,
        p.t,
        p.p,
        u.wall_line(),
        u.cpu_line(),
        met(o50 <= 1000.0)
    );
    footer();
    Ok(())
}

/// Runs both, the plain one first on even `i` and the encrypted one first on odd `i`, so
/// neither always runs on the caches the other left.
fn pair<A, B>(i: usize, plain: impl FnOnce() -> A, enc: impl FnOnce() -> B) -> (A, B) {
    if i.is_multiple_of(2) {
        let a = plain();
        (a, enc())
    } else {
        let b = enc();
        (plain(), b)
    }
}

/// Wall time of one call and this thread's CPU time in it.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
}

fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Times one call: wall clock, and CPU time of this thread (`CLOCK_THREAD_CPUTIME_ID`, exact
/// to the nanosecond). On a machine shared with other work the wall time's tail is mostly
/// waiting for a CPU; the CPU time is the work itself, and excludes waiting for the disk.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Sample) {
    let c = thread_cpu();
    let (out, wall) = time(f);
    let cpu = thread_cpu().saturating_sub(c);
    (out, Sample { wall, cpu })
}

fn report(what: &str, plain: &[Sample], enc: &[Sample]) {
    let pick = |s: &[Sample], cpu: bool| -> Vec<Duration> {
        s.iter().map(|x| if cpu { x.cpu } else { x.wall }).collect()
    };
    let (p50, p95) = p50_p95(&mut pick(plain, false));
    let (e50, e95) = p50_p95(&mut pick(enc, false));
    let (c50, c95) = p50_p95(&mut pick(plain, true));
    let (d50, d95) = p50_p95(&mut pick(enc, true));
    println!(
        "\n## {what} (n={})\nplain      p50 {p50:.2} ms  p95 {p95:.2} ms   (CPU p50 {c50:.3} ms  p95 {c95:.3} ms)\nencrypted  p50 {e50:.2} ms  p95 {e95:.2} ms   (CPU p50 {d50:.3} ms  p95 {d95:.3} ms)\nratio p95 {:.2}  ≤ 1.15: {}   (CPU: ratio p50 {:.2}, p95 {:.2})",
        plain.len(),
        e95 / p95,
        met(e95 / p95 <= 1.15),
        d50 / c50,
        d95 / c95
    );
}
