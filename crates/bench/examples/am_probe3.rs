//! Probe: does the cost per op grow with the document?
use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT};
use std::time::Instant;

fn main() {
    for n in [1000u32, 3000, 10000, 30000] {
        let mut doc = Automerge::new();
        let t = Instant::now();
        let mut tx = doc.transaction();
        for i in 0..n {
            tx.put(ROOT, format!("k{:08x}", i.wrapping_mul(2654435761)), "v")
                .unwrap();
        }
        tx.commit();
        println!(
            "{n} root puts: {:?} = {:.1} us/op",
            t.elapsed(),
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    }
}
