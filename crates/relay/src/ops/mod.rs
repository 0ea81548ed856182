//! Running a relay: logs, metrics and health on an admin address, backups while serving, and
//! a relay rebuilt from a township device.

pub mod admin;
pub mod backup;
pub mod log;
pub mod metrics;
