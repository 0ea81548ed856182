//! Duplicate detection without a store: `person duplicate-check` lists the pairs of persons
//! that look like one (疑似重复) among persons given as JSON, as `duplicates` lists them from
//! the store: the same reasons, strongest first, each person paired with the first of its
//! group, dismissed pairs left out. It reads one JSON object (a file, or stdin with `-`) and
//! prints JSON; nothing is opened or written. The browser tests' fake backend asks it, so the
//! duplicates screen is tested against the app's own rule.
//!
//! The command has its own small parser, tried before the main one: the commands of the main
//! parser each run on a store.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use gridbook_store::{duplicate_pairs, PersonKeys};
use serde::Deserialize;

use crate::args::Lang;
use crate::judge::{bad_json, read_input};
use crate::output::{emit, Failure};

/// The command line of `person duplicate-check`.
#[derive(Debug, Parser)]
#[command(name = "gridbook")]
pub struct DuplicateCli {
    /// Accepted like every command's and not read: nothing is opened.
    #[arg(long, global = true, hide = true)]
    data: Option<PathBuf>,
    /// Accepted like every command's and not read: nothing is opened.
    #[arg(long, global = true, hide = true)]
    pin: Option<String>,
    /// Print one JSON value on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages for people.
    #[arg(long, global = true, value_enum, default_value = "zh-CN")]
    pub lang: Lang,
    #[command(subcommand)]
    cmd: Top,
}

#[derive(Debug, Subcommand)]
enum Top {
    /// Persons in the ledger.
    #[command(subcommand)]
    Person(PersonRules),
}

#[derive(Debug, Subcommand)]
enum PersonRules {
    /// Pairs that look like one person, with no store: reads {"persons": [{"id", "name",
    /// "id_number", "birth_date", "phone"}], "dismissed"?: [[a, b]]} as JSON and prints the
    /// pairs as `duplicates --json` does.
    #[command(name = "duplicate-check")]
    DuplicateCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
    },
}

/// Whether the arguments ask for `person duplicate-check`.
pub fn asked(args: &[String]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "person" && w[1] == "duplicate-check")
}

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

/// Runs the parsed command.
pub fn run(cli: &DuplicateCli) -> Result<(), Failure> {
    let Top::Person(PersonRules::DuplicateCheck { input }) = &cli.cmd;
    run_duplicate_check(input, cli.json)
}

fn run_duplicate_check(input: &Path, json: bool) -> Result<(), Failure> {
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
