//! Daily reports (日报告 / 零报告): submitting a unit's report, the day's figures counted from
//! the projections, and the reads (status, roll-up, texts).

pub mod figures;
pub mod project;
pub mod read;
pub mod submit;
