//! bench-export: the issue-17 goals for files out of gridbook.
//!
//! 1. The 一户一档 ledger of a township of N households (default 100,000, some 400k persons)
//!    to .xlsx: time and peak RSS (goal ≤ 15 s, ≤ 300 MB). The export runs in a child process
//!    of its own, so the RSS is the export's and not the building of the store's.
//! 2. A 期满证明 PDF of a released case: time per certificate, font loading included and not
//!    (goal ≤ 300 ms).
//!
//! Usage: `bench-export [--households N] [--data DIR]` (DIR keeps the built store between
//! runs; building 100k households takes a minute or two).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use gridbook_bench::{peak_rss_mib, time};
use gridbook_domain::isolation::TeamRole;
use gridbook_domain::TestResult;
use gridbook_export::{Format, Kind, Request};
use gridbook_store::{NewCase, Place, Store};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2).find(|w| w[0] == name).map(|w| w[1].clone())
}

/// The child: exports the ledger of `dir` into `out` and prints rows, seconds, peak MiB.
fn child(dir: &Path, out: &Path) {
    let store = Store::open(dir).expect("open");
    let req = Request {
        kind: Kind::Ledger,
        format: Format::Xlsx,
        out: out.to_path_buf(),
        village: None,
        from: None,
        to: None,
        full_ids: false,
    };
    let (done, took) = time(|| gridbook_export::export(&store, &req).expect("export"));
    println!(
        "{} {:.2} {:.1}",
        done.rows,
        took.as_secs_f64(),
        peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(Path::new(&args[2]), Path::new(&args[3]));
        return;
    }
    let households: usize = arg("--households")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = arg("--data").map_or_else(|| tmp.path().join("store"), PathBuf::from);
    let today = NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
    {
        let store = Store::open(&dir).expect("open");
        let have = store.counts().expect("counts").0 as usize;
        if have < households {
            let villages = (households / 5_000).max(1);
            let t = Instant::now();
            store.demo(1, villages, households, today).expect("demo");
            println!(
                "built {households} households in {villages} villages: {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
        let (h, p, _) = store.counts().expect("counts");
        println!("store: {h} households, {p} persons");
    }

    let out = tmp.path().join("ledger.xlsx");
    let exe = std::env::current_exe().expect("exe");
    let o = Command::new(exe)
        .arg("--child")
        .arg(&dir)
        .arg(&out)
        .output()
        .expect("child");
    let line = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f: Vec<&str> = line.split_whitespace().collect();
    let size = std::fs::metadata(&out).map_or(0, |m| m.len());
    println!(
        "ledger xlsx: {} rows in {} s, peak RSS {} MiB, file {:.1} MiB (goals: ≤ 15 s, ≤ 300 MB)",
        f.first().unwrap_or(&"?"),
        f.get(1).unwrap_or(&"?"),
        f.get(2).unwrap_or(&"?"),
        size as f64 / 1048576.0
    );

    // A released case for the certificate.
    let store = Store::open(&dir).expect("open");
    let person = store.households_page(None, 0, 1).expect("page").1[0]
        .head_person_id
        .clone()
        .expect("head");
    let start = today - Duration::days(30);
    let case = store
        .start_case(&NewCase {
            person_id: person,
            policy: "returnee-monitoring".into(),
            start,
            place: Place::Home,
            site: None,
            origin: None,
            reason: None,
            team: vec![(TeamRole::Cadre, "王干部".into(), Some("13900000011".into()))],
        })
        .expect("case");
    for day in [7, 14] {
        store
            .record_case_test(&case, start + Duration::days(day - 1), TestResult::Negative)
            .expect("test");
    }
    store
        .release_case(&case, Some(start + Duration::days(14)))
        .expect("release");
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let font = gridbook_print::CjkFont::find().expect("CJK font");
    for _ in 0..10 {
        let (pdf, took) = time(|| {
            let font = gridbook_print::CjkFont::find().expect("font");
            let p = store.case_paper(&case).expect("paper");
            gridbook_print::certificate(&p, &font).expect("pdf")
        });
        cold.push((took, pdf.len()));
        let (_, took) = time(|| {
            let p = store.case_paper(&case).expect("paper");
            gridbook_print::certificate(&p, &font).expect("pdf")
        });
        warm.push(took);
    }
    cold.sort();
    warm.sort();
    println!(
        "certificate PDF ({} bytes, font {}): median {:.0} ms with font loading, {:.0} ms with \
         the font loaded (goal ≤ 300 ms)",
        cold[0].1,
        font.path().display(),
        cold[5].0.as_secs_f64() * 1000.0,
        warm[5].as_secs_f64() * 1000.0
    );
}
