//! gridbook-sync: keeps the documents of a device's scope in step with a relay.
//!
//! [`engine`] decides what to send in each round and does no I/O; [`index`] keeps the first request small as checkpoint days pile up; [`wire`] is the versioned,
//! bounded binary protocol, [`body`] its compression on HTTP; [`replica`] lets the store take part; [`client`] is the device-side
//! HTTP client that retries over flaky links. Depends on gridbook-store; must not depend on
//! the relay, the CLI or tauri.

pub mod app;
pub mod background;
pub mod body;
pub mod client;
pub mod engine;
pub mod enrollment;
mod error;
pub mod identity;
pub mod index;
pub mod refusals;
pub mod replica;
pub mod wire;

pub use engine::{serve, Access, DeviceSession, Opening, Receipt, Replica, SyncStats};
pub use error::{Result, SyncError};
