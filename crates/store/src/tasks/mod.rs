//! 核查任务: lists pushed from above (公安、卫健 …) become verification tasks.
//!
//! The township imports a list; every row is matched to the ledger (ID number, else phone,
//! else name within the village the row names) and becomes a `task` record in the village's
//! `tasks:<village>` document, due within the hours the township gives. Rows that match no
//! village stay on the township's own list (`tasks:<township>`). The village's grid workers
//! answer in `answers:<village>`: each answer is an `answer` record (an append-only event: two
//! devices answering offline both keep theirs, the latest counts), so a grid worker's device
//! never writes a task and the relay's per-document rules keep it so (see
//! [`crate::DocKind::Tasks`]).
//!
//! A task's id is derived from the list's source and the person's ID number (or, without a
//! usable one, the row's name, phone and number as written): importing the same list twice
//! adds nothing.
//!
//! A row of the township's list can be handed to a village afterwards ([`assign`]): it then
//! becomes that village's task like any other.

pub(crate) mod answer;
pub(crate) mod assign;
pub(crate) mod import;
pub(crate) mod project;
pub(crate) mod read;
#[cfg(test)]
mod tests;
