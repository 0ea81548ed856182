//! Writing a plan: households in batches, each batch one transaction, with progress.

use std::ops::ControlFlow;
use std::path::Path;

use gridbook_store::import::ImportWritten;
use gridbook_store::Store;
use serde::Serialize;

use crate::error::Result;
use crate::plan::{plan_file, township_only, Options, Plan};
use crate::preview::Report;

/// Households (or filled persons) per transaction. A killed import leaves whole batches; big
/// enough that the per-transaction cost is spread thin: one chunk per village document, and
/// the index pages a commit writes (persons, search terms and ID numbers are keyed at random,
/// so each batch rewrites pages all over those indexes; 2,000 households a batch wrote a
/// quarter of the bytes that 500 did, bench-import).
pub const BATCH: usize = 2000;

/// How far an import got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterProgress"))]
pub struct Progress {
    /// Households and filled persons written so far.
    pub done: usize,
    /// All of them.
    pub total: usize,
}

/// What [`execute_until`] wrote, and whether it stopped before the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Executed {
    /// The sum of the batches written.
    pub written: ImportWritten,
    /// Households and filled persons written.
    pub done: usize,
    /// All of them.
    pub total: usize,
    /// Stopped on request after a whole batch, the rest not written.
    pub cancelled: bool,
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
    let run = execute_until(store, plan, batch, &mut |p| {
        progress(p);
        ControlFlow::Continue(())
    })?;
    Ok(run.written)
}

/// [`execute`], stopping after a committed batch when `progress` says so: what was written
/// is whole batches (whole households), and running the file again writes the rest.
pub fn execute_until(
    store: &Store,
    plan: &Plan,
    batch: usize,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Executed> {
    township_only(store)?;
    let batch = batch.max(1);
    let total = plan.households.len() + plan.fills.len();
    let mut run = Executed {
        total,
        ..Executed::default()
    };
    let chunks = plan
        .households
        .chunks(batch)
        .map(|h| (h, &[][..]))
        .chain(plan.fills.chunks(batch).map(|f| (&[][..], f)));
    for (households, fills) in chunks {
        let w = store.import_write(households, fills)?;
        let sum = &mut run.written;
        sum.households_added += w.households_added;
        sum.persons_added += w.persons_added;
        sum.persons_updated += w.persons_updated;
        sum.persons_skipped += w.persons_skipped;
        run.done += households.len() + fills.len();
        let go = progress(Progress {
            done: run.done,
            total,
        });
        if go.is_break() && run.done < total {
            run.cancelled = true;
            break;
        }
    }
    Ok(run)
}

/// The dry run of a file as the import screen shows it (a sheet whose header is not found
/// gives its first rows to choose from).
pub fn check_file(store: &Store, path: &Path, opts: &Options) -> Result<Report> {
    Report::of_result(plan_file(store, path, opts))
}

/// Plans the file and writes it in batches of [`BATCH`], asking `progress` after each
/// committed batch whether to go on; the report says what was written.
pub fn import_file(
    store: &Store,
    path: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report> {
    let plan = plan_file(store, path, opts)?;
    let run = execute_until(store, &plan, BATCH, progress)?;
    let mut report = Report::of(&plan);
    report.summary = report.summary.map(|s| s.written(&run.written));
    report.done = run.done;
    report.cancelled = run.cancelled;
    Ok(report)
}
