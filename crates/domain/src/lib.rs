//! gridbook-domain: the pure types and rules of gridbook.
//!
//! The grid (township → village → group), households, persons with their ID documents,
//! residency, risk tags and the 七类人 categories, vaccination, test and verification events,
//! and the validators that every form, CSV import and sync message goes through.
//!
//! This crate does no I/O: no files, no clock, no network, no database. Whatever needs "today"
//! takes it as a parameter. It must not depend on any other gridbook crate, on automerge,
//! rusqlite or tauri. Its optional `ts` feature derives the TypeScript declarations of
//! `ui/src/generated/types.ts` (ts-rs); builds of the app and the CLI leave it off.

pub mod checkpoint;
pub mod demo;
pub mod error;
pub mod isolation;
pub mod model;
pub mod natural;
pub mod pinyin;
pub mod privacy;
pub mod report;
pub mod task;
pub mod validate;
pub mod zh_date;

pub use error::{DomainError, FieldError, Result};
pub use model::*;
