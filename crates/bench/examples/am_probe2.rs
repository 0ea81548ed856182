//! Probe: cost per op for different shapes.
use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ROOT};
use std::time::Instant;

fn main() {
    // A: 30k puts into the root map.
    let mut doc = Automerge::new();
    let t = Instant::now();
    let mut tx = doc.transaction();
    for i in 0..30000u32 {
        tx.put(ROOT, format!("k{:08x}", i.wrapping_mul(2654435761)), "v")
            .unwrap();
    }
    tx.commit();
    println!("A 30k root puts: {:?}", t.elapsed());
    // B: 3000 objects with 10 fields each.
    let mut doc = Automerge::new();
    let t = Instant::now();
    let mut tx = doc.transaction();
    for i in 0..3000u32 {
        let o = tx
            .put_object(
                ROOT,
                format!("k{:08x}", i.wrapping_mul(2654435761)),
                ObjType::Map,
            )
            .unwrap();
        for f in 0..9 {
            tx.put(&o, format!("f{f}"), "v").unwrap();
        }
    }
    tx.commit();
    println!("B 3k objects x 9 fields: {:?}", t.elapsed());
    // C: sequential keys
    let mut doc = Automerge::new();
    let t = Instant::now();
    let mut tx = doc.transaction();
    for i in 0..30000u32 {
        tx.put(ROOT, format!("k{i:08}"), "v").unwrap();
    }
    tx.commit();
    println!("C 30k sequential root puts: {:?}", t.elapsed());
    // D: AutoCommit
    let mut doc = automerge::AutoCommit::new();
    let t = Instant::now();
    for i in 0..30000u32 {
        doc.put(ROOT, format!("k{:08x}", i.wrapping_mul(2654435761)), "v")
            .unwrap();
    }
    doc.commit();
    println!("D autocommit 30k root puts: {:?}", t.elapsed());
}
