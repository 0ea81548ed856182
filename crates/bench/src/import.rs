//! bench-import: importing a township's 一户一档 roster.
//!
//! Writes a file of `--households` households of four persons (default 100k, 400k persons)
//! spread over `--villages` villages, then times planning and importing it into an empty
//! store, and the same file again (nothing to change). Goals: ≤ 30 s per format, ≤ 10 s for
//! the re-run. Each format runs in a child process so that its peak RSS is its own.
//! Baseline (same run, same process): reading every row of the same file alone
//! (`gridbook_import::read::visit_rows`, the reader the import uses), nothing planned or
//! written.
//!
//! `bench-import [--households N] [--villages N] [--format csv|xlsx] [--batch N]` (both
//! formats when absent; `--batch`, households per transaction, defaults to the import's).
//! The files are written by the parent process; each import runs in a child of its own.

use std::path::Path;
use std::process::Command;

use gridbook_bench::{
    arg, footer, header, met, peak_rss_mib, process_cpu, time, time_sched, written_bytes,
};
use gridbook_import::{execute, plan_file, Options, BATCH};
use gridbook_store::Store;
use gridbook_tests::mainland_id;

const HEADER: [&str; 9] = [
    "村（社区）",
    "组",
    "户号",
    "户主姓名",
    "与户主关系",
    "姓名",
    "公民身份号码",
    "联系电话",
    "现住址",
];
const GROUPS: [&str; 5] = ["一组", "二组", "三组", "四组", "五组"];

fn cjk(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| {
            "零一二三四五六七八九"
                .chars()
                .nth(d.to_digit(10).unwrap_or(0) as usize)
                .unwrap_or('零')
        })
        .collect()
}

/// The rows of the roster, village by village as townships keep them.
fn rows(households: usize, villages: usize) -> impl Iterator<Item = [String; 9]> {
    let rel = ["户主", "配偶", "子女", "子女"];
    let surnames = ["赵", "钱", "孙", "李"];
    (0..households).flat_map(move |h| {
        let village = format!("村{}", cjk(h * villages / households.max(1)));
        let group = GROUPS[h % GROUPS.len()];
        (0..4).map(move |p| {
            let n = (h * 4 + p) as u64;
            [
                village.clone(),
                group.to_owned(),
                format!("H{h}"),
                format!("赵{}", cjk(h)),
                rel[p].to_owned(),
                format!("{}{}", surnames[p], cjk(h)),
                mainland_id(n),
                if p == 0 {
                    format!("138{:08}", h)
                } else {
                    String::new()
                },
                format!("{village}{group}{h}号"),
            ]
        })
    })
}

fn write_csv(path: &Path, households: usize, villages: usize) -> std::io::Result<()> {
    let mut s = HEADER.join(",");
    s.push('\n');
    for r in rows(households, villages) {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    std::fs::write(path, s)
}

fn write_xlsx(
    path: &Path,
    households: usize,
    villages: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "一户一档台账")?;
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h)?;
    }
    for (i, r) in rows(households, villages).enumerate() {
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32 + 2, c as u16, v)?;
            }
        }
    }
    wb.save(path)?;
    Ok(())
}

/// The child: imports `file` into an empty store of `villages` villages, then again, then
/// reads it alone (the baseline), and prints the figures.
fn run(file: &Path, villages: usize, batch: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("data"))?;
    for v in 0..villages {
        let id = store.add_village(&format!("村{}", cjk(v)))?;
        for g in GROUPS {
            store.add_group(&id, g)?;
        }
    }
    let rss_before = peak_rss_mib();
    let opts = Options::default();
    let (plan, t_plan) = time(|| plan_file(&store, file, &opts));
    let plan = plan?;
    let written_before = written_bytes();
    let cpu_before = process_cpu();
    let (w, t_w) = time_sched(|| execute(&store, &plan, batch, &mut |_| {}));
    let cpu_all = process_cpu().saturating_sub(cpu_before);
    let t_write = t_w.wall;
    let written = (written_bytes() - written_before) as f64 / 1_073_741_824.0;
    let w = w?;
    let rss = peak_rss_mib();
    let refused = plan.summary().refused.len();
    drop(plan);
    let (again, t_again) = time(|| -> Result<usize, gridbook_import::ImportError> {
        let plan = plan_file(&store, file, &opts)?;
        let w = execute(&store, &plan, batch, &mut |_| {})?;
        Ok(w.persons_added + w.persons_updated)
    });
    let again = again?;
    let mut read_rows = 0usize;
    let (read, t_read) = time(|| {
        gridbook_import::read::visit_rows(file, None, &mut |_| {
            read_rows += 1;
            Ok(())
        })
    });
    read?;
    println!(
        "households {}  persons {}  refused rows {refused}",
        w.households_added, w.persons_added
    );
    let import = (t_plan + t_write).as_secs_f64();
    println!(
        "import {import:.1} s (plan {:.1} s + write {:.1} s), goal ≤ 30 s: {}",
        t_plan.as_secs_f64(),
        t_write.as_secs_f64(),
        met(import <= 30.0)
    );
    println!(
        "write: {:.1} s on the CPUs (all threads; the calling thread {:.1} s), it waited {:.1} s for one, {written:.2} GiB written to disk",
        cpu_all.as_secs_f64(),
        t_w.cpu.as_secs_f64(),
        t_w.queued.as_secs_f64()
    );
    println!("peak RSS {rss:.0} MiB (store opened: {rss_before:.0} MiB)");
    println!(
        "same file again: {:.1} s, {again} changes, goal ≤ 10 s: {}",
        t_again.as_secs_f64(),
        met(t_again.as_secs_f64() <= 10.0)
    );
    println!(
        "baseline (same run): reading the file's {read_rows} rows alone (visit_rows) {:.1} s; ratio import / read {:.1}",
        t_read.as_secs_f64(),
        import / t_read.as_secs_f64().max(1e-9)
    );
    footer();
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let households: usize = arg("--households", 100_000);
    let villages: usize = arg("--villages", 20);
    let format: String = arg("--format", String::new());
    let file: String = arg("--file", String::new());
    if !file.is_empty() {
        return run(Path::new(&file), villages, arg("--batch", BATCH));
    }
    header("bench-import");
    println!("parameters: {households} households (4 persons each) in {villages} villages");
    let dir = tempfile::tempdir()?;
    let formats: Vec<&str> = if format.is_empty() {
        vec!["csv", "xlsx"]
    } else {
        vec![format.as_str()]
    };
    for f in formats {
        // The file is written here, the import runs in a child: its peak RSS is the import's.
        let file = dir.path().join(format!("roster.{f}"));
        let (written, t_file) = time(|| match f {
            "xlsx" => write_xlsx(&file, households, villages),
            _ => write_csv(&file, households, villages).map_err(Into::into),
        });
        written?;
        let size = std::fs::metadata(&file)?.len() as f64 / 1_048_576.0;
        println!(
            "\n## {f} ({size:.1} MiB, written in {:.1} s by the parent process)",
            t_file.as_secs_f64()
        );
        let status = Command::new(std::env::current_exe()?)
            .args(["--villages", &villages.to_string()])
            .args(["--batch", &arg("--batch", BATCH).to_string()])
            .arg("--file")
            .arg(&file)
            .status()?;
        if !status.success() {
            return Err(format!("{f} run failed: {status}").into());
        }
        std::fs::remove_file(&file)?;
    }
    Ok(())
}
