//! Probe: how Automerge's cost per household grows with document size.
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ObjType, ReadDoc, ROOT};
use std::time::Instant;

fn main() {
    let batch: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let check: bool = std::env::args().nth(2).is_some();
    let mut doc = Automerge::new();
    let t0 = Instant::now();
    let mut tx = doc.transaction();
    let mut last = Instant::now();
    for h in 0..2000u32 {
        for r in 0..15u32 {
            let key = format!("{:08x}-{h:06}-{r:04}", (h.wrapping_mul(2654435761)) ^ r);
            if check {
                let _ = tx.get(ROOT, key.as_str());
            }
            let obj = tx.put_object(ROOT, key.as_str(), ObjType::Map).unwrap();
            for f in 0..8 {
                tx.put(&obj, format!("f{f}"), format!("value {h} {r} {f}"))
                    .unwrap();
            }
        }
        if (h as usize + 1) % batch == 0 {
            tx.commit_with(CommitOptions::default().with_message("m".to_string()));
            tx = doc.transaction();
        }
        if (h + 1) % 500 == 0 {
            println!("{} households: last 500 took {:?}", h + 1, last.elapsed());
            last = Instant::now();
        }
    }
    tx.commit();
    println!(
        "batch {batch} check {check}: total {:?}, save {} bytes",
        t0.elapsed(),
        doc.save().len()
    );
}
