//! What the township reads across villages: the overview, the rows of exports and what the
//! printouts of a case need.

pub mod export_log;
pub mod export_registers;
pub mod export_rows;
pub mod lists_shown;
pub mod overview;
mod overview_people;
pub mod papers;
pub mod reveal;
pub mod shown;
pub mod unit_lists;
