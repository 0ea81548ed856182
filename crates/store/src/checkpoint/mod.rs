//! Checkpoints (卡口): the village's checkpoints, shifts and temporary passes, and the entries
//! of each checkpoint and day. The checkpoints document keeps the id prefix `gate:` it was first
//! shipped with.

pub mod entries;
pub mod passes;
#[cfg(test)]
mod preview_tests;
pub mod project;
pub(crate) mod resident;
pub mod rules;
pub mod sites;
