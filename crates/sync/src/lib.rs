//! gridbook-sync: keeps the documents of a device's scope in step with a relay.
//!
//! [`engine`] decides what to send in each round and does no I/O; [`index`] keeps the first
//! request small as checkpoint days pile up; [`wire`] is the versioned, bounded binary
//! protocol, [`body`] its compression on HTTP, [`identity`] what the relay says of a device (the
//! hello, the headers of a sync answer), [`offer`] the documents a device offers (those of the
//! scope the relay gave it); [`replica`] lets the store take part; [`scopes`] is what a relay
//! remembers of each device between sessions.
//!
//! The device side sits behind the `client` feature (on by default): `client` is the HTTP
//! client that retries over flaky links, `enrollment` enrolls and manages devices through it,
//! and `background` syncs the app on its own thread. The relay uses the crate without it and
//! so builds no HTTP client. Depends on gridbook-store; must not depend on the relay, the CLI
//! or tauri. The optional `ts` feature derives the TypeScript declarations of
//! `ui/src/generated/types.ts` (ts-rs); builds of the app and the CLI leave it off.

#[cfg(feature = "client")]
pub mod background;
pub mod body;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub mod client_pin;
pub mod engine;
#[cfg(feature = "client")]
pub mod enrollment;
mod error;
pub mod identity;
pub mod index;
pub mod offer;
pub mod refusals;
pub mod replica;
pub mod scopes;
pub mod wire;

pub use engine::{serve, Access, DeviceSession, Opening, Receipt, Replica, SyncStats};
pub use error::{CertProblem, Result, SyncError};
pub use scopes::ScopeMemory;
