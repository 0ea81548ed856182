//! What the township reads across villages: the overview, the rows of exports and what the
//! printouts of a case need.

pub mod export_log;
pub mod export_registers;
pub mod export_rows;
pub mod overview;
pub mod papers;
pub mod reveal;
pub mod shown;
