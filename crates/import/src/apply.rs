//! Writing a plan: households in batches, each batch one transaction, with progress.

use gridbook_store::import::ImportWritten;
use gridbook_store::Store;

use crate::error::Result;
use crate::plan::Plan;

/// Households (or filled persons) per transaction. A killed import leaves whole batches; big
/// enough that the per-transaction cost is spread thin: one chunk per village document, and
/// the index pages a commit writes (persons, search terms and ID numbers are keyed at random,
/// so each batch rewrites pages all over those indexes; 2,000 households a batch wrote a
/// quarter of the bytes that 500 did, bench-import).
pub const BATCH: usize = 2000;

/// How far an import got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Households and filled persons written so far.
    pub done: usize,
    /// All of them.
    pub total: usize,
}

/// Writes the plan in batches of [`BATCH`], calling `progress` after each committed batch.
/// Running the same file again plans nothing new, so an import killed half-way and run again
/// finishes the job without duplicates.
pub fn execute(
    store: &Store,
    plan: &Plan,
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportWritten> {
    let batch = batch.max(1);
    let total = plan.households.len() + plan.fills.len();
    let mut done = 0;
    let mut sum = ImportWritten::default();
    let mut add = |w: ImportWritten| {
        sum.households_added += w.households_added;
        sum.persons_added += w.persons_added;
        sum.persons_updated += w.persons_updated;
        sum.persons_skipped += w.persons_skipped;
    };
    for chunk in plan.households.chunks(batch) {
        add(store.import_write(chunk, &[])?);
        done += chunk.len();
        progress(Progress { done, total });
    }
    for chunk in plan.fills.chunks(batch) {
        add(store.import_write(&[], chunk)?);
        done += chunk.len();
        progress(Progress { done, total });
    }
    Ok(sum)
}
