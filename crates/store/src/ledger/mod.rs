//! The household ledger (一户一档): villages, groups, households and persons, their edits,
//! person search and the bulk writes of a roster import.

pub mod duplicates;
pub mod edit;
pub mod households;
pub mod import;
pub mod merge;
pub mod read;
pub mod search;

#[cfg(test)]
mod merge_tests;
