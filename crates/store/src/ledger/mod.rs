//! The household ledger (一户一档): villages, groups, households and persons, their edits,
//! person search and the bulk writes of a roster import.

pub mod distinct;
pub mod duplicates;
pub mod edit;
pub(crate) mod household_rows;
pub mod households;
pub mod import;
mod import_village;
pub mod merge;
pub mod merge_check;
pub(crate) mod person_rows;
pub mod read;
pub mod search;

#[cfg(test)]
mod distinct_tests;
#[cfg(test)]
mod merge_tests;
