//! Opening the database file plain or encrypted (SQLCipher), and converting a plain file.
//!
//! The key is the raw 256-bit data key (`PRAGMA key = "x'…'"`), so SQLCipher's own password
//! derivation is skipped: the PIN is stretched once, by gridbook-keys, when it unwraps the
//! data key. SQLCipher encrypts every page of the database and of its WAL; the `-shm` file
//! holds only the WAL's index (page numbers and checksums). Temporary tables and journals stay
//! in memory (`temp_store`, set by [`crate::Store::open_with_key`], and the build's
//! `SQLITE_TEMP_STORE=2`).
//!
//! The cryptography is gridbook-cipher's, registered as SQLCipher's provider before the first
//! keyed connection: SQLCipher's format and algorithms (a file opens with either provider),
//! without the OpenSSL provider's set-up for every page, which cost more than the HMAC itself.
//!
//! Pages are authenticated with HMAC-SHA256 ([`HMAC`]) rather than SQLCipher 4's default
//! SHA-512: the same construction with a 256-bit key, and the HMAC is much of what a page
//! costs (per 4 KiB page on this project's test machine: SHA-512 6.5 µs, SHA-256 2.3 µs with
//! the CPU's SHA extensions, which phones and laptops have had since about 2017; AES-256-CBC
//! 4 µs to encrypt, its blocks one after another, and 0.6 µs to decrypt). A store encrypted
//! before this change keeps SHA-512 and is opened with it ([`LEGACY_HMAC`]) when the current
//! setting does not read its first page.
//!
//! A plain database opened with a key is converted in place: exported (`sqlcipher_export`)
//! into `gridbook.sqlite.encrypting`, synced, renamed over the plain file, its `-wal` and
//! `-shm` removed. A crash before the rename leaves the plain file whole (the next open with
//! the key starts again); after it, the encrypted one.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use crate::error::{Result, StoreError};

/// First bytes of every plain SQLite database.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is on disk at a database path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No database yet (or an empty file).
    Missing,
    /// A plain SQLite database.
    Plain,
    /// Anything else: an encrypted database (SQLCipher's first page is all ciphertext).
    Encrypted,
}

/// Tells a plain database from an encrypted one by its first 16 bytes.
pub fn file_state(path: &Path) -> Result<FileState> {
    use std::io::Read;
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(e.into()),
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(match n {
        0 => FileState::Missing,
        16 if &head == PLAIN_HEADER => FileState::Plain,
        _ => FileState::Encrypted,
    })
}

/// The page HMAC of every store this code encrypts.
const HMAC: &str = "HMAC_SHA256";
/// The page HMAC of stores encrypted before [`HMAC`] was set (SQLCipher 4's default).
const LEGACY_HMAC: &str = "HMAC_SHA512";

/// The `PRAGMA key` / `ATTACH … KEY` value of a raw key.
fn key_literal(key: &[u8; 32]) -> String {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"x'{hex}'\"")
}

/// Makes gridbook-cipher SQLCipher's crypto provider, before the first keyed connection: the
/// same AES-256-CBC pages and HMACs as SQLCipher's OpenSSL provider (files open with either),
/// without OpenSSL's set-up for every page.
fn install_provider() -> Result<()> {
    gridbook_cipher::install().map_err(|e| {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(e.0),
            Some(e.to_string()),
        ))
    })
}

/// Opens the database at `path`: plain without a key, encrypted with one (converting a plain
/// file first). The wrong key, or no key for an encrypted file, is [`StoreError::Locked`].
pub(crate) fn connect(path: &Path, key: Option<&[u8; 32]>) -> Result<Connection> {
    let state = file_state(path)?;
    let Some(key) = key else {
        if state == FileState::Encrypted {
            return Err(StoreError::Locked);
        }
        return Ok(Connection::open(path)?);
    };
    if state == FileState::Plain {
        install_provider()?;
        convert(path, key)?;
    }
    open_encrypted(path, key)
}

/// Opens the encrypted (or not yet existing) database at `path` with `key` and the page
/// settings the store uses, and sets nothing else: [`connect`] without the conversion, for
/// tools and tests that read the file directly. The wrong key is [`StoreError::Locked`].
pub fn open_encrypted(path: &Path, key: &[u8; 32]) -> Result<Connection> {
    install_provider()?;
    match keyed(path, key, HMAC) {
        Err(StoreError::Locked) if file_state(path)? == FileState::Encrypted => {
            keyed(path, key, LEGACY_HMAC)
        }
        r => r,
    }
}

/// A connection to `path` keyed with `key` and pages authenticated with `hmac`; the wrong key
/// (or the wrong HMAC for an existing file) is [`StoreError::Locked`].
fn keyed(path: &Path, key: &[u8; 32], hmac: &str) -> Result<Connection> {
    let conn = Connection::open(path)?;
    // SQLCipher writes a wrong key's HMAC failures to stderr: the caller reports it instead.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!(
        "PRAGMA key = {}; PRAGMA cipher_hmac_algorithm = {hmac};",
        key_literal(key)
    ))?;
    // The key is only checked when the first page is read.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(StoreError::Locked)
        }
        Err(e) => Err(e.into()),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Converts the plain database at `path` into one encrypted with `key`, in place.
fn convert(path: &Path, key: &[u8; 32]) -> Result<()> {
    let tmp = sibling(path, ".encrypting");
    for leftover in [&tmp, &sibling(&tmp, "-journal")] {
        match std::fs::remove_file(leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // Everything in the WAL goes into the main file first, so the file renamed away
        // below holds all there was.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tmp_str = tmp
            .to_str()
            .ok_or_else(|| StoreError::Corrupt("data directory path is not UTF-8".into()))?;
        conn.execute(
            &format!("ATTACH DATABASE ?1 AS enc KEY {}", key_literal(key)),
            [tmp_str],
        )?;
        conn.execute_batch(&format!("PRAGMA enc.cipher_hmac_algorithm = {HMAC};"))?;
        conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "PRAGMA enc.user_version = {version}; DETACH DATABASE enc;"
        ))?;
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    // The plain WAL was checkpointed and closing the last connection removes it; whatever is
    // left must not sit next to the encrypted file.
    for side in ["-wal", "-shm"] {
        match std::fs::remove_file(sibling(path, side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

impl crate::Store {
    /// Encrypts this open plain store with `key` in place (the app sets a PIN on a store it
    /// has open): the connection is closed, the file converted as on a first unlock, and an
    /// encrypted connection takes its place; other threads wait on the store's lock. Refused
    /// when the file is not plain.
    pub fn encrypt(&self, key: &[u8; 32]) -> Result<()> {
        let path = self.dir.join(crate::DB_FILE);
        let mut g = self.lock();
        if file_state(&path)? != FileState::Plain {
            return Err(StoreError::Refused {
                code: "not-plain".into(),
                zh: "本机数据已加密".into(),
                en: "the store is already encrypted".into(),
            });
        }
        let old = std::mem::replace(&mut g.conn, Connection::open_in_memory()?);
        if let Err((conn, e)) = old.close() {
            g.conn = conn;
            return Err(e.into());
        }
        let reopened = connect(&path, Some(key)).and_then(|mut c| {
            crate::configure(&mut c)?;
            Ok(c)
        });
        match reopened {
            Ok(conn) => {
                g.conn = conn;
                Ok(())
            }
            Err(e) => {
                // The rename is the last step: a failed conversion left the plain file.
                let mut plain = Connection::open(&path)?;
                crate::configure(&mut plain)?;
                g.conn = plain;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_file_has_no_plain_header_and_needs_its_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.sqlite");
        let key = [7u8; 32];
        {
            let c = connect(&path, Some(&key)).expect("create");
            c.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES ('张三丰');")
                .expect("write");
        }
        assert_eq!(file_state(&path).expect("state"), FileState::Encrypted);
        assert!(matches!(connect(&path, None), Err(StoreError::Locked)));
        assert!(matches!(
            connect(&path, Some(&[8u8; 32])),
            Err(StoreError::Locked)
        ));
        let c = connect(&path, Some(&key)).expect("reopen");
        let a: String = c
            .query_row("SELECT a FROM t", [], |r| r.get(0))
            .expect("read");
        assert_eq!(a, "张三丰");
    }

    fn hmac_of(c: &Connection) -> String {
        c.query_row("PRAGMA cipher_hmac_algorithm", [], |r| r.get(0))
            .expect("hmac")
    }

    #[test]
    fn new_and_converted_files_use_sha256_and_older_ones_open_with_sha512() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = [4u8; 32];
        let new = dir.path().join("new.sqlite");
        connect(&new, Some(&key))
            .expect("create")
            .execute_batch("CREATE TABLE t(a)")
            .expect("write");
        let reopened = connect(&new, Some(&key)).expect("reopen");
        assert_eq!(hmac_of(&reopened), HMAC);
        // The pages go through gridbook-cipher, not OpenSSL's provider.
        let provider: String = reopened
            .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
            .expect("provider");
        assert_eq!(provider, gridbook_cipher::PROVIDER_NAME);

        let plain = dir.path().join("plain.sqlite");
        Connection::open(&plain)
            .expect("plain")
            .execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES (1);")
            .expect("write");
        assert_eq!(
            hmac_of(&connect(&plain, Some(&key)).expect("convert")),
            HMAC
        );

        // Encrypted with SQLCipher's defaults, as the stores of earlier versions were.
        let old = dir.path().join("old.sqlite");
        {
            let c = Connection::open(&old).expect("old");
            c.execute_batch(&format!(
                "PRAGMA key = {}; CREATE TABLE t(a); INSERT INTO t VALUES ('王五');",
                key_literal(&key)
            ))
            .expect("write");
            assert_eq!(hmac_of(&c), LEGACY_HMAC);
        }
        let c = connect(&old, Some(&key)).expect("open the older store");
        assert_eq!(hmac_of(&c), LEGACY_HMAC);
        let a: String = c
            .query_row("SELECT a FROM t", [], |r| r.get(0))
            .expect("read");
        assert_eq!(a, "王五");
        assert!(matches!(
            connect(&old, Some(&[1u8; 32])),
            Err(StoreError::Locked)
        ));
    }

    #[test]
    fn plain_file_is_converted_and_its_wal_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.sqlite");
        let plain = Connection::open(&path).expect("plain");
        plain
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; PRAGMA user_version=9;
                 CREATE TABLE t(a); INSERT INTO t VALUES ('李四');",
            )
            .expect("write");
        let key = [3u8; 32];
        drop(plain);
        connect(&path, Some(&key)).expect("convert");
        assert_eq!(file_state(&path).expect("state"), FileState::Encrypted);
        assert!(!sibling(&path, ".encrypting").exists());
        let c = connect(&path, Some(&key)).expect("reopen");
        let (a, v): (String, i64) = c
            .query_row(
                "SELECT a, (SELECT user_version FROM pragma_user_version) FROM t",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("read");
        assert_eq!((a.as_str(), v), ("李四", 9));
    }

    #[test]
    fn an_open_store_is_encrypted_in_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::Store::open(dir.path()).expect("open");
        let a = store.add_village("东风村").expect("village");
        let key = [5u8; 32];
        store.encrypt(&key).expect("encrypt");
        let b = store.add_village("红旗村").expect("village");
        assert!(store.encrypt(&key).is_err());
        drop(store);
        let path = dir.path().join(crate::DB_FILE);
        assert_eq!(file_state(&path).expect("state"), FileState::Encrypted);
        assert!(matches!(
            crate::Store::open(dir.path()),
            Err(StoreError::Locked)
        ));
        let store = crate::Store::open_with_key(dir.path(), Some(&key)).expect("reopen");
        let ids: Vec<String> = store
            .villages()
            .expect("villages")
            .into_iter()
            .map(|v| v.id)
            .collect();
        assert!(ids.contains(&a) && ids.contains(&b), "{ids:?}");
    }

    /// Keyed connections opened and closed on some threads while new encrypted databases are
    /// created on others: every one is created (a race once seen with OpenSSL's provider, which
    /// set up and tore down its random generator with the connections).
    #[test]
    fn databases_created_while_other_keyed_connections_close() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = [9u8; 32];
        let existing = dir.path().join("existing.sqlite");
        connect(&existing, Some(&key)).expect("create the first");
        std::thread::scope(|s| {
            for t in 0..2 {
                let existing = &existing;
                s.spawn(move || {
                    for i in 0..150 {
                        let c = connect(existing, Some(&key))
                            .unwrap_or_else(|e| panic!("reopen {t}/{i}: {e}"));
                        drop(c);
                    }
                });
            }
            for t in 0..2 {
                let dir = dir.path();
                s.spawn(move || {
                    for i in 0..150 {
                        let path = dir.join(format!("new-{t}-{i}.sqlite"));
                        let c = connect(&path, Some(&key))
                            .unwrap_or_else(|e| panic!("create {t}/{i}: {e}"));
                        c.execute_batch("CREATE TABLE t(a)").expect("write");
                    }
                });
            }
        });
    }
}
