//! The township's grid document (`grid:<township>`): the township, villages and groups. The
//! other records it holds (isolation policies, checkpoint rules, report deadlines) are written
//! by their features' folders.

pub(crate) mod in_group;
pub mod lock_idle;
pub mod names;
pub mod township;
pub mod villages;
