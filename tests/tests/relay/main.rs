//! Devices and a real relay: the `gridbook`
//! binary serves a store on 127.0.0.1:0 in a child process, devices are separate data
//! directories driven through the CLI (and, where a test needs to forge requests, in-process
//! through the store and the sync client).
//!
//! What must hold: edits of different fields merge and the same field set twice is a conflict
//! that every device sees until someone resolves it; a device of village A neither reads nor
//! writes village B and a volunteer only reads; revoked and unknown tokens are refused; a relay
//! killed in the middle of a sync loses nothing and the next sync converges; a device whose
//! clock is a day wrong loses nothing; hostile bytes get a 4xx, never harm what is stored and
//! never bring the relay down.
//!
//! Finding the binary: as in tests/cli.rs, `$GRIDBOOK_BIN` if set, otherwise `cargo build -p
//! gridbook` into the target directory and profile this test executable was built in.

mod duplicates;
mod faults;
mod hostile;
mod leave;
mod merge;
mod scope;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use gridbook_store::Store;
use gridbook_sync::client::Client;
use gridbook_sync::wire::{digest, Request};
use gridbook_sync::SyncError;
use gridbook_tests::procs::{Data, Server};
use gridbook_tests::township::{refused, Township};
use gridbook_tests::{array, mainland_id, str_of, SplitMix64};
use serde_json::Value;

/// The relay of these tests: a demo township served on 127.0.0.1 (see [`Township`]).
struct World(Township);

impl std::ops::Deref for World {
    type Target = Township;
    fn deref(&self) -> &Township {
        &self.0
    }
}

impl std::ops::DerefMut for World {
    fn deref_mut(&mut self) -> &mut Township {
        &mut self.0
    }
}

impl World {
    fn new(villages: usize, households: usize) -> World {
        World(Township::demo(&format!(
            "--villages {villages} --households {households} --seed 3"
        )))
    }

    fn log(&self) -> PathBuf {
        self.logs.path().join("relay.log")
    }

    /// The `nth` household of `village` on the relay and its head: (household id, person id).
    fn household_of(&self, village: &str, nth: usize) -> (String, String) {
        let list = self
            .relay
            .json(&format!("household list --village {village}"));
        let h = &array(&list)[nth];
        (
            str_of(h, "id").to_owned(),
            str_of(h, "head_person_id").to_owned(),
        )
    }
}

fn ledger(village: &str) -> String {
    format!("ledger:{village}")
}

/// Every key `sync --json` must have.
fn assert_sync_shape(stats: &Value) {
    for key in [
        "rounds",
        "docs_sent",
        "docs_received",
        "bytes_sent",
        "bytes_received",
        "ms",
    ] {
        assert!(
            stats[key].is_u64(),
            "sync --json lacks a number {key:?}: {stats}"
        );
    }
}
