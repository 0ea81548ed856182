//! bench-app: the app as a user meets it, under Xvfb through WebKitWebDriver.
//!
//! 1. Cold start: a new app process on a device store until the first household rows are on
//!    the screen, for an empty store (the baseline), one village and a township of
//!    `--households` households (default 100k, goal ≤ 1.5 s). Measured from the WebDriver
//!    session request (the driver starts the app) to the moment the rows are in the page; the
//!    page's own clock (`performance.now()`) is shown beside it. The OS file cache is warm
//!    (a second start of the app, not a first boot of the tablet).
//! 2. Search as you type on the large store: names, pinyin initials, ID and phone tails taken
//!    from the store, typed key by key 80 ms apart; the time from the last key to the results
//!    on screen, with the UI's 150 ms pause after typing inside it.
//! 3. Memory with one village (goal ≤ 150 MB): resident set of the app process, and of the app
//!    with its WebKit web and network processes.
//!
//! Stores are made once with the demo township and kept in `--dir` (default
//! `target/bench-app`). The app binary is the `gridbook-app` next to this one (`cargo build
//! --release -p gridbook-bench -p gridbook-app`) or `--app PATH`.
//!
//! `bench-app [--households N] [--runs N] [--dir DIR] [--app PATH]`

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Local;
use gridbook_bench::{arg, pct, time, SplitMix64};
use gridbook_store::Store;
use gridbook_tests::webdriver::{App, Display};
use serde_json::{json, Value};

type Res<T> = Result<T, Box<dyn Error>>;

fn main() -> Res<()> {
    let households: usize = arg("--households", 100_000);
    let runs: usize = arg("--runs", 5);
    let dir = PathBuf::from(arg("--dir", "target/bench-app".to_owned()));
    let app_bin = PathBuf::from(arg(
        "--app",
        std::env::current_exe()?
            .with_file_name("gridbook-app")
            .display()
            .to_string(),
    ));
    if !app_bin.exists() {
        return Err(format!(
            "{} is missing: cargo build --release -p gridbook-bench -p gridbook-app",
            app_bin.display()
        )
        .into());
    }
    println!(
        "bench-app {} · app {} · {} runs",
        Local::now().format("%Y-%m-%d %H:%M"),
        app_bin.display(),
        runs
    );

    let empty = prepare(&dir.join("empty"), 0, 0)?;
    let village = prepare(&dir.join("village"), 1, 1000)?;
    let township = prepare(&dir.join(format!("township-{households}")), 20, households)?;

    let display = Display::start();
    println!(
        "\n1. Cold start to the first household rows (wall ms from the session request; page ms)"
    );
    let mut baseline = 0.0;
    for (label, data) in [
        ("empty store", &empty),
        ("one village", &village),
        ("township", &township),
    ] {
        let mut wall = Vec::new();
        let mut page = Vec::new();
        for _ in 0..runs {
            let (w, p) = cold_start(&display, &app_bin, data)?;
            wall.push(w);
            page.push(p);
        }
        let (w50, w_max) = (pct(&mut wall, 50.0), pct(&mut wall, 100.0));
        page.sort_by(f64::total_cmp);
        let p50 = page[page.len() / 2];
        if baseline == 0.0 {
            baseline = w50;
        }
        println!(
            "   {label:<12} {:>7} persons  wall p50 {w50:7.0} ms  max {w_max:7.0} ms  page p50 {p50:6.0} ms  ratio to empty {:.2}",
            persons(data)?,
            w50 / baseline
        );
    }

    println!("\n2. Search as you type on the township store (last key → results on screen)");
    search_latency(&display, &app_bin, &township)?;

    println!(
        "\n3. Memory after the list, a search and a household: empty store (baseline), one village"
    );
    memory(&display, &app_bin, &empty)?;
    memory(&display, &app_bin, &village)?;
    Ok(())
}

/// A device store with the demo township, made once.
fn prepare(dir: &Path, villages: usize, households: usize) -> Res<PathBuf> {
    let ready = dir.join("ready");
    if !ready.exists() {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir)?;
        if households > 0 {
            let store = Store::open(dir)?;
            let (_, took) = time(|| store.demo(1, villages, households, Local::now().date_naive()));
            println!(
                "   made {} ({households} households) in {:.0} s",
                dir.display(),
                took.as_secs_f64()
            );
        }
        std::fs::write(&ready, "")?;
    }
    // Opening migrates a store made by an older build, outside the measured starts.
    Store::open(dir)?;
    Ok(dir.to_owned())
}

fn persons(dir: &Path) -> Res<i64> {
    Ok(Store::open(dir)?.counts()?.1)
}

/// Starts the app on `data` and waits for household rows: (wall ms, page ms).
fn cold_start(display: &Display, app_bin: &Path, data: &Path) -> Res<(Duration, f64)> {
    let t0 = Instant::now();
    let app = App::start(display, app_bin, &[("GRIDBOOK_DATA", data)]);
    let deadline = t0 + Duration::from_secs(60);
    loop {
        let v = app.script(
            "if (location.hash !== '#/households') location.hash = '#/households';
             const rows = document.querySelectorAll('[data-test=\"household-row\"]').length;
             const empty = document.querySelector('[data-test=\"households-pane\"] .van-empty');
             return (rows > 0 || empty) ? performance.now() : null;",
            json!([]),
        );
        if let Some(page) = v.as_f64() {
            return Ok((t0.elapsed(), page));
        }
        if Instant::now() > deadline {
            return Err("no household rows within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Queries a grid worker types, taken from the store: whole names, first two characters of a
/// name, pinyin initials, the last 6 of an ID number, the last 4 of a phone.
fn sample_queries(data: &Path) -> Res<Vec<(&'static str, String)>> {
    let conn = rusqlite::Connection::open(data.join(gridbook_store::DB_FILE))?;
    let mut st = conn.prepare(
        "SELECT name, id_number, coalesce(phone, '') FROM persons WHERE deleted = 0 ORDER BY rowid",
    )?;
    let rows: Vec<(String, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut rng = SplitMix64(7);
    let mut out = Vec::new();
    for _ in 0..6 {
        let (name, id, phone) = &rows[rng.below(rows.len() as u64) as usize];
        out.push(("name", name.clone()));
        out.push(("name part", name.chars().take(2).collect()));
        if let Some(initials) = gridbook_domain::pinyin::initials(name).into_iter().next() {
            out.push(("pinyin", initials));
        }
        out.push((
            "ID tail",
            id.chars()
                .rev()
                .take(6)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect(),
        ));
        if phone.len() >= 4 {
            out.push(("phone tail", phone[phone.len() - 4..].to_owned()));
        }
    }
    Ok(out)
}

/// Types `query` key by key into the search box and returns (ms from the last key to the
/// results on screen, number of hits shown).
const TYPE_AND_WAIT: &str = r#"
const [query, gap] = arguments;
return (async () => {
  const input = document.querySelector('[data-test="search"] input');
  const set = (v) => { input.value = v; input.dispatchEvent(new Event('input', { bubbles: true })); };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  set('');
  await sleep(300);
  const keys = Array.from(query);
  for (let i = 1; i <= keys.length; i++) {
    set(keys.slice(0, i).join(''));
    if (i < keys.length) await sleep(gap);
  }
  const t0 = performance.now();
  return await new Promise((resolve) => {
    const tick = () => {
      const pane = document.querySelector('[data-test="search-results"]');
      const done = pane && !pane.querySelector('.van-loading')
        && (pane.querySelector('[data-test="search-hit"]') || pane.querySelector('.van-empty'));
      if (done) {
        requestAnimationFrame(() => resolve([performance.now() - t0,
          pane.querySelectorAll('[data-test="search-hit"]').length]));
      } else {
        requestAnimationFrame(tick);
      }
    };
    tick();
  });
})();
"#;

fn search_latency(display: &Display, app_bin: &Path, data: &Path) -> Res<()> {
    let queries = sample_queries(data)?;
    let app = App::start(display, app_bin, &[("GRIDBOOK_DATA", data)]);
    app.script("location.hash = '#/households';", json!([]));
    app.wait("[data-test=\"search\"] input");
    let mut by_kind: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut all = Vec::new();
    for (kind, q) in &queries {
        let v: Value = app.script(TYPE_AND_WAIT, json!([q, 80]));
        let ms = v[0].as_f64().ok_or("no timing from the page")?;
        let hits = v[1].as_u64().unwrap_or(0);
        if hits == 0 {
            return Err(format!("{kind} {q:?} found nobody").into());
        }
        let d = Duration::from_secs_f64(ms / 1000.0);
        all.push(d);
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(d),
            None => by_kind.push((kind, vec![d])),
        }
    }
    for (kind, mut v) in by_kind {
        println!(
            "   {kind:<10} n={}  p50 {:6.0} ms  max {:6.0} ms",
            v.len(),
            pct(&mut v, 50.0),
            pct(&mut v, 100.0)
        );
    }
    println!(
        "   all        n={}  p50 {:6.0} ms  p95 {:6.0} ms  (150 ms of it is the pause after typing)",
        all.len(),
        pct(&mut all, 50.0),
        pct(&mut all, 95.0)
    );
    Ok(())
}

fn memory(display: &Display, app_bin: &Path, data: &Path) -> Res<()> {
    let app = App::start(display, app_bin, &[("GRIDBOOK_DATA", data)]);
    app.script("location.hash = '#/households';", json!([]));
    let people = persons(data)?;
    println!("   {people} persons on the device");
    if people > 0 {
        app.wait("[data-test=\"household-row\"]");
        let input = app.wait("[data-test=\"search\"] input");
        let (_, name) = sample_queries(data)?.swap_remove(0);
        app.type_into(&input, &name);
        let hit = app.wait("[data-test=\"search-hit\"]");
        app.click(&hit);
        app.wait("[data-test=\"person-card\"]");
    } else {
        app.wait("[data-test=\"households-pane\"]");
    }
    std::thread::sleep(Duration::from_secs(2));
    let procs = descendants(app.driver_pid());
    let (mut app_rss, mut app_pss, mut total_rss, mut total_pss) = (0.0, 0.0, 0.0, 0.0);
    for (pid, name) in &procs {
        let (rss, pss, private) = (
            kib(*pid, "status", "VmRSS:"),
            kib(*pid, "smaps_rollup", "Pss:"),
            kib(*pid, "smaps_rollup", "Private_Dirty:"),
        );
        if name == "gridbook-app" {
            app_rss += rss;
            app_pss += pss;
        }
        if name != "WebKitWebDriver" {
            total_rss += rss;
            total_pss += pss;
        }
        println!(
            "   {name:<16} RSS {rss:6.1} MiB  PSS {pss:6.1} MiB  private dirty {private:6.1} MiB"
        );
    }
    println!(
        "   app process: RSS {app_rss:.1} MiB (PSS {app_pss:.1}); with its WebKit processes: RSS {total_rss:.1} MiB (PSS {total_pss:.1}); goal ≤ 150 MB"
    );
    for (pid, name) in procs.iter().filter(|(_, n)| n == "gridbook-app") {
        let groups = rss_by_group(*pid);
        let line: Vec<String> = groups
            .iter()
            .map(|(g, mib)| format!("{g} {mib:.1}"))
            .collect();
        println!("   {name} RSS by mapping (MiB): {}", line.join(", "));
        let gl: f64 = groups
            .iter()
            .filter(|(g, _)| *g == GL_GROUP)
            .map(|(_, m)| m)
            .sum();
        println!(
            "   {name} RSS without the {GL_GROUP}: {:.1} MiB",
            groups.iter().map(|(_, m)| m).sum::<f64>() - gl
        );
    }
    Ok(())
}

/// The mappings of Mesa's software OpenGL (llvmpipe): what a machine with no GPU driver maps
/// into the UI process for WebKit's EGL display.
const GL_GROUP: &str = "software OpenGL (Mesa llvmpipe, libLLVM)";

/// Resident memory of a process by what is mapped: the software GL stack, WebKit and its
/// JavaScript engine, the app binary, heap and anonymous memory, other libraries.
fn rss_by_group(pid: u32) -> Vec<(&'static str, f64)> {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return Vec::new();
    };
    let group = |path: &str| -> &'static str {
        let file = path.rsplit('/').next().unwrap_or(path);
        if path.contains("/dri/")
            || [
                "libLLVM",
                "libGL",
                "libEGL",
                "libgbm",
                "libdrm",
                "libz3",
                "libxcb-dri",
            ]
            .iter()
            .any(|p| file.starts_with(p))
        {
            GL_GROUP
        } else if file.starts_with("libwebkit") || file.starts_with("libjavascriptcore") {
            "WebKit + JavaScriptCore"
        } else if file == "gridbook-app" {
            "gridbook-app binary"
        } else if path.is_empty() || path.starts_with('[') {
            "heap and anonymous"
        } else {
            "other libraries and files"
        }
    };
    let mut totals: Vec<(&'static str, f64)> = Vec::new();
    let mut current = "heap and anonymous";
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // address perms offset dev inode [path]
            current = group(words.nth(4).unwrap_or(""));
        } else if first == "Rss:" {
            let kib: f64 = words.next().and_then(|k| k.parse().ok()).unwrap_or(0.0);
            match totals.iter_mut().find(|(g, _)| *g == current) {
                Some((_, t)) => *t += kib / 1024.0,
                None => totals.push((current, kib / 1024.0)),
            }
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1));
    totals
}

/// `pid` and every process below it: (pid, command name).
fn descendants(root: u32) -> Vec<(u32, String)> {
    let mut parent = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_owned();
        let ppid: Option<u32> = stat[close + 2..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            parent.push((pid, ppid, comm));
        }
    }
    let mut out: Vec<(u32, String)> = parent
        .iter()
        .filter(|(p, _, _)| *p == root)
        .map(|(p, _, c)| (*p, c.clone()))
        .collect();
    let mut i = 0;
    while i < out.len() {
        let me = out[i].0;
        for (p, pp, c) in &parent {
            if *pp == me && !out.iter().any(|(x, _)| x == p) {
                out.push((*p, c.clone()));
            }
        }
        i += 1;
    }
    out
}

/// A `key: N kB` figure of `/proc/<pid>/<file>`, in MiB.
fn kib(pid: u32, file: &str, key: &str) -> f64 {
    gridbook_bench::relay_proc::proc_kib(pid, file, key)
}
