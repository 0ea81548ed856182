//! Isolation follow-ups (居家隔离): policies, cases with their checks, tests and referrals, and
//! the control state a checkpoint sees. Stored in the village's isolation document, whose id
//! keeps the prefix `care:` it was first shipped with.

pub mod cases;
pub mod control;
pub mod control_list;
mod control_write;
pub mod detail;
pub mod due;
pub mod project;
pub mod read;
mod release;
