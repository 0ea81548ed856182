//! Parts 1–4 of bench-sync: one device against a relay in this process. The first sync of a
//! village onto a grid-worker device and of a township onto a township device (with the JSON
//! and Automerge-only baselines), a reconnect with nothing changed, and one edit from device A
//! to device B.

use super::*;

/// The households of `village` (or all) with their residents, as JSON, and zstd level 3 of it.
fn json_baseline(store: &Store, village: Option<&str>) -> Res<(usize, usize, Duration)> {
    let rows = store.households(village)?;
    let details = rows
        .iter()
        .map(|h| store.household(&h.id))
        .collect::<Result<Vec<_>, _>>()?;
    let json = serde_json::to_vec(&details)?;
    let (z, dz) = time(|| zstd::encode_all(&json[..], 3));
    Ok((json.len(), z?.len(), dz))
}

// ---------------------------------------------------------------------------------------------
// 1. Village.

pub(super) struct VillageRun {
    pub(super) relay: InProcRelay,
    village: String,
    pub(super) a: Store,
    persons: Vec<String>,
    tmp: PathBuf,
}

pub(super) fn village(o: &Opts, tmp: &Path) -> Res<VillageRun> {
    println!(
        "\n## 1. first sync of one village ({} households) onto an empty grid-worker device (goal ≤ 3 s, ≤ 2× zstd JSON)",
        o.households
    );
    let rdir = tmp.join("relay-village");
    let store = build_relay_store(&rdir, o.seed, 1, o.households)?;
    let v = store.villages()?.first().ok_or("no village")?.clone();
    let relay = InProcRelay::start(&rdir, store)?;
    let a = relay.device(&tmp.join("dev-a"), "grid-worker", Some(&v.id))?;
    let cpu0 = self_cpu();
    let (stats, d) = time(|| sync(&a));
    let cpu = self_cpu() - cpu0;
    let stats = stats?;
    print_stats("first sync", &stats, d, cpu);
    let got = a.households(Some(&v.id))?.len();
    println!(
        "device now holds {got} households ({} at the relay), {} persons",
        v.households, v.persons
    );
    let (json, z, dz) = json_baseline(&relay.store, Some(&v.id))?;
    let ratio = stats.bytes_received as f64 / z as f64;
    println!(
        "baseline: JSON of the households with residents {}  zstd-3 {} (compressed in {:.0} ms)",
        kib(json),
        kib(z),
        dz.as_secs_f64() * 1000.0
    );
    println!(
        "bytes received / zstd JSON      {ratio:.2}×   (sync bytes / raw JSON {:.2}×)",
        stats.bytes_received as f64 / json as f64
    );
    let today = relay.store.now_local().date();
    let am = automerge_sizes(o.seed, o.households, today);
    println!(
        "for reference, Automerge alone on the same document: save() {} ({:.2}× zstd JSON; zstd-3 of it {}); Automerge::load of it {:.0} ms",
        kib(am.saved),
        am.saved as f64 / z as f64,
        kib(am.saved_zstd),
        am.load.as_secs_f64() * 1000.0
    );
    println!(
        "  records touched by one one-field change, as the store finds them for a received message: {:.2} ms; Automerge::diff across the same change {:.1} ms ({:.0}× the store's way)",
        am.touched_one.as_secs_f64() * 1000.0,
        am.diff_one.as_secs_f64() * 1000.0,
        am.diff_one.as_secs_f64() / am.touched_one.as_secs_f64().max(1e-9)
    );
    println!(
        "  its {} changes: {} raw, of which audit messages {} (zstd-3 of the messages alone {})",
        am.changes,
        kib(am.raw),
        kib(am.messages),
        kib(am.messages_zstd)
    );
    println!(
        "goal ≤ 3 s: {}   goal ≤ 2×: {}",
        goal(d.as_secs_f64() <= 3.0),
        goal(ratio <= 2.0)
    );
    let persons = relay
        .store
        .households(Some(&v.id))?
        .iter()
        .map(|h| relay.store.household(&h.id).map(|d| d.residents))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .map(|p| p.id)
        .collect();
    Ok(VillageRun {
        relay,
        village: v.id,
        a,
        persons,
        tmp: tmp.to_path_buf(),
    })
}

/// Figures of the demo village document built by Automerge alone.
#[derive(Default)]
struct AmSizes {
    saved: usize,
    saved_zstd: usize,
    load: Duration,
    changes: usize,
    raw: usize,
    messages: usize,
    messages_zstd: usize,
    /// The store's `touched_records` across one one-field change, and `Automerge::diff`
    /// across the same change (the baseline).
    touched_one: Duration,
    diff_one: Duration,
}

/// The village document of the demo built by Automerge alone (as `bench-records` does): its
/// saved size (and zstd of that), the time to load it, the bytes of its changes and of their
/// audit messages.
fn automerge_sizes(seed: u64, households: usize, today: chrono::NaiveDate) -> AmSizes {
    use gridbook_store::demo::{write_households, DemoReport, Stamp};
    let plan = gridbook_domain::demo::plan(seed, 1, households);
    let hh = gridbook_domain::demo::village_households(seed, &plan, 0, today);
    let mut doc = automerge::Automerge::new();
    let stamp = Stamp {
        device: "设备-abcdef",
        created: "2026-01-01T00:00:00",
        now_ms: 0,
    };
    if write_households(&mut doc, &hh, &stamp, &mut DemoReport::default(), None).is_err() {
        return AmSizes::default();
    }
    let changes = doc.get_changes(&[]);
    let joined: String = changes.iter().filter_map(|c| c.message()).collect();
    let saved = doc.save();
    let (_, load) = time(|| automerge::Automerge::load(&saved));
    // What the store does for every received sync message (find the records it touched),
    // against a diff of the document across it.
    let (touched_one, diff_one) = {
        use automerge::transaction::Transactable;
        use automerge::ReadDoc;
        let before = doc.get_heads();
        let hid = hh
            .first()
            .map(|h| h.household.id.to_string())
            .unwrap_or_default();
        if let Ok(Some((_, obj))) = doc.get(automerge::ROOT, hid.as_str()) {
            let mut tx = doc.transaction();
            let _ = tx.put(&obj, "phone", "13900000000");
            tx.commit();
        }
        let after = doc.get_heads();
        let (_, touched) =
            time(|| gridbook_store::docs::touched_records(&doc, &before, &after).len());
        let (_, diff) = time(|| doc.diff(&before, &after).len());
        (touched, diff)
    };
    AmSizes {
        touched_one,
        diff_one,
        saved: saved.len(),
        saved_zstd: zstd::encode_all(&saved[..], 3).map_or(0, |z| z.len()),
        load,
        changes: changes.len(),
        raw: changes.iter().map(|c| c.raw_bytes().len()).sum(),
        messages: joined.len(),
        messages_zstd: zstd::encode_all(joined.as_bytes(), 3).map_or(0, |z| z.len()),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Township.

pub(super) fn township(o: &Opts, tmp: &Path) -> Res<(InProcRelay, Store)> {
    let total = o.villages * o.households;
    println!(
        "\n## 2. first sync of a township ({} villages, {total} households) onto a township device (goal ≤ 30 s)",
        o.villages
    );
    let rdir = tmp.join("relay-township");
    let store = build_relay_store(&rdir, o.seed, o.villages, total)?;
    let relay = InProcRelay::start(&rdir, store)?;
    let t = relay.device(&tmp.join("dev-township"), "township", None)?;
    let cpu0 = self_cpu();
    let (stats, d) = time(|| sync(&t));
    let cpu = self_cpu() - cpu0;
    let stats = stats?;
    print_stats("first sync", &stats, d, cpu);
    let got = t.households(None)?.len();
    let docs = t.doc_heads()?.len();
    println!("device now holds {got} households in {docs} documents");
    let (json, z, _) = json_baseline(&relay.store, None)?;
    println!(
        "baseline: JSON {}  zstd-3 {}   bytes received / zstd JSON {:.2}×",
        kib(json),
        kib(z),
        stats.bytes_received as f64 / z as f64
    );
    println!("goal ≤ 30 s: {}", goal(d.as_secs_f64() <= 30.0));
    Ok((relay, t))
}

// ---------------------------------------------------------------------------------------------
// 3. Reconnect.

pub(super) fn reconnect(label: &str, relay: &InProcRelay, dev: &Store) -> Res<()> {
    let meter = Meter::start(relay.addr)?;
    dev.set_setting("relay_url", &format!("http://{}", meter.addr))?;
    println!("{label}:");
    for i in 1..=2 {
        meter.reset();
        let (stats, d) = time(|| sync(dev));
        let stats = stats?;
        let body = stats.bytes_sent + stats.bytes_received;
        let wire = (meter.up.load(Ordering::Relaxed) + meter.down.load(Ordering::Relaxed)) as usize;
        println!(
            "  reconnect {i}: rounds {}  bodies {} (sent {}, received {})  on the socket {} in {} connection(s)  {:.1} ms   goal: {}",
            stats.rounds,
            kib(body),
            stats.bytes_sent,
            stats.bytes_received,
            kib(wire),
            meter.conns.load(Ordering::Relaxed),
            d.as_secs_f64() * 1000.0,
            goal(stats.rounds == 1 && wire <= 2048)
        );
    }
    dev.set_setting("relay_url", &relay.url())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. One edit A → B.

pub(super) fn one_edit(o: &Opts, v: &VillageRun) -> Res<()> {
    println!(
        "\n## 4. one edit from device A to device B through the relay ({} edits; goal ≤ 100 ms, ≤ 2 KB)",
        o.edits
    );
    let b = v
        .relay
        .device(&v.tmp.join("dev-b"), "grid-worker", Some(&v.village))?;
    let (s, d) = time(|| sync(&b));
    println!("(setup) device B first sync {:.2} s", d.as_secs_f64());
    s?;
    sync(&v.a)?;
    let mut rng = SplitMix64(o.seed ^ 0x5EED);
    let (mut t_edit, mut t_a, mut t_b, mut t_ab) = (vec![], vec![], vec![], vec![]);
    let (mut b_a, mut b_b, mut b_ab, mut r_a, mut r_b) = (vec![], vec![], vec![], vec![], vec![]);
    let mut wrong = 0;
    let mut cpu_total = 0.0;
    for i in 0..=o.edits {
        let pid = &v.persons[rng.below(v.persons.len() as u64) as usize];
        let phone = format!("139{:08}", rng.below(100_000_000));
        let (r, de) = time(|| v.a.set_person(pid, &[("phone".into(), phone.clone())]));
        r?;
        let cpu0 = self_cpu();
        let (sa, da) = time(|| sync(&v.a));
        let (sb, db) = time(|| sync(&b));
        let cpu = self_cpu() - cpu0;
        let (sa, sb) = (sa?, sb?);
        if b.person(pid)?.phone.as_deref() != Some(phone.as_str()) {
            wrong += 1;
        }
        if i == 0 {
            continue; // warm-up: the first edit loads the documents
        }
        cpu_total += cpu;
        t_edit.push(de);
        t_a.push(da);
        t_b.push(db);
        t_ab.push(da + db);
        let (ba, bb) = (
            sa.bytes_sent + sa.bytes_received,
            sb.bytes_sent + sb.bytes_received,
        );
        b_a.push(ba);
        b_b.push(bb);
        b_ab.push(ba + bb);
        r_a.push(sa.rounds);
        r_b.push(sb.rounds);
    }
    let line =
        |name: &str, t: &mut Vec<Duration>, b: &mut Vec<usize>, r: Option<&mut Vec<usize>>| {
            let rounds = r.map_or(String::new(), |r| {
                format!(
                    "  rounds p50 {} max {}",
                    pct_usize(r, 50.0),
                    pct_usize(r, 100.0)
                )
            });
            println!(
                "{name:<22} p50 {:>7.1} ms  p95 {:>7.1} ms   bytes p50 {:>6}  p95 {:>6}{rounds}",
                pct(t, 50.0),
                pct(t, 95.0),
                pct_usize(b, 50.0),
                pct_usize(b, 95.0)
            );
        };
    println!(
        "local edit (set_person) p50 {:>6.1} ms  p95 {:>6.1} ms",
        pct(&mut t_edit, 50.0),
        pct(&mut t_edit, 95.0)
    );
    line("A sync (push)", &mut t_a, &mut b_a, Some(&mut r_a));
    line("B sync (pull)", &mut t_b, &mut b_b, Some(&mut r_b));
    line("A + B", &mut t_ab, &mut b_ab, None);
    println!(
        "CPU of this process (devices + relay) per edit, A + B syncs: {:.1} ms on average",
        cpu_total * 1000.0 / o.edits.max(1) as f64
    );
    println!(
        "B saw the new phone after its sync: {}/{}",
        o.edits + 1 - wrong,
        o.edits + 1
    );
    let (p95t, p95b) = (pct(&mut t_ab, 95.0), pct_usize(&mut b_ab, 95.0));
    println!(
        "goal ≤ 100 ms (p95 {p95t:.1} ms): {}   goal ≤ 2 KB (p95 {p95b} B): {}",
        goal(p95t <= 100.0),
        goal(p95b <= 2048)
    );
    Ok(())
}
