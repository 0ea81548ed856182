//! gridbook-tests: end-to-end tests of gridbook across crates and processes.
//!
//! The tests live in `tests/` (one binary per area: `crash`, `cli`, `merge`, `relay`); this
//! library holds what they, the `crash-writer` binary and the app's end-to-end test
//! (src-tauri/tests) share: valid mainland ID numbers made from a counter, a tiny deterministic
//! PRNG so that runs are reproducible without a rand crate, data directories and a relay in
//! child processes ([`procs`]), the ledger's header and two devices sharing one household
//! ([`ledger`]), Python programs reading files back ([`python`]), changes made by hand as a hostile device would ([`forge`]), a
//! relay serving a demo township with devices enrolled ([`township`]), and the real app under
//! Xvfb and WebKitWebDriver ([`webdriver`]). It may depend on every gridbook crate except the
//! app; only tests and the benchmarks depend on it.

pub mod forge;
pub mod ledger;
pub mod pg;
pub mod procs;
pub mod python;
pub mod township;
pub mod webdriver;

use chrono::{Days, NaiveDate};
use gridbook_domain::validate::check_char;

/// A valid mainland ID number (GB 11643-1999), distinct for every `n < 20_000_000`: region
/// 110105 (北京朝阳), a birth date `n / 1000` days after 1950-01-01, the sequence digits
/// `n % 1000`, then the right check character.
pub fn mainland_id(n: u64) -> String {
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(n / 1000)))
        .unwrap_or(NaiveDate::MIN);
    with_check_char(&format!("110105{}{:03}", birth.format("%Y%m%d"), n % 1000))
}

/// The first 17 characters followed by their right check character, even when the birth date
/// they encode is invalid (to test the date rule on its own).
pub fn with_check_char(first17: &str) -> String {
    let check = check_char(first17).unwrap_or('?');
    format!("{first17}{check}")
}

/// The same ID number with a wrong check character.
pub fn with_wrong_check_char(id: &str) -> String {
    let (first17, check) = id.split_at(17);
    let wrong = if check == "1" { '2' } else { '1' };
    format!("{first17}{wrong}")
}

pub use gridbook_domain::demo::SplitMix64;

/// The `gridbook` binary the tests drive: `$GRIDBOOK_BIN`, or `cargo build -p gridbook` into
/// the test's own target directory and profile (a no-op when it is current), so a stale
/// binary is never tested.
pub fn gridbook_bin() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("GRIDBOOK_BIN") {
            return std::path::PathBuf::from(p);
        }
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe
            .parent()
            .and_then(std::path::Path::parent)
            .expect("test executable in target/<profile>/deps");
        let target_dir = profile_dir.parent().expect("target dir");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace");
        let status = std::process::Command::new(option_env!("CARGO").unwrap_or("cargo"))
            .args(["build", "--quiet", "-p", "gridbook", "--bin", "gridbook"])
            .args(["--profile", profile])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(workspace)
            .status()
            .expect("run cargo build -p gridbook");
        assert!(status.success(), "cargo build -p gridbook failed");
        profile_dir.join("gridbook")
    })
}

/// Splits a command line at spaces; `'…'` is one word, which may be empty or hold spaces.
pub fn words(cmdline: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cmdline.trim_start();
    while !rest.is_empty() {
        let (word, tail) = match rest.strip_prefix('\'') {
            Some(quoted) => quoted.split_once('\'').expect("closing quote"),
            None => rest.split_once(' ').unwrap_or((rest, "")),
        };
        out.push(word.to_owned());
        rest = tail.trim_start();
    }
    out
}

/// The string at `key` of a JSON object (panics with the object otherwise).
pub fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

/// The integer `v[key]`, or a panic that shows `v`.
pub fn int_of(v: &serde_json::Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("no integer {key:?} in {v}"))
}

/// A JSON array (panics with the value otherwise).
pub fn array(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridbook_domain::validate::parse_mainland_id;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut seen = std::collections::HashSet::new();
        for n in [0, 1, 999, 1000, 59_999, 1_000_000, 19_999_999] {
            let id = mainland_id(n);
            assert!(parse_mainland_id(&id, today).is_ok(), "{id}");
            assert!(seen.insert(id));
        }
        assert_eq!(&mainland_id(1001)[..17], "11010519500102001");
        let wrong = with_wrong_check_char(&mainland_id(7));
        assert_eq!(
            parse_mainland_id(&wrong, today).unwrap_err().reason,
            "check_char"
        );
    }

    #[test]
    fn prng_is_deterministic_and_in_range() {
        let (mut a, mut b) = (SplitMix64::new(9), SplitMix64::new(9));
        for _ in 0..100 {
            let x = a.range(5, 80);
            assert_eq!(x, b.range(5, 80));
            assert!((5..=80).contains(&x));
        }
    }
}
