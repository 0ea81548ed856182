//! The engine under every record kind: document ids and the write path, records inside
//! documents, field values, projection dispatch, schema migrations, reindex, history and
//! conflicts, and what the sync engine needs from the store. It knows the record kinds only
//! through the projection dispatch in `project.rs`.

pub(crate) mod chunks;
pub mod cipher;
pub mod discard;
pub(crate) mod doc_cache;
pub mod doc_id;
pub mod docs;
pub mod history;
pub mod integrity;
pub mod owner;
pub(crate) mod per_peer;
pub mod project;
pub mod received;
pub mod record;
pub mod reindex;
pub mod rights;
pub(crate) mod rows;
pub mod schema;
pub mod scope;
pub mod sync_message;
pub mod sync_support;
pub mod text;
mod touched;
pub mod value;
