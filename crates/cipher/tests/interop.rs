//! SQLCipher databases written by SQLCipher's own provider (OpenSSL) are read and rewritten by
//! this one, and what this one wrote is read back by OpenSSL's: same files, either provider.
//!
//! A provider is chosen per process, so the OpenSSL side is this test binary run again with
//! `GRIDBOOK_CIPHER_STEP` set (`write`: create a database; `read`: check one), a process that
//! never calls `install`. Each database is checked whole: every row, SQLite's integrity check
//! and SQLCipher's (which checks every page's HMAC).

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

/// How each database is keyed: a raw key with each page HMAC, and passphrases through each
/// PBKDF2 digest.
const KEYINGS: [(&str, &str); 5] = [
    (
        "raw-sha256",
        "PRAGMA key = \"x'2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c'\";
         PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
    ),
    (
        "raw-sha512",
        "PRAGMA key = \"x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'\";",
    ),
    (
        "raw-sha1",
        "PRAGMA key = \"x'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100'\";
         PRAGMA cipher_hmac_algorithm = HMAC_SHA1;",
    ),
    (
        "pass-sha512",
        "PRAGMA key = '网格员 246810'; PRAGMA kdf_iter = 4000;",
    ),
    (
        "pass-sha1",
        "PRAGMA key = '网格员 246810'; PRAGMA kdf_iter = 4000;
         PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA1; PRAGMA cipher_hmac_algorithm = HMAC_SHA1;",
    ),
];

const STEP: &str = "GRIDBOOK_CIPHER_STEP";

fn main() {
    let step = std::env::var(STEP).ok();
    let dir = std::env::var_os("GRIDBOOK_CIPHER_DIR").map(PathBuf::from);
    match (step.as_deref(), dir) {
        (Some("write"), Some(dir)) => each(&dir, |c| write(c, 0..500, 0)),
        (Some("read"), Some(dir)) => each(&dir, |c| {
            assert_eq!(provider(c), "openssl");
            check(c, 1000, 1);
        }),
        _ => {
            run();
            println!("interop: ok");
        }
    }
}

fn run() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    openssl_step("write", dir);

    gridbook_cipher::install().expect("install");
    // Every database OpenSSL wrote reads here; then rows are changed and added, and VACUUM
    // rewrites every page through this provider.
    each(dir, |c| {
        assert_eq!(provider(c), gridbook_cipher::PROVIDER_NAME);
        check(c, 500, 0);
        write(c, 500..1000, 0);
        c.execute(
            "UPDATE t SET gen = 1, name = name || '·' WHERE id % 5 = 0",
            [],
        )
        .expect("update");
        c.execute_batch("VACUUM").expect("vacuum");
        check(c, 1000, 1);
    });
    // ... and OpenSSL's provider reads what this one wrote.
    openssl_step("read", dir);

    for (name, keying) in KEYINGS {
        let path = dir.join(name);
        // The wrong key is refused, not read as garbage.
        let c = Connection::open(&path).expect("open");
        c.execute_batch("PRAGMA cipher_log_level = NONE;")
            .expect("quiet");
        let wrong = keying.replace("2b7e", "2b7f").replace("246810", "246811");
        let wrong = wrong.replace("x'00", "x'01").replace("x'ff", "x'fe");
        c.execute_batch(&wrong).expect("key");
        assert!(
            c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))
                .is_err(),
            "{name}: read with the wrong key"
        );
        drop(c);
        // A page changed on disk fails its HMAC.
        let bad = dir.join(format!("{name}.bad"));
        std::fs::copy(&path, &bad).expect("copy");
        let mut bytes = std::fs::read(&bad).expect("read");
        bytes[3 * 4096 + 100] ^= 1;
        std::fs::write(&bad, bytes).expect("write");
        let c = open(&bad, keying);
        let failures: Vec<String> = c
            .prepare("PRAGMA cipher_integrity_check")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(
            failures.iter().any(|f| f.contains("page 4")),
            "{name}: {failures:?}"
        );
    }
}

/// Runs this binary again as the OpenSSL side.
fn openssl_step(step: &str, dir: &Path) {
    let status = Command::new(std::env::current_exe().expect("exe"))
        .env(STEP, step)
        .env("GRIDBOOK_CIPHER_DIR", dir)
        .status()
        .expect("run the OpenSSL side");
    assert!(status.success(), "the OpenSSL side's {step} failed");
}

fn open(path: &Path, keying: &str) -> Connection {
    let c = Connection::open(path).expect("open");
    // The failures this test causes on purpose are its assertions, not log lines.
    c.execute_batch("PRAGMA cipher_log_level = NONE;")
        .expect("quiet");
    c.execute_batch(keying).expect("key");
    c
}

fn each(dir: &Path, f: impl Fn(&Connection)) {
    for (name, keying) in KEYINGS {
        let c = open(&dir.join(name), keying);
        c.execute_batch("PRAGMA journal_mode = WAL;").expect("wal");
        f(&c);
    }
}

fn provider(c: &Connection) -> String {
    c.query_row("PRAGMA cipher_provider", [], |r| r.get(0))
        .expect("provider")
}

/// Row `id`'s blob: 300 bytes that differ from row to row, so pages do not repeat.
fn blob(id: i64) -> Vec<u8> {
    (0..300u32)
        .map(|i| (id as u32).wrapping_mul(2654435761).wrapping_add(i * 40503) as u8)
        .collect()
}

fn write(c: &Connection, ids: std::ops::Range<i64>, gen: i64) {
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, name TEXT, gen INT, b BLOB)",
    )
    .expect("create");
    for id in ids {
        c.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, format!("王五{id}"), gen, blob(id)],
        )
        .expect("insert");
    }
}

/// The table holds rows 0..n, every fifth marked with generation `gen`, and both of SQLite's
/// and SQLCipher's checks pass.
fn check(c: &Connection, n: i64, gen: i64) {
    let rows: Vec<(i64, String, i64, Vec<u8>)> = c
        .prepare("SELECT id, name, gen, b FROM t ORDER BY id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len() as i64, n);
    for (i, (id, name, g, b)) in rows.into_iter().enumerate() {
        let marked = gen > 0 && id % 5 == 0;
        let want = if marked {
            format!("王五{id}·")
        } else {
            format!("王五{id}")
        };
        assert_eq!(
            (id, name, g, b),
            (i as i64, want, if marked { gen } else { 0 }, blob(id))
        );
    }
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(ok, "ok");
    let failures: i64 = c
        .prepare("PRAGMA cipher_integrity_check")
        .expect("prepare")
        .query_map([], |_| Ok(()))
        .expect("query")
        .count() as i64;
    assert_eq!(failures, 0);
}
