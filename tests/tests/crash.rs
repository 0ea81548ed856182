//! Crash safety of the record engine: a real writer process is killed with SIGKILL at random
//! moments, 100 times, on the same data directory. Whatever it acknowledged must be on disk,
//! the SQLite file must be intact, nothing half-written may appear, and the projections must
//! still be exactly what the documents say.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gridbook_store::{Store, DB_FILE};
use gridbook_tests::SplitMix64;

const RUNS: usize = 100;
/// Kill this long (ms) after the first acknowledgement, drawn uniformly.
const DELAY_MS: (u64, u64) = (5, 80);

/// What all runs acknowledged.
#[derive(Default)]
struct Acks {
    households: Vec<String>,
    /// person id → the phone of its (single) acknowledged edit.
    edits: HashMap<String, String>,
    /// verification id → household id.
    verifications: HashMap<String, String>,
}

impl Acks {
    fn record(&mut self, line: &str) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["ack", hid] => self.households.push((*hid).to_owned()),
            ["ack-edit", pid, phone] => {
                let old = self.edits.insert((*pid).to_owned(), (*phone).to_owned());
                assert!(old.is_none(), "the writer edits each person once: {line}");
            }
            ["ack-verify", hid, vid] => {
                self.verifications
                    .insert((*vid).to_owned(), (*hid).to_owned());
            }
            _ => panic!("unexpected line from crash-writer: {line:?}"),
        }
    }
}

/// Runs the writer once and kills it `delay` after its first acknowledgement; returns the
/// complete lines it printed.
fn run_and_kill(dir: &Path, pin: Option<&str>, delay: Duration) -> Vec<String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crash-writer"));
    cmd.env_remove("GRIDBOOK_PIN");
    if let Some(pin) = pin {
        cmd.env("GRIDBOOK_PIN", pin);
    }
    let mut child = cmd
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn crash-writer");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut line = String::new();
        // A line cut short by the kill has no newline: it was never fully acknowledged.
        while r.read_line(&mut line).unwrap_or(0) > 0 && line.ends_with('\n') {
            let _ = tx.send(line.trim_end().to_owned());
            line.clear();
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(60));
    std::thread::sleep(delay);
    child.kill().expect("SIGKILL crash-writer");
    let status = child.wait().expect("wait crash-writer");
    reader.join().expect("reader thread");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert_eq!(
        status.signal(),
        Some(9),
        "crash-writer should only end by SIGKILL, but exited with {status}: {stderr}"
    );
    let first = first.unwrap_or_else(|_| panic!("crash-writer acknowledged nothing: {stderr}"));
    std::iter::once(first).chain(rx.try_iter()).collect()
}

#[test]
fn killed_writers_lose_nothing_acknowledged() {
    killed_writers(None);
}

/// The same on a store encrypted with SQLCipher: its WAL is encrypted too and
/// must recover the same way.
#[test]
fn killed_writers_lose_nothing_acknowledged_on_an_encrypted_store() {
    killed_writers(Some("864213"));
}

/// The SQLite file opened directly, with the data key when the store is encrypted.
fn raw_connection(dir: &Path, pin: Option<&str>) -> rusqlite::Connection {
    let Some(pin) = pin else {
        return rusqlite::Connection::open(dir.join(DB_FILE)).expect("open sqlite");
    };
    let key = gridbook_keys::unlock(dir, pin, gridbook_keys::now_secs()).expect("unlock");
    gridbook_store::cipher::open_encrypted(&dir.join(DB_FILE), key.bytes()).expect("open keyed")
}

fn killed_writers(pin: Option<&str>) {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = SplitMix64::new(0x6772_6964);
    let mut acks = Acks::default();
    for _ in 0..RUNS {
        let delay = Duration::from_millis(rng.range(DELAY_MS.0, DELAY_MS.1));
        for line in run_and_kill(dir.path(), pin, delay) {
            acks.record(&line);
        }
    }
    assert!(
        acks.households.len() >= RUNS,
        "every run acknowledged a household"
    );

    let conn = raw_connection(dir.path(), pin);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok");

    let store = match pin {
        None => Store::open(dir.path()),
        Some(pin) => {
            assert_eq!(
                gridbook_store::cipher::file_state(&dir.path().join(DB_FILE)).expect("state"),
                gridbook_store::cipher::FileState::Encrypted
            );
            let key =
                gridbook_keys::unlock(dir.path(), pin, gridbook_keys::now_secs()).expect("unlock");
            Store::open_with_key(dir.path(), Some(key.bytes()))
        }
    }
    .expect("open store after 100 kills");
    for hid in &acks.households {
        let h = store
            .household(hid)
            .unwrap_or_else(|e| panic!("acknowledged household {hid} is missing: {e}"));
        assert_eq!(h.residents.len(), 1, "household {hid} lost its head");
    }
    for (pid, phone) in &acks.edits {
        let p = store
            .person(pid)
            .unwrap_or_else(|e| panic!("edited person {pid} is missing: {e}"));
        assert_eq!(
            p.phone.as_deref(),
            Some(phone.as_str()),
            "edit of {pid} lost"
        );
    }
    for (vid, hid) in &acks.verifications {
        let on: Option<String> = conn
            .query_row(
                "SELECT household_id FROM events WHERE id = ?1 AND kind = 'verification'",
                [vid],
                |r| r.get(0),
            )
            .ok();
        assert_eq!(on.as_deref(), Some(hid.as_str()), "verification {vid} lost");
        let h = store.household(hid).expect("verified household");
        assert!(
            h.household.last_verified.is_some(),
            "{hid} shows no verification"
        );
    }

    // Nothing half-written: every household that is there (acknowledged or not) has its head,
    // and the document holds exactly the records the projections show.
    let all = store.households(None).expect("households");
    assert!(all.len() >= acks.households.len());
    for h in &all {
        assert_eq!(h.residents, 1, "household {} is half-written", h.id);
        assert!(h.head_name.is_some(), "household {} has no head", h.id);
    }
    let report = store.reindex(true).expect("reindex check");
    assert!(
        report.equal,
        "projections differ from documents: {report:?}"
    );

    eprintln!(
        "crash (encrypted: {}): {RUNS} kills, {} households, {} edits, {} verifications acknowledged; \
         {} households stored; {:.1} s",
        pin.is_some(),
        acks.households.len(),
        acks.edits.len(),
        acks.verifications.len(),
        all.len(),
        started.elapsed().as_secs_f64()
    );
}
