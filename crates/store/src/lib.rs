//! gridbook-store: the record engine.
//!
//! Automerge documents are the truth, one per (village, record kind); SQLite holds them (as
//! chunks of change bytes and snapshots) next to projection tables that answer every query.
//! Every write is one IMMEDIATE transaction: the change, its bytes and the projection rows of
//! the records it touched commit together or not at all. `reindex` rebuilds the projections
//! from the documents alone. [`app`] is what the app shell shows of the device (the status at a
//! glance, settings, field checks), so that it is tested without a window.
//!
//! This crate knows nothing of the network: it must not depend on the sync engine, the relay,
//! the CLI or tauri. Domain rules come from gridbook-domain. Its optional `ts` feature derives
//! the TypeScript declarations of `ui/src/generated/types.ts` (ts-rs); builds of the app and
//! the CLI leave it off.

pub mod app;
mod checkpoint;
pub mod demo;
mod demo_activity;
mod engine;
mod error;
pub mod forms;
mod grid;
mod isolation;
mod ledger;
mod replies;
mod reports;
mod tasks;
mod township;

pub use engine::discard::{DiscardedRecord, Unacknowledged};
pub use engine::rights;
pub use engine::sync_support::OutboxMark;
pub use engine::{cipher, docs, integrity, owner, project, record, schema};
pub use ledger::{import, search};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use automerge::ActorId;
use chrono::{Duration, NaiveDateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

pub use checkpoint::entries::{
    CheckpointDay, DayCounts, EntryResult, EntryRow, NewEntry, ShiftNow,
};
pub use checkpoint::passes::{pass_qr, pass_window, PassRow, PassUseRow};
pub use checkpoint::sites::{CheckpointRow, ShiftRow, ShiftTimes};
pub use demo::DemoReport;
pub use demo_activity::DemoActivity;
pub use docs::Audit;
pub use engine::doc_id::{
    doc_id, entries_doc_id, is_month, reports_doc_id, village_of, DocId, DocKind,
};
pub use engine::history::{ConflictRow, DocInfo, HistoryEntry};
pub use engine::owner::QuarantineRow;
pub use engine::received::{Received, TouchCheck};
pub use engine::reindex::ReindexReport;
pub use engine::sync_message::{assume_peer_has, next_message, next_message_wanting, WANTED_MAX};
pub use engine::text::parse_at;
pub use engine::value::Val;
pub use error::{what_zh, Result, StoreError};
pub use grid::lock_idle::{LOCK_IDLE_DEFAULT, LOCK_IDLE_MAX, LOCK_IDLE_MIN};
pub use grid::names::Named;
pub use grid::township::TownshipInfo;
pub use grid::villages::{group_number, GroupRow, VillageRow};
pub use isolation::cases::{builtin_policy_id, NewCase, NewCheck, Place};
pub use isolation::control::{ExcludedMember, IsolationRow};
pub use isolation::control_list::id_hash;
pub use isolation::detail::{
    CaseDetail, CaseEntry, CasePhase, CaseReferral, CaseRow, CaseTest, CaseVisit,
};
pub use isolation::due::DueRow;
pub use isolation::read::{builtin_policy_rows, case_phases, PolicyRow};
pub use ledger::distinct::Dismissed;
pub use ledger::duplicates::{
    duplicate_pairs, Duplicate, MergePreview, PersonKeys, Reason as DuplicateReason,
};
pub use ledger::households::{NewHousehold, NewPerson};
pub use ledger::merge::FILLABLE as MERGE_FILLABLE;
pub use ledger::read::{CoverageRow, HouseholdDetail, HouseholdPage, HouseholdRow, PersonRow};
pub use replies::{
    Changed, FiguresPreview, HouseholdAdded, PairDismissed, PairRestored, PersonAdded,
    PersonMerged, PersonUnmerged, Verified,
};
pub use reports::read::{ReportStatus, Rollup, RollupTotals, RollupVillage};
pub use reports::submit::Submitted;
pub use search::Hit;
pub use tasks::answer::Answered;
pub use tasks::assign::{assigned_id, TaskAssigned};
pub use tasks::import::{
    parse_source as parse_task_source, task_id, ImportedRow, ListRow, MatchBy, TaskImport,
    MAX_ROWS as MAX_LIST_ROWS,
};
pub use tasks::read::{TaskFilter, TaskRow};
pub use township::export_log::{
    check_entry as check_log_entry, ExportRecord, MAX_ENTRIES as MAX_LOG_ENTRIES,
};
pub use township::export_registers::{CheckLine, CoverageLine, EntryLine};
pub use township::export_rows::{CaseLine, ExportFilter, LedgerLine};
pub use township::overview::{
    CheckpointCounts, Overview, OverviewGroup, OverviewVillage, UnitCounts, COVERAGE_DAYS,
};
pub use township::papers::{CasePaper, TeamMember};
pub use township::shown::{masked, Masked};
pub use township::unit_lists::{
    case_kind_codes, CaseQuery, PersonQuery, RiskPersonRow, NO_KIND as NO_CASE_KIND,
};

/// The connection settings of every store (plain or encrypted).
pub(crate) fn configure(conn: &mut Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    // One write runs some 30 distinct statements (the change, its chunk, the projection
    // rows of every table); rusqlite's default cache of 16 would parse them all again.
    conn.set_prepared_statement_cache_capacity(96);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // SQLite's default page cache is 2 MiB. A township store is hundreds of MiB, and
    // every write touches the search index's pages all over it: with 2 MiB most of those
    // reads miss (building 20k households took 1.5–1.7× Automerge alone, 1.2× with
    // 64 MiB). On an encrypted store every page read from the file is also decrypted and
    // checked, so a search repeated over a township of 100k households (373 MiB) cost 1.5×
    // the plain store's with 64 MiB and the same with 256 MiB. The cache grows only as pages
    // are read, so a village device (a few MiB) stays small.
    conn.pragma_update(None, "cache_size", -256 * 1024)?;
    // Statement journals (a multi-row DELETE inside a write) and savepoint journals (a
    // bulk import) in memory: they only ever hold what one transaction changes, and as
    // temporary files every re-projection wrote its pages to disk twice.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// File name of the store inside a data directory.
pub const DB_FILE: &str = "gridbook.sqlite";

/// One device's (or one relay's) store: a SQLite file and the documents in it.
pub struct Store {
    dir: PathBuf,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub(crate) conn: Connection,
    pub(crate) docs: engine::docs::Docs,
    pub(crate) device: String,
    pub(crate) utc_offset_min: i64,
    pub(crate) now_override: Option<NaiveDateTime>,
    /// In-session Automerge sync states, by (peer, document).
    pub(crate) sync_states: engine::per_peer::PerPeer<automerge::sync::State>,
    /// Dependencies missing from changes a peer sent, by (peer, document): asked for by hash
    /// in the next message to it (see [`Store::sync_receive`]).
    pub(crate) wanted: engine::per_peer::PerPeer<Vec<automerge::ChangeHash>>,
    /// Whether this store's log of exports and reveals stays in its local table (see
    /// [`Store::keep_log_local`]).
    pub(crate) local_log: bool,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`: runs migrations, refuses a newer
    /// schema, and creates this device's actor id on first use.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_key(dir, None)
    }

    /// Opens the store in `dir` encrypted with `key` (SQLCipher), or plain without one. A
    /// plain database opened with a key is converted first (see [`cipher`]); an encrypted one
    /// opened without its key is [`StoreError::Locked`].
    pub fn open_with_key(dir: impl AsRef<Path>, key: Option<&[u8; 32]>) -> Result<Store> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir)?;
        let mut conn = cipher::connect(&dir.join(DB_FILE), key)?;
        configure(&mut conn)?;
        let needs_reindex = schema::migrate(&mut conn)?;
        let actor = match get_setting(&conn, "actor")? {
            Some(hex) => ActorId::from(decode_hex(&hex)?),
            None => {
                let fresh = ActorId::from(uuid::Uuid::new_v4().as_bytes().to_vec());
                insert_setting(&conn, "actor", &fresh.to_hex_string())?;
                let stored = get_setting(&conn, "actor")?.unwrap_or_default();
                ActorId::from(decode_hex(&stored)?)
            }
        };
        let device = match get_setting(&conn, "device_name")? {
            Some(n) => n,
            None => {
                let n = format!("设备-{}", &actor.to_hex_string()[..6]);
                insert_setting(&conn, "device_name", &n)?;
                n
            }
        };
        let utc_offset_min = get_setting(&conn, "utc_offset_min")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(480);
        let store = Store {
            dir,
            inner: Mutex::new(Inner {
                conn,
                docs: engine::docs::Docs::new(actor),
                device,
                utc_offset_min,
                now_override: None,
                sync_states: Default::default(),
                wanted: Default::default(),
                local_log: false,
            }),
        };
        if needs_reindex {
            store.reindex(false)?;
        }
        Ok(store)
    }

    /// Keeps up to `docs` documents loaded in memory as long as the stored bytes they were
    /// built from stay under `bytes` (never fewer than a township's ledgers and grid):
    /// for a relay, whose requests go to any village's documents.
    pub fn keep_documents(&self, docs: usize, bytes: u64) {
        self.lock().docs.keep(docs, bytes);
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This device's actor id (hex).
    pub fn actor(&self) -> String {
        self.lock().docs.actor().to_hex_string()
    }

    /// This device's name, as written into the audit trail.
    pub fn device_name(&self) -> String {
        self.lock().device.clone()
    }

    /// Renames this device.
    pub fn set_device_name(&self, name: &str) -> Result<()> {
        let name = gridbook_domain::validate::parse_name(name).or_else(|_| {
            let t = name.trim();
            if t.is_empty() || t.chars().count() > 40 {
                Err(gridbook_domain::FieldError::new(
                    "device_name",
                    "length",
                    "设备名称应为1–40个字",
                    "device name must be 1–40 characters",
                ))
            } else {
                Ok(t.to_owned())
            }
        })?;
        let mut g = self.lock();
        set_setting(&g.conn, "device_name", &name)?;
        g.device = name;
        Ok(())
    }

    /// The township of this store, created (with its grid document) on first use.
    pub fn township_id(&self) -> Result<String> {
        self.lock().ensure_township(None, "本镇")
    }

    /// Reads a setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        get_setting(&self.lock().conn, key)
    }

    /// Writes a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        set_setting(&self.lock().conn, key, value)
    }

    /// Pins "now" (local time) for tests and reproducible runs.
    pub fn set_now(&self, now: Option<NaiveDateTime>) {
        self.lock().now_override = now;
    }

    /// Local time now (deployment offset, default UTC+8).
    pub fn now_local(&self) -> NaiveDateTime {
        self.lock().now_local()
    }
}

impl Inner {
    pub(crate) fn now_local(&self) -> NaiveDateTime {
        self.now_override
            .unwrap_or_else(|| (Utc::now() + Duration::minutes(self.utc_offset_min)).naive_utc())
    }

    pub(crate) fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis()
    }

    pub(crate) fn audit(&self, what: &str) -> Audit {
        Audit {
            device: self.device.clone(),
            records: Vec::new(),
            what: what.to_owned(),
            commit: String::new(),
        }
    }
}

pub(crate) fn get_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn insert_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    // OR IGNORE: two processes opening a new directory at once keep the first actor.
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
        [key, value],
    )?;
    Ok(())
}

pub(crate) fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn decode_hex(s: &str) -> Result<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return Err(StoreError::Corrupt("actor id".into()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| StoreError::Corrupt("actor id".into()))
        })
        .collect()
}
