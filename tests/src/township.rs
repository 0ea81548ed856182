//! A relay with a demo township on 127.0.0.1 and devices enrolled in it through the CLI, as
//! the township's tests set them up.

use crate::procs::{Data, Server};
use crate::str_of;

/// A data directory whose clock reads `now` (local time).
pub fn at(now: &str) -> Data {
    let mut d = Data::new();
    d.now = Some(now.to_owned());
    d
}

/// A relay with a demo township (2 villages, 16 households, seed 13).
pub struct World {
    /// The relay's data directory.
    pub relay: Data,
    /// The relay serving it.
    pub server: Server,
    _logs: tempfile::TempDir,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// Starts it.
    pub fn new() -> World {
        let relay = Data::new();
        relay.json("demo --villages 2 --households 16 --seed 13");
        let logs = tempfile::tempdir().expect("log dir");
        let server = Server::start(relay.path(), "127.0.0.1:0", &logs.path().join("relay.log"));
        World {
            relay,
            server,
            _logs: logs,
        }
    }

    /// A device enrolled with `role` (in `village`, or the whole township) and synced once:
    /// (its data, its id).
    pub fn device(&self, role: &str, village: Option<&str>, name: &str) -> (Data, String) {
        let scope = village.map_or("--township".to_owned(), |v| format!("--village {v}"));
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let d = at("2026-12-04T09:00");
        d.ok(&format!("device rename {name}"));
        d.json(&format!(
            "enroll --relay {} --token {}",
            self.server.url,
            str_of(&added, "token")
        ));
        d.sync();
        (d, str_of(&added, "device_id").to_owned())
    }
}
