//! Part (c) of bench-province: a quiet reconnect of one village's device as the deployment
//! grows. Townships of `--flat-township` villages (the demo's grid and 3 households a
//! village, built into a SQLite relay's store and moved with `relay migrate --to-postgres`)
//! are added to one database until it holds each size of `--flat`; at each size one relay
//! process (`relay serve` on the database, with `--admin`) is started and the device of a
//! village of the first township reconnects `--reconnects` times with nothing changed. The
//! relay-side time of each reconnect is the growth of the relay's own
//! `gridbook_relay_sync_duration_seconds_sum` over it (scraped from `/metrics` after each);
//! the round time is the device's wall time of the sync call.

use std::path::Path;
use std::time::Duration;

use gridbook_bench::load::LoadDevice;
use gridbook_bench::relay_proc::{http_get, ChildRelay, RelaySetup, Res};
use gridbook_bench::{met, pct};
use gridbook_relay::Devices;
use gridbook_store::Store;
use gridbook_tests::pg::Postgres;

use super::Opts;

/// Households of each village of the deployments.
const HOUSEHOLDS: usize = 3;
/// Syncs before the measured ones: the first after a relay starts is not quiet (the process
/// does not yet remember the heads the device was left at).
const WARM_UP: usize = 5;
/// Flat: the p50 at the largest deployment within this multiple of the smallest's.
const FLAT: f64 = 1.25;

/// One deployment's figures.
struct Row {
    villages: usize,
    townships: usize,
    documents: String,
    relay: Vec<Duration>,
    round: Vec<Duration>,
    max_rounds: usize,
    unmeasured: usize,
}

/// The relay's (sum of sync seconds, syncs counted) from a `/metrics` text.
fn sync_sum(metrics: &str) -> Option<(f64, u64)> {
    let value = |name: &str| {
        metrics
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    Some((
        value("gridbook_relay_sync_duration_seconds_sum")?
            .parse()
            .ok()?,
        value("gridbook_relay_sync_duration_seconds_count")?
            .parse()
            .ok()?,
    ))
}

/// Measures the reconnects at every size; returns the verdict line.
pub(super) fn flat(o: &Opts, tmp: &Path, pg: &Postgres) -> Res<String> {
    println!(
        "\n## (c) quiet reconnect of one village device as the deployment grows: {:?} villages ({} a township, {HOUSEHOLDS} households a village) on PostgreSQL, one relay process, {} reconnects each (goal: flat)",
        o.flat, o.flat_township, o.reconnects
    );
    let url = pg.database();
    let root = tmp.join("flat");
    let mut built = 0; // villages moved in so far
    let mut townships = 0;
    let mut device = None; // (village, token) of the measured device, in township 0
    let mut rows = Vec::new();
    for &size in &o.flat {
        let (r, d) = gridbook_bench::time(|| -> Res<()> {
            while built < size {
                let n = o.flat_township.min(size - built);
                let dir = root.join(format!("township-{townships}"));
                let store = Store::open(&dir)?;
                let today = store.now_local().date();
                store.demo(
                    o.seed ^ 0xF1A7_0000 ^ townships as u64,
                    n,
                    n * HOUSEHOLDS,
                    today,
                )?;
                if device.is_none() {
                    let village = store.villages()?.first().ok_or("no village")?.id.clone();
                    let token = Devices::open(&dir)?
                        .add("flat-0", "grid-worker", Some(&village))?
                        .1;
                    device = Some((village, token));
                }
                drop(store);
                super::setup::migrate(&o.relay_bin, &dir, &url)?;
                built += n;
                townships += 1;
            }
            Ok(())
        });
        r?;
        let documents = pg
            .psql(&url, "SELECT count(*) FROM documents")
            .concat()
            .trim()
            .to_owned();
        println!(
            "(setup) {size} villages in {townships} township{}, {documents} documents in PostgreSQL ({:.1} s to add the new townships)",
            if townships == 1 { "" } else { "s" },
            d.as_secs_f64()
        );
        let (village, token) = device.as_ref().ok_or("no device")?;
        let row = Row {
            villages: size,
            townships,
            documents,
            relay: Vec::new(),
            round: Vec::new(),
            max_rounds: 0,
            unmeasured: 0,
        };
        let row = measure(o, &root, &url, village, token, row)?;
        let (mut relay, mut round) = (row.relay.clone(), row.round.clone());
        println!(
            "  relay-side p50 {:.2} ms  p95 {:.2} ms; round p50 {:.2} ms  p95 {:.2} ms; rounds at most {}; {} reconnects not measured (the relay counted another sync)",
            pct(&mut relay, 50.0),
            pct(&mut relay, 95.0),
            pct(&mut round, 50.0),
            pct(&mut round, 95.0),
            row.max_rounds,
            row.unmeasured
        );
        rows.push(row);
    }
    println!(
        "\nvillages  townships  documents  relay-side p50 / p95 ms  round p50 / p95 ms  rounds"
    );
    for r in &mut rows {
        println!(
            "{:>8}  {:>9}  {:>9}  {:>10.2} / {:<10.2}  {:>7.2} / {:<8.2}  ≤ {}",
            r.villages,
            r.townships,
            r.documents,
            pct(&mut r.relay, 50.0),
            pct(&mut r.relay, 95.0),
            pct(&mut r.round, 50.0),
            pct(&mut r.round, 95.0),
            r.max_rounds
        );
    }
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok("(c) no deployment measured".into());
    };
    let p = |v: &[Duration], q: f64| pct(&mut v.to_vec(), q);
    let ratio50 = p(&last.relay, 50.0) / p(&first.relay, 50.0).max(1e-9);
    let ratio95 = p(&last.relay, 95.0) / p(&first.relay, 95.0).max(1e-9);
    let round50 = p(&last.round, 50.0) / p(&first.round, 50.0).max(1e-9);
    println!(
        "ratio {} / {} villages: relay-side p50 {ratio50:.2}×, p95 {ratio95:.2}×; round p50 {round50:.2}×",
        last.villages, first.villages
    );
    let quiet = rows.iter().all(|r| r.max_rounds == 1);
    Ok(format!(
        "(c) a quiet reconnect's relay-side time stays flat from {} to {} villages (p50 within {FLAT}×, each reconnect 1 round): p50 {ratio50:.2}× (p95 {ratio95:.2}×){}: {}",
        first.villages,
        last.villages,
        if quiet { "" } else { ", a reconnect took more than 1 round" },
        met(ratio50 <= FLAT && quiet)
    ))
}

/// Starts a relay on the database at `url`, opens the device and times its reconnects into
/// `row`.
fn measure(o: &Opts, root: &Path, url: &str, village: &str, token: &str, mut row: Row) -> Res<Row> {
    let relay = ChildRelay::spawn_with(
        &o.relay_bin,
        &root.join("township-0"),
        RelaySetup {
            listen: "127.0.0.1:0",
            admin: true,
            env: vec![
                ("GRIDBOOK_LOG", "warn".to_owned()),
                ("GRIDBOOK_RELAY_POSTGRES", url.to_owned()),
            ],
            stderr: std::process::Stdio::inherit(),
            wrapper: Vec::new(),
        },
    )?;
    let admin = relay.admin.clone().ok_or("relay: no admin address")?;
    let dev = LoadDevice::open(
        root.join(format!("device-{}", row.villages)),
        village,
        std::slice::from_ref(&relay.url),
        0,
        token,
        false,
    )?;
    for _ in 0..WARM_UP {
        dev.sync()?;
    }
    let mut before = sync_sum(&http_get(&admin, "/metrics")?).ok_or("no sync metrics")?;
    for _ in 0..o.reconnects {
        let (stats, d) = gridbook_bench::time(|| dev.sync());
        let stats = stats?;
        let after = sync_sum(&http_get(&admin, "/metrics")?).ok_or("no sync metrics")?;
        row.max_rounds = row.max_rounds.max(stats.rounds);
        if after.1 == before.1 + stats.rounds as u64 {
            row.relay
                .push(Duration::from_secs_f64((after.0 - before.0).max(0.0)));
            row.round.push(d);
        } else {
            row.unmeasured += 1;
        }
        before = after;
    }
    relay.stop();
    Ok(row)
}
