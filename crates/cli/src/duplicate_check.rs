//! Duplicate detection without a store: `person duplicate-check` lists the pairs of persons
//! that look like one (疑似重复) among persons given as JSON, as `duplicates` lists them from
//! the store: the same reasons, strongest first, each person paired with the first of its
//! group, dismissed pairs left out. It reads one JSON object (a file, or stdin with `-`) and
//! prints JSON; nothing is opened or written. The browser tests' fake backend asks it, so the
//! duplicates screen is tested against the app's own rule.

use std::path::Path;

use gridbook_store::{duplicate_pairs, PersonKeys};
use serde::Deserialize;

use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// What `person duplicate-check` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DuplicateInput {
    /// The persons in lists.
    persons: Vec<PersonKeys>,
    /// Pairs dismissed as not one person.
    #[serde(default)]
    dismissed: Vec<[String; 2]>,
}

/// Runs `person duplicate-check`.
pub fn run_duplicate_check(input: &Path, json: bool) -> Result<(), Failure> {
    let text = read_input(input)?;
    let i: DuplicateInput =
        serde_json::from_str(&text).map_err(|e| bad_json("人员列表", "persons", &e))?;
    let dismissed: Vec<(String, String)> = i
        .dismissed
        .into_iter()
        .map(|[a, b]| if a <= b { (a, b) } else { (b, a) })
        .collect();
    let out = duplicate_pairs(&i.persons, &dismissed);
    emit(json, &out, || {
        out.iter()
            .map(|d| format!("{}  {} ↔ {}", d.reason.zh(), d.persons[0], d.persons[1]))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
