//! The set-up the tests of devices and a relay share: a relay data directory with a demo
//! township, served by `gridbook relay serve` in a child process, and devices enrolled with
//! it through the command line.

use serde_json::Value;

use crate::procs::{Data, Server};
use crate::{array, str_of};

/// A relay with a demo township, serving on 127.0.0.1.
pub struct Township {
    /// The relay's data directory.
    pub relay: Data,
    /// The relay serving it.
    pub server: Server,
    /// The township's id.
    pub township: String,
    /// Its villages' ids, in the order `village list` gives them.
    pub villages: Vec<String>,
    /// Holds the relay's log.
    pub logs: tempfile::TempDir,
}

/// A device the relay added.
pub struct Added {
    /// Its id at the relay.
    pub id: String,
    /// Its token.
    pub token: String,
}

/// A device enrolled with the relay in its own data directory.
pub struct Device {
    /// Its data directory.
    pub data: Data,
    /// Its id at the relay.
    pub id: String,
    /// Its token.
    pub token: String,
}

impl Township {
    /// `demo ARGS` (e.g. `--villages 2 --households 6 --seed 5`) in a new relay data
    /// directory, served on 127.0.0.1 with its log in `relay.log` of [`Township::logs`].
    pub fn demo(args: &str) -> Township {
        let relay = Data::new();
        relay.json(&format!("demo {args}"));
        Township::serve(relay)
    }

    /// Serves the township already in the relay data directory `relay` on 127.0.0.1, with its
    /// log in `relay.log` of [`Township::logs`].
    pub fn serve(relay: Data) -> Township {
        Township::serve_with(relay, &[])
    }

    /// [`Township::serve`] with more arguments for `relay serve` (e.g. `--admin ADDR`).
    pub fn serve_with(relay: Data, args: &[&str]) -> Township {
        let township = str_of(&relay.json("device show"), "township_id").to_owned();
        let villages = array(&relay.json("village list"))
            .iter()
            .map(|v| str_of(v, "id").to_owned())
            .collect();
        let logs = tempfile::tempdir().expect("log dir");
        let server = Server::try_start_with(
            relay.path(),
            "127.0.0.1:0",
            &logs.path().join("relay.log"),
            args,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Township {
            relay,
            server,
            township,
            villages,
            logs,
        }
    }

    /// `relay device add`: a device with `role` in `village` (or the whole township).
    pub fn add_device(&self, role: &str, village: Option<&str>, name: &str) -> Added {
        let scope = village.map_or("--township".to_owned(), |v| format!("--village {v}"));
        let added = self.relay.json(&format!(
            "relay device add {scope} --role {role} --name {name}"
        ));
        let added = Added {
            id: str_of(&added, "device_id").to_owned(),
            token: str_of(&added, "token").to_owned(),
        };
        assert!(!added.id.is_empty() && added.token.len() >= 32);
        added
    }

    /// Makes the data directory `device` a device of the relay named `name`, with `role` in
    /// `village` (or the whole township): added at the relay, renamed, enrolled and synced once.
    /// Returns what the relay added and the stats of that first sync.
    pub fn enroll(
        &self,
        device: &Data,
        role: &str,
        village: Option<&str>,
        name: &str,
    ) -> (Added, Value) {
        let added = self.add_device(role, village, name);
        device.ok(&format!("device rename {name}"));
        let hello = device.json(&format!(
            "enroll --relay {} --token {}",
            self.server.url, added.token
        ));
        assert_eq!(str_of(&hello, "device_id"), added.id, "{hello}");
        assert_eq!(str_of(&hello, "township_id"), self.township, "{hello}");
        assert_eq!(str_of(&hello, "role"), role, "{hello}");
        assert_eq!(hello["village_id"].as_str(), village, "{hello}");
        let stats = device.sync();
        (added, stats)
    }

    /// A new device named `name` with `role` in `village` (or the whole township), enrolled
    /// and synced once: that first sync must succeed with nothing refused.
    pub fn device(&self, role: &str, village: Option<&str>, name: &str) -> Device {
        let data = Data::new();
        let (added, stats) = self.enroll(&data, role, village, name);
        assert!(array(&stats["refused"]).is_empty(), "{stats}");
        Device {
            data,
            id: added.id,
            token: added.token,
        }
    }
}

impl std::ops::Deref for Device {
    type Target = Data;
    fn deref(&self) -> &Data {
        &self.data
    }
}

/// The documents the relay refused in one `sync --json`.
pub fn refused(stats: &Value) -> Vec<String> {
    stats["refused"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r[0].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
