//! bench-encryption: what encryption at rest costs, encrypted against plain in one
//! run.
//!
//! 1. A demo township (default 100k households) is built twice by the same import: in a plain
//!    store and in an encrypted one (a device encrypted from its enrollment, as every new
//!    device is). A copy of the plain store's directory is converted to SQLCipher the way a
//!    first unlock does (timed): the third store, a device that was plain before.
//! 2. One household edit (a person's phone) on the three stores, interleaved (each first in
//!    turn) so all see the same machine load: p50/p95 and each encrypted store's p95 ratio to
//!    the plain one (target ≤ 1.15); then the same persons again, their pages cached, which
//!    leaves the writing. Each figure also in CPU time of the calling thread, which the
//!    machine's load disturbs less (and which leaves out waiting for fsync).
//!    The converted store's tables were rewritten in key order by the conversion, their
//!    b-tree pages full, where a store built by inserts (the plain one, the encrypted one)
//!    has room left in most pages: it is reported apart, not as the cost of encryption.
//! 3. Search, the same queries on the three, interleaved: p50/p95 and the ratios, first with
//!    the page caches cold (each store's SQLite cache empty since it was opened, its file in
//!    the OS cache: an encrypted page read the first time is decrypted and its HMAC checked),
//!    then again warm.
//! 4. Unlock: Argon2id with the key file's default parameters unwrapping the data key, then
//!    opening the encrypted store (target ≤ 1 s).
//!
//! `bench-encryption [--households N] [--villages N] [--edits N] [--queries N] [--seed S]
//! [--keep DIR]`
//!
//! `--keep DIR` keeps the built plain and encrypted stores in `DIR` and starts from copies of
//! them when they are there (built with the same households, villages and seed), so repeated
//! runs skip the builds.

use std::path::Path;
use std::time::Duration;

use gridbook_bench::{arg, footer, header, met, p50_p95, time, time_sched, SplitMix64, Summary};
use gridbook_keys::KdfParams;
use gridbook_store::Store;
use rusqlite::Connection;

const PIN: &str = "246810";
/// The three stores, in the order of their directories and samples.
const STORES: [&str; 3] = ["plain", "encrypted", "converted"];

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
    let dirs = STORES.map(|d| root.path().join(d));

    // 1. Build the plain and the encrypted store by the same demo import (or copy kept ones);
    // convert a copy of the plain one.
    println!("\n## build");
    for (i, name) in STORES[..2].iter().enumerate() {
        let kept = keep
            .as_ref()
            .map(|k| k.join(format!("{name}-{households}-{villages}-{seed}")));
        match &kept {
            Some(k) if k.join(gridbook_store::DB_FILE).exists() => {
                copy_dir(k, &dirs[i])?;
                println!("{name} store copied from {}", k.display());
            }
            _ => {
                {
                    let store = open(&dirs[i], i == 1)?;
                    let today = store.now_local().date();
                    let (r, d) = time(|| store.demo(seed, villages, households, today));
                    r?;
                    println!("{name} store built in {:.1} s", d.as_secs_f64());
                }
                if let Some(k) = &kept {
                    copy_dir(&dirs[i], k)?;
                }
            }
        }
    }
    copy_dir(&dirs[0], &dirs[2])?;
    let key = gridbook_keys::create(&dirs[2], PIN, KdfParams::DEFAULT)?;
    let (converted, d) = time(|| Store::open_with_key(&dirs[2], Some(key.bytes())));
    let stores = [open(&dirs[0], false)?, open(&dirs[1], true)?, converted?];
    let mib = |p: &Path| {
        std::fs::metadata(p.join(gridbook_store::DB_FILE))
            .map(|m| m.len() as f64 / 1048576.0)
            .unwrap_or(0.0)
    };
    println!(
        "conversion to SQLCipher (first unlock of a plain store)  {:.1} s; files {:.0} MiB plain, {:.0} MiB encrypted, {:.0} MiB converted",
        d.as_secs_f64(),
        mib(&dirs[0]),
        mib(&dirs[1]),
        mib(&dirs[2])
    );

    // Samples from the plain file.
    let conn = Connection::open(dirs[0].join(gridbook_store::DB_FILE))?;
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

    // 2. Edits, interleaved; then the same persons again, their pages now in the caches
    // (what is left is the writing: each page written encrypted and authenticated).
    let mut rng = SplitMix64(seed);
    let picks: Vec<&str> = (0..edits + 20)
        .map(|_| people[rng.below(people.len() as u64) as usize].0.as_str())
        .collect();
    for pass in [
        "one household edit",
        "one household edit, the same persons again",
    ] {
        let mut samples: [Vec<Sample>; 3] = Default::default();
        for (i, pid) in picks.iter().enumerate() {
            let phone = format!("139{:08}", rng.below(100_000_000));
            let edit = vec![("phone".to_owned(), phone)];
            for k in rotation(i) {
                let (r, d) = timed(|| stores[k].set_person(pid, &edit));
                r?;
                if i >= 20 {
                    samples[k].push(d);
                }
            }
        }
        report(pass, &samples);
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
        let mut samples: [Vec<Sample>; 3] = Default::default();
        for (i, q) in qs.iter().enumerate() {
            let mut found = [0; 3];
            for k in rotation(i) {
                let (r, d) = timed(|| stores[k].search(q, 20));
                found[k] = r?.len();
                samples[k].push(d);
            }
            assert!(
                found.iter().all(|&n| n == found[0]),
                "the stores find the same for {q}: {found:?}"
            );
        }
        report(&format!("search, {pass}"), &samples);
    }
    drop(stores);
    let enc_dir = &dirs[1];

    // 4. Unlock.
    let mut unwrap = Vec::new();
    let mut opened = Vec::new();
    for _ in 0..7 {
        let (k, d) = time_sched(|| gridbook_keys::unlock(enc_dir, PIN, gridbook_keys::now_secs()));
        let k = k?;
        unwrap.push(d);
        let (s, d2) = time(|| Store::open_with_key(enc_dir, Some(k.bytes())));
        drop(s?);
        opened.push(d.wall + d2);
    }
    let p = KdfParams::DEFAULT;
    let u = Summary::of(&unwrap);
    let (o50, _) = p50_p95(&mut opened);
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

/// Opens the store in `dir`: plain, or encrypted with a data key made for [`PIN`] when the
/// directory has none yet.
fn open(dir: &Path, encrypted: bool) -> Result<Store, Box<dyn std::error::Error>> {
    if !encrypted {
        return Ok(Store::open(dir)?);
    }
    let key = if gridbook_keys::is_encrypted(dir) {
        gridbook_keys::unlock(dir, PIN, gridbook_keys::now_secs())?
    } else {
        std::fs::create_dir_all(dir)?;
        gridbook_keys::create(dir, PIN, KdfParams::DEFAULT)?
    };
    Ok(Store::open_with_key(dir, Some(key.bytes()))?)
}

/// The order the three stores run in for sample `i`: each first in turn, so that none always
/// runs on the caches another left.
fn rotation(i: usize) -> [usize; 3] {
    [i % 3, (i + 1) % 3, (i + 2) % 3]
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

/// The three stores' figures, and each encrypted one's p95 ratio to the plain store's.
fn report(what: &str, samples: &[Vec<Sample>; 3]) {
    let pick = |s: &[Sample], cpu: bool| -> Vec<Duration> {
        s.iter().map(|x| if cpu { x.cpu } else { x.wall }).collect()
    };
    println!("\n## {what} (n={})", samples[0].len());
    let mut figs = Vec::new();
    for (name, s) in STORES.iter().zip(samples) {
        let (w50, w95) = p50_p95(&mut pick(s, false));
        let (c50, c95) = p50_p95(&mut pick(s, true));
        println!(
            "{name:<10} p50 {w50:.2} ms  p95 {w95:.2} ms   (CPU p50 {c50:.3} ms  p95 {c95:.3} ms)"
        );
        figs.push((w95, c50, c95));
    }
    let (p95, c50, c95) = figs[0];
    for (name, (e95, d50, d95)) in STORES[1..].iter().zip(&figs[1..]) {
        println!(
            "{name:<10} ratio p95 {:.2}  ≤ 1.15: {}   (CPU: ratio p50 {:.2}, p95 {:.2})",
            e95 / p95,
            met(e95 / p95 <= 1.15),
            d50 / c50,
            d95 / c95
        );
    }
}
