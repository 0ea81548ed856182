//! Part 6 of bench-sync: a season of checkpoint days. Every village has two checkpoints with
//! one entries document per day; a township device and a village device sync the season once,
//! then reconnect with nothing changed. Finished days travel in the index as one digest per
//! village and month; the figures show what a reconnect costs against the index listing every
//! document (computed, not sent).

use super::*;
use gridbook_domain::checkpoint::EntryInput;
use gridbook_store::NewEntry;

/// Size of an index entry listing one document: its id, its length and an 8-byte digest.
fn listed_bytes(ids: &[(String, String)]) -> usize {
    ids.iter().map(|(id, _)| id.len() + 1 + 8).sum()
}

pub(super) fn season(o: &Opts, tmp: &Path) -> Res<()> {
    let (villages, days) = (o.season_villages, o.season_days);
    println!(
        "\n## 6. a season of checkpoint days: {villages} villages × 2 checkpoints × {days} days, then reconnect with nothing changed"
    );
    let rdir = tmp.join("relay-season");
    let store = build_relay_store(&rdir, o.seed, villages, villages * 10)?;
    let end = store.now_local();
    let (made, d) = time(|| -> Res<usize> {
        let mut n = 0;
        for (v, village) in store.villages()?.iter().enumerate() {
            for c in 0..2 {
                let cp = store.add_checkpoint(&village.id, &format!("卡口{c}"), None)?;
                for day in 0..days {
                    let input = EntryInput {
                        at: end - chrono::Duration::days((days - 1 - day) as i64),
                        direction: "in".to_owned(),
                        name: "访客".to_owned(),
                        id_number: gridbook_tests::mainland_id(
                            (v * 10_000 + c * 1000 + day) as u64,
                        ),
                        temperature: "36.5".to_owned(),
                        health_code: "green".to_owned(),
                        ..EntryInput::default()
                    };
                    store.add_entry(&NewEntry {
                        checkpoint: cp.clone(),
                        input,
                        ..NewEntry::default()
                    })?;
                    n += 1;
                }
            }
        }
        Ok(n)
    });
    let made = made?;
    let docs = store.doc_heads()?;
    println!(
        "(setup) {made} entries in {} documents at the relay, made in {:.1} s",
        docs.len(),
        d.as_secs_f64()
    );
    let first_village = store
        .villages()?
        .first()
        .map(|v| v.id.clone())
        .unwrap_or_default();
    let relay = InProcRelay::start(&rdir, store)?;

    let first_sync = |label: &str, dev: &Store| -> Res<()> {
        let cpu0 = self_cpu();
        let (stats, d) = time(|| sync(dev));
        print_stats(label, &stats?, d, self_cpu() - cpu0);
        Ok(())
    };
    let t = relay.device(&tmp.join("dev-season-township"), "township", None)?;
    first_sync("township device, first sync", &t)?;
    let v = relay.device(
        &tmp.join("dev-season-village"),
        "grid-worker",
        Some(&first_village),
    )?;
    first_sync("village device, first sync", &v)?;

    for (label, dev) in [("township device", &t), ("village device", &v)] {
        let heads = dev.doc_heads()?;
        let index =
            gridbook_sync::index::device_index(&heads, &Default::default(), &Default::default());
        println!(
            "{label}: {} documents listed as {} index entries; listing every document would take {} before compression",
            heads.len(),
            index.len(),
            kib(listed_bytes(&heads))
        );
        reconnect(&format!("{label} ({} documents)", heads.len()), &relay, dev)?;
    }
    Ok(())
}
