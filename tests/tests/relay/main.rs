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
use gridbook_tests::{array, mainland_id, str_of, SplitMix64};
use serde_json::Value;

/// A relay with a demo township, serving.
struct World {
    relay: Data,
    server: Server,
    township: String,
    villages: Vec<String>,
    logs: tempfile::TempDir,
}

/// An enrolled device.
struct Device {
    data: Data,
    id: String,
    token: String,
}

impl std::ops::Deref for Device {
    type Target = Data;
    fn deref(&self) -> &Data {
        &self.data
    }
}

impl World {
    fn new(villages: usize, households: usize) -> World {
        let relay = Data::new();
        let demo = relay.json(&format!(
            "demo --villages {villages} --households {households} --seed 3"
        ));
        let township = str_of(&demo, "township_id").to_owned();
        let villages: Vec<String> = array(&relay.json("village list"))
            .iter()
            .map(|v| str_of(v, "id").to_owned())
            .collect();
        let logs = tempfile::tempdir().expect("log dir");
        let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
        World {
            relay,
            server,
            township,
            villages,
            logs,
        }
    }

    fn log(&self) -> PathBuf {
        self.logs.path().join("relay.log")
    }

    /// `relay device add`: (device id, token).
    fn add_device(&self, role: &str, village: Option<&str>, name: &str) -> (String, String) {
        let scope = match village {
            Some(v) => format!("--village {v}"),
            None => "--township".to_owned(),
        };
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let id = str_of(&added, "device_id").to_owned();
        let token = str_of(&added, "token").to_owned();
        assert!(!id.is_empty() && token.len() >= 32, "{added}");
        (id, token)
    }

    /// A new device directory, renamed to `name`, enrolled with the relay, synced once.
    fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let (id, token) = self.add_device(role, village, name);
        let data = Data::new();
        data.ok(&format!("device rename {name}"));
        let hello = data.json(&format!(
            "enroll --relay {} --token {token}",
            self.server.url
        ));
        assert_eq!(str_of(&hello, "device_id"), id, "{hello}");
        assert_eq!(str_of(&hello, "township_id"), self.township, "{hello}");
        assert_eq!(str_of(&hello, "role"), role, "{hello}");
        assert_eq!(hello["village_id"].as_str(), village, "{hello}");
        data.sync();
        Device { data, id, token }
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

/// The documents the relay refused in one `sync --json`.
fn refused(stats: &Value) -> Vec<String> {
    stats["refused"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r[0].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
