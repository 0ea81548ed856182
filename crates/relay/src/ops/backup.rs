//! Backups of a relay while it serves, their restore, and a relay rebuilt from a township
//! device.
//!
//! A backup is one SQLite file: the store as `VACUUM INTO` copies it (a consistent snapshot
//! taken in one read transaction, which in WAL mode never blocks the relay's writers) with the
//! device registry (`relay.sqlite`) copied into it as the table `backup_devices`. Restore
//! splits it back into the two files of a data directory.

use std::path::{Path, PathBuf};

use gridbook_store::{Store, DB_FILE};
use rusqlite::{Connection, OpenFlags};

use crate::error::{RelayError, Result};

/// The device registry's file in a data directory.
pub const DEVICES_FILE: &str = "relay.sqlite";

/// Table of a backup file that holds the device registry.
const DEVICES_TABLE: &str = "backup_devices";

/// What a backup holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupReport {
    /// The backup file.
    pub file: PathBuf,
    /// Documents in it.
    pub documents: u64,
    /// Devices of the registry in it.
    pub devices: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

fn sql_text(p: &Path) -> Result<String> {
    p.to_str()
        .map(str::to_owned)
        .ok_or_else(|| RelayError::Invalid(format!("path is not UTF-8: {}", p.display())))
}

fn counts(conn: &Connection) -> Result<(u64, u64)> {
    let docs: i64 = conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
    let devices: i64 =
        conn.query_row(&format!("SELECT count(*) FROM {DEVICES_TABLE}"), [], |r| {
            r.get(0)
        })?;
    Ok((docs as u64, devices as u64))
}

/// Copies the relay in `dir` (serving or not) into the new file `out`.
pub fn backup(dir: &Path, out: &Path) -> Result<BackupReport> {
    let store = dir.join(DB_FILE);
    if !store.is_file() {
        return Err(RelayError::Invalid(format!(
            "no relay store in {}",
            dir.display()
        )));
    }
    if out.exists() {
        return Err(RelayError::Invalid(format!(
            "{} already exists",
            out.display()
        )));
    }
    let tmp = out.with_extension("partial");
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> Result<BackupReport> {
        let src = Connection::open_with_flags(&store, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        src.busy_timeout(std::time::Duration::from_secs(30))?;
        src.execute("VACUUM INTO ?1", [sql_text(&tmp)?])?;
        drop(src);
        let copy = Connection::open(&tmp)?;
        copy.busy_timeout(std::time::Duration::from_secs(30))?;
        let registry = dir.join(DEVICES_FILE);
        if registry.is_file() {
            copy.execute("ATTACH DATABASE ?1 AS reg", [sql_text(&registry)?])?;
            // One read transaction of the registry; its WAL keeps the relay's writers going.
            copy.execute_batch(&format!(
                "CREATE TABLE {DEVICES_TABLE} AS SELECT * FROM reg.devices; DETACH DATABASE reg;"
            ))?;
        } else {
            copy.execute_batch(&format!(
                "CREATE TABLE {DEVICES_TABLE} (device_id TEXT, name TEXT, role TEXT, scope TEXT,
                   token_hash TEXT, revoked INTEGER, created_at INTEGER);"
            ))?;
        }
        let (documents, devices) = counts(&copy)?;
        drop(copy);
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, out)?;
        Ok(BackupReport {
            file: out.to_owned(),
            documents,
            devices,
            bytes: std::fs::metadata(out)?.len(),
        })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Refuses a data directory that holds anything.
fn require_empty(dir: &Path) -> Result<()> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut e| e.next().is_none());
    if empty {
        Ok(())
    } else {
        Err(RelayError::Invalid(format!(
            "{} is not empty: restore and seed only fill an empty data directory",
            dir.display()
        )))
    }
}

/// Removes what a failed restore or seed left in `dir` (the directory itself stays: an
/// operator may have made it, with its owner and mode, for the service).
fn clear(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Restores the backup `file` into the empty (or missing) data directory `dir`.
pub fn restore(file: &Path, dir: &Path) -> Result<BackupReport> {
    require_empty(dir)?;
    let check = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| RelayError::Invalid(format!("{}: {e}", file.display())))?;
    let (documents, devices) = counts(&check).map_err(|_| {
        RelayError::Invalid(format!("{} is not a gridbook relay backup", file.display()))
    })?;
    let ok: String = check.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(RelayError::Invalid(format!(
            "{} is damaged: {ok}",
            file.display()
        )));
    }
    drop(check);
    std::fs::create_dir_all(dir)?;
    let result = (|| -> Result<()> {
        let store = dir.join(DB_FILE);
        std::fs::copy(file, &store)?;
        let conn = Connection::open(&store)?;
        crate::Devices::open(dir)?;
        conn.execute(
            "ATTACH DATABASE ?1 AS reg",
            [sql_text(&dir.join(DEVICES_FILE))?],
        )?;
        conn.execute_batch(&format!(
            "BEGIN;
             INSERT INTO reg.devices (device_id, name, role, scope, token_hash, revoked, created_at)
               SELECT device_id, name, role, scope, token_hash, revoked, created_at
               FROM {DEVICES_TABLE};
             DROP TABLE {DEVICES_TABLE};
             COMMIT;
             DETACH DATABASE reg;"
        ))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        drop(conn);
        // Opening runs the migrations a newer gridbook needs and refuses a newer schema.
        Store::open(dir)?;
        Ok(())
    })();
    if let Err(e) = result {
        clear(dir);
        return Err(e);
    }
    Ok(BackupReport {
        file: file.to_owned(),
        documents,
        devices,
        bytes: std::fs::metadata(file)?.len(),
    })
}

/// What seeding a relay from a device did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeedReport {
    /// The township.
    pub township_id: String,
    /// Documents copied.
    pub documents: u64,
}

/// Fills the empty relay data directory `dir` with the documents of the township device whose
/// data directory is `from`: the Automerge documents only (not its settings, actor, unsynced
/// counts or sync states); the relay projects them itself. Devices must then be enrolled again.
pub fn seed(from: &Path, dir: &Path) -> Result<SeedReport> {
    if !from.join(DB_FILE).is_file() {
        return Err(RelayError::Invalid(format!(
            "no gridbook data in {}",
            from.display()
        )));
    }
    require_empty(dir)?;
    let device = Store::open(from)?;
    let township = device.setting("township_id")?.ok_or_else(|| {
        RelayError::Invalid("the device belongs to no township (never enrolled)".into())
    })?;
    if let Some(v) = device.setting("village_id")?.filter(|v| !v.is_empty()) {
        return Err(RelayError::Invalid(format!(
            "the device holds only village {v}: seed from a township device, which holds the whole township"
        )));
    }
    let result = (|| -> Result<u64> {
        let relay = Store::open(dir)?;
        relay.set_setting("township_id", &township)?;
        let mut n = 0;
        for doc in device.docs()? {
            let bytes = device.export_doc(&doc.id)?;
            relay.merge_doc_bytes(&doc.id, &bytes)?;
            n += 1;
        }
        let report = relay.reindex(true)?;
        if !report.equal {
            return Err(RelayError::Invalid(
                "the seeded relay's projections differ from a rebuild".into(),
            ));
        }
        Ok(n)
    })();
    match result {
        Ok(documents) => Ok(SeedReport {
            township_id: township,
            documents,
        }),
        Err(e) => {
            clear(dir);
            Err(e)
        }
    }
}
