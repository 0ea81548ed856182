//! The arrows between the workspace's crates are the ones the README allows: read from
//! `cargo metadata`, every dependency of every gridbook crate (normal, build and dev) is
//! checked against the list below, and the few outside libraries that bring a network client,
//! a window or a database client are checked to come in only where they belong.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Which gridbook crates each gridbook crate may depend on (dev-dependencies may also name
/// `gridbook-tests`, the shared test helpers).
const ALLOWED: &[(&str, &[&str])] = &[
    ("gridbook-domain", &[]),
    ("gridbook-keys", &[]),
    ("gridbook-cipher", &[]),
    ("gridbook-store", &["gridbook-domain", "gridbook-cipher"]),
    ("gridbook-sync", &["gridbook-domain", "gridbook-store"]),
    (
        "gridbook-relay",
        &["gridbook-domain", "gridbook-store", "gridbook-sync"],
    ),
    (
        "gridbook-relay-pg",
        &[
            "gridbook-domain",
            "gridbook-store",
            "gridbook-sync",
            "gridbook-relay",
        ],
    ),
    ("gridbook-export", &["gridbook-domain", "gridbook-store"]),
    ("gridbook-print", &["gridbook-domain", "gridbook-store"]),
    ("gridbook-import", &["gridbook-domain", "gridbook-store"]),
    (
        "gridbook",
        &[
            "gridbook-domain",
            "gridbook-store",
            "gridbook-sync",
            "gridbook-relay",
            "gridbook-relay-pg",
            "gridbook-export",
            "gridbook-print",
            "gridbook-import",
            "gridbook-keys",
        ],
    ),
    (
        "gridbook-app",
        &[
            "gridbook-domain",
            "gridbook-store",
            "gridbook-sync",
            "gridbook-export",
            "gridbook-print",
            "gridbook-import",
            "gridbook-keys",
        ],
    ),
    (
        "gridbook-tests",
        &[
            "gridbook-domain",
            "gridbook-store",
            "gridbook-sync",
            "gridbook-relay",
            "gridbook-export",
            "gridbook-print",
            "gridbook-import",
            "gridbook-keys",
        ],
    ),
    (
        "gridbook-bench",
        &[
            "gridbook-domain",
            "gridbook-store",
            "gridbook-sync",
            "gridbook-relay",
            "gridbook-export",
            "gridbook-print",
            "gridbook-import",
            "gridbook-keys",
            "gridbook-tests",
        ],
    ),
];

/// Outside libraries only some crates may use: the window, the PostgreSQL client, the
/// device's HTTP client.
const ONLY_IN: &[(&str, &[&str])] = &[
    ("tauri", &["gridbook-app"]),
    ("postgres", &["gridbook-relay-pg"]),
    // Reached only through `postgres`, which runs each statement on the calling thread.
    ("tokio-postgres", &[]),
    ("deadpool-postgres", &[]),
    ("ureq", &["gridbook-sync", "gridbook-tests"]),
];

/// One dependency: (from, to, kind, features asked for).
type Arrow = (String, String, String, Vec<String>);

fn arrows() -> Vec<Arrow> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        for d in p["dependencies"].as_array().unwrap() {
            all.push((
                p["name"].as_str().unwrap().to_owned(),
                d["name"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap_or("normal").to_owned(),
                d["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
            ));
        }
    }
    all
}

#[test]
fn crates_depend_only_along_the_allowed_arrows() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(k, v)| (*k, v.iter().copied().collect()))
        .collect();
    let all = arrows();
    let ours: BTreeSet<&str> = all.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        ours,
        allowed.keys().copied().collect(),
        "every workspace crate has its line in ALLOWED"
    );
    let mut wrong = Vec::new();
    for (from, to, kind, features) in &all {
        if allowed.contains_key(to.as_str()) {
            let ok = allowed[from.as_str()].contains(to.as_str())
                || (kind == "dev" && to == "gridbook-tests")
                || (kind == "dev" && from == "gridbook-relay" && to == "gridbook-sync");
            if !ok {
                wrong.push(format!("{from} -> {to} ({kind})"));
            }
        }
        if let Some((_, only)) = ONLY_IN.iter().find(|(lib, _)| lib == to) {
            if !only.contains(&from.as_str()) {
                wrong.push(format!("{from} -> {to} ({kind}): only {only:?} may"));
            }
        }
        // The relay serves; it builds no HTTP client (the sync crate's `client` feature).
        if from == "gridbook-relay" && kind == "normal" && features.iter().any(|f| f == "client") {
            wrong.push(format!("{from} -> {to} with the client feature"));
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows the README does not allow: {wrong:#?}"
    );
}

#[test]
fn cargo_metadata_lists_the_arrows_checked() {
    // The check above would pass on an empty list: the arrows it must see are there.
    let all = arrows();
    let has = |from: &str, to: &str| all.iter().any(|a| a.0 == from && a.1 == to);
    assert!(has("gridbook-store", "gridbook-domain"));
    assert!(has("gridbook-relay", "gridbook-sync"));
    assert!(has("gridbook-app", "tauri"));
    assert!(has("gridbook-relay-pg", "postgres"));
    assert!(!has("gridbook-store", "gridbook-sync"));
}
