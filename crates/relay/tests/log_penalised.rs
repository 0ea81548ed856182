//! A device hammering the relay with what it cannot take does not flood its log: a real
//! relay on 127.0.0.1 (in this process, its log lines caught as JSON), sent one request
//! after another that is not a sync message. Each is refused (400) and costs the device a
//! strike; the log has one warning for the lot (more a minute later, with how many were left
//! out), while an honest request is still logged on its own line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{exchange, start, status};
use serde_json::Value;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

/// The log lines written so far.
#[derive(Clone, Default)]
struct Caught(Arc<Mutex<Vec<u8>>>);

impl Write for Caught {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Caught {
    type Writer = Caught;
    fn make_writer(&'a self) -> Caught {
        self.clone()
    }
}

impl Caught {
    /// The request lines of route `route`.
    fn lines(&self, route: &str) -> Vec<Value> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|l| l["target"] == "gridbook_relay::request" && l["route"] == route)
            .collect()
    }
}

#[test]
fn a_device_refused_again_and_again_is_logged_once_as_a_warning() {
    let caught = Caught::default();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(false)
                .with_writer(caught.clone()),
        )
        .init();
    let r = start(None);
    let garbage = b"not a sync message at all";
    let head = format!(
        "POST /v1/sync HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        r.token,
        garbage.len()
    );
    // Fewer than the strikes a device may take before it is made to wait: answered at once.
    let sent = 25;
    for _ in 0..sent {
        assert_eq!(status(&exchange(r.addr, &head, garbage)), 400);
    }
    let lines = caught.lines("sync");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let l = &lines[0];
    assert_eq!(l["level"], "WARN", "{l}");
    assert_eq!(l["status"], 400, "{l}");
    assert_eq!(l["device"], "甲村网格员", "{l}");
    assert_eq!(l["suppressed"], 0, "{l}");
    assert!(
        !caught.lines("sync").iter().any(|l| l["level"] == "ERROR"),
        "no error for a device's own doing"
    );

    // An honest request of the same device has its line.
    let hello = exchange(
        r.addr,
        &format!(
            "GET /v1/hello HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            r.token
        ),
        b"",
    );
    assert_eq!(status(&hello), 200);
    let hellos = caught.lines("hello");
    assert_eq!(hellos.len(), 1, "{hellos:#?}");
    assert_eq!(hellos[0]["level"], "INFO");
    assert_eq!(
        caught.lines("sync").len(),
        1,
        "still one line for {sent} refusals"
    );
}
