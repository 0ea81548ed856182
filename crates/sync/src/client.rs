//! The device-side client: enrollment and sync over HTTP(S).
//!
//! A session that loses its connection is simply started again: every round the device
//! received was committed, the relay committed every round it received, and the new session
//! starts from the shared heads both sides persisted. So each retry makes progress.

use std::time::{Duration, Instant};

use gridbook_store::Store;

use crate::body;
use crate::engine::{DeviceSession, Replica, SyncStats};
use crate::error::{Result, SyncError};
use crate::identity::Hello;
use crate::wire::{Request, Response};

/// A relay address as typed, checked: `http://` or `https://` and a host. An address without
/// its scheme is refused with a message that says so (completing it with `http://` would send
/// the token in clear to whatever answers; with `https://` it would fail against a plain relay
/// with a TLS error nobody understands).
pub fn relay_address(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(url.to_owned()),
        _ => Err(SyncError::Store(gridbook_store::StoreError::Invalid(
            gridbook_domain::FieldError::new(
                "relay_url",
                "scheme",
                "中继地址应以 http:// 或 https:// 开头，例如 https://relay.example.cn:7878",
                "The relay address must start with http:// or https://, e.g. https://relay.example.cn:7878",
            ),
        ))),
    }
}

/// A failed request: the relay's certificate refused (not retried), or the network.
fn net_error(e: ureq::Error) -> SyncError {
    crate::client_pin::untrusted(&e).unwrap_or_else(|| SyncError::Network(e.to_string()))
}

/// How many times a sync is attempted before giving up.
pub const ATTEMPTS: u32 = 5;

/// An HTTP connection to a relay with a device token.
pub struct Client {
    base: String,
    token: String,
    agent: ureq::Agent,
    /// The role and village the latest sync answer named (see [`crate::identity`]).
    said: std::sync::Mutex<Option<(String, Option<String>)>>,
}

impl Client {
    /// A client for `base` (e.g. `http://127.0.0.1:7878`), trusting the system's roots.
    pub fn new(base: &str, token: &str) -> Client {
        Self::build(base, token, None)
    }

    /// A client that trusts only `ca_pem`, when given (a relay with its own certificate
    /// authority), and the system's roots otherwise.
    pub fn with_ca(base: &str, token: &str, ca_pem: Option<&str>) -> Result<Client> {
        let tls = ca_pem
            .map(|pem| {
                let cert = ureq::tls::Certificate::from_pem(pem.as_bytes())
                    .map_err(|e| SyncError::Malformed(format!("CA certificate: {e}")))?;
                let roots = ureq::tls::RootCerts::Specific(std::sync::Arc::new(vec![cert]));
                Ok::<_, SyncError>(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            })
            .transpose()?;
        Ok(Self::build(base, token, tls))
    }

    fn build(base: &str, token: &str, tls: Option<ureq::tls::TlsConfig>) -> Client {
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .timeout_connect(Some(Duration::from_secs(5)))
            .max_idle_age(crate::wire::REUSE_IDLE)
            .http_status_as_error(false);
        if let Some(tls) = tls {
            config = config.tls_config(tls);
        }
        Client {
            base: base.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            agent: config.build().into(),
            said: std::sync::Mutex::new(None),
        }
    }

    /// The client of an enrolled store.
    pub fn from_store(store: &Store) -> Result<Client> {
        match (store.setting("relay_url")?, store.setting("relay_token")?) {
            (Some(url), Some(token)) => Client::with_ca(
                &relay_address(&url)?,
                &token,
                store.setting("relay_ca")?.as_deref(),
            ),
            _ => Err(SyncError::NotEnrolled),
        }
    }

    fn check(resp: &mut ureq::http::Response<ureq::Body>) -> Result<()> {
        let status = resp.status().as_u16();
        if status == 200 {
            return Ok(());
        }
        let message = resp.body_mut().read_to_string().unwrap_or_default();
        if status >= 500 {
            return Err(SyncError::Network(format!(
                "relay error {status}: {message}"
            )));
        }
        Err(SyncError::Refused { status, message })
    }

    /// Asks the relay who this device is.
    pub fn hello(&self) -> Result<Hello> {
        let mut resp = self
            .agent
            .get(&format!("{}/v1/hello", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(net_error)?;
        Self::check(&mut resp)?;
        let text = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| SyncError::Malformed(e.to_string()))
    }

    /// `GET` (no body) or `POST` (a JSON body) of a small JSON endpoint, with this client's
    /// token if it has one; the answer is read up to 4 MiB.
    pub fn call_json(
        &self,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let sent = match body {
            None => {
                let mut call = self.agent.get(&url);
                if !self.token.is_empty() {
                    call = call.header("Authorization", &auth);
                }
                call.call()
            }
            Some(b) => {
                let mut call = self
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/json");
                if !self.token.is_empty() {
                    call = call.header("Authorization", &auth);
                }
                call.send(b.to_string().as_bytes())
            }
        };
        let mut resp = sent.map_err(net_error)?;
        Self::check(&mut resp)?;
        let text = resp
            .body_mut()
            .with_config()
            .limit(4 << 20)
            .read_to_string()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| SyncError::Malformed(e.to_string()))
    }

    /// One round trip; returns the response and the bytes of both bodies as sent.
    pub fn post(&self, req: &Request) -> Result<(Response, usize, usize)> {
        let plain = req.encode();
        let compressed = body::compress(&plain);
        let mut call = self
            .agent
            .post(&format!("{}/v1/sync", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .header("Content-Type", "application/octet-stream")
            .header("Accept-Encoding", body::ENCODING);
        if compressed.is_some() {
            call = call.header("Content-Encoding", body::ENCODING);
        }
        let sent = compressed.as_deref().unwrap_or(&plain);
        let mut resp = call.send(sent).map_err(net_error)?;
        Self::check(&mut resp)?;
        if let Some(said) = crate::identity::read(resp.headers()) {
            *self.said.lock().unwrap_or_else(|p| p.into_inner()) = Some(said);
        }
        let zstd = resp
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .is_some_and(body::names_zstd);
        let limit = crate::wire::MAX_MESSAGE * 4;
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(limit as u64)
            .read_to_vec()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        let decoded = if zstd {
            Response::decode(&body::decompress(&bytes, limit)?)?
        } else {
            Response::decode(&bytes)?
        };
        Ok((decoded, sent.len(), bytes.len()))
    }
}

/// Enrolls the store with a relay: checks the token, adopts the relay's township and keeps
/// the relay address, the token and the relay's CA certificate (if given) for later syncs, and
/// this device's role and village.
pub fn enroll(store: &Store, url: &str, token: &str, ca_pem: Option<&str>) -> Result<Hello> {
    let url = &relay_address(url)?;
    let hello = Client::with_ca(url, token, ca_pem)?.hello()?;
    match store.setting("township_id")? {
        Some(t) if t != hello.township_id && !store.doc_heads()?.is_empty() => {
            return Err(SyncError::Refused {
                status: 409,
                message: format!("this device holds the data of another township ({t})"),
            });
        }
        _ => store.set_setting("township_id", &hello.township_id)?,
    }
    // A device enrolled for another village (or role) keeps nothing its new scope may not
    // read, once that is synced; refused (nothing changed) while it holds changes the relay
    // has not had.
    let village = hello.village_id.as_deref().filter(|v| !v.is_empty());
    store.keep_readable(&hello.device_id, &hello.role, village)?;
    store.set_setting("relay_url", url.trim_end_matches('/'))?;
    store.set_setting("relay_token", token.trim())?;
    store.set_setting("relay_id", &hello.relay_id)?;
    if let Some(pem) = ca_pem {
        store.set_setting("relay_ca", pem)?;
    }
    // The role and scope decide the app's first screen; an empty village is the whole township
    // (it replaces the village of an earlier enrollment).
    store.set_setting("role", &hello.role)?;
    store.set_setting("village_id", hello.village_id.as_deref().unwrap_or(""))?;
    // Its id at the relay names its log of exports (`exports:<home>:<device>`); an id that
    // could not be one (checked like anything a relay says) leaves the log on the device.
    let plausible = !hello.device_id.is_empty()
        && hello.device_id.len() <= 64
        && hello
            .device_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let device = if plausible {
        hello.device_id.as_str()
    } else {
        ""
    };
    store.set_setting(gridbook_store::rights::DEVICE_ID, device)?;
    Ok(hello)
}

/// Runs one session of `replica` (a store, or any other [`Replica`]) over `post` (any
/// transport), starting over after network errors.
pub fn sync_with<R: Replica>(
    replica: &R,
    peer: &str,
    mut post: impl FnMut(&Request) -> Result<(Response, usize, usize)>,
) -> Result<SyncStats> {
    let started = Instant::now();
    let mut total = SyncStats::default();
    let mut attempt = 0;
    // Groups of finished checkpoint days the relay holds differently: listed one by one in
    // the next session (see `index`). Each such session lists more, so two suffice.
    let mut expand = std::collections::BTreeSet::new();
    let mut expansions = 0;
    loop {
        let mut session = DeviceSession::new(replica, peer).expanding(expand.clone());
        let result = (|| -> Result<()> {
            let mut req = Some(session.start()?);
            while let Some(r) = req.take() {
                let (resp, sent, received) = post(&r)?;
                session.stats.bytes_sent += sent;
                session.stats.bytes_received += received;
                req = session.handle(resp)?;
            }
            Ok(())
        })();
        let s = session.stats;
        total.rounds += s.rounds;
        total.docs_sent = total.docs_sent.max(s.docs_sent);
        total.docs_received += s.docs_received;
        total.bytes_sent += s.bytes_sent;
        total.bytes_received += s.bytes_received;
        total.refused = s.refused;
        match result {
            Ok(()) if session.to_expand.is_subset(&expand) || expansions == 2 => break,
            Ok(()) => {
                expansions += 1;
                expand.extend(session.to_expand);
            }
            Err(SyncError::Network(e)) if attempt + 1 < ATTEMPTS => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(200 << attempt));
                let _ = e;
            }
            Err(e) => return Err(e),
        }
    }
    total.ms = started.elapsed().as_millis() as u64;
    Ok(total)
}

/// Syncs an enrolled store with its relay; on success the local changes made before it
/// started count as synced (except for documents the relay refused).
///
/// Then the open cases this device keeps with no control record (started before the list
/// existed, or on a device of an older version) get one (see
/// [`Store::backfill_control_list`]), and a second session sends them at once. Here rather
/// than when the store opens: a case written elsewhere arrives by a sync, the role and scope
/// that decide who may write the list are the ones the relay just said, and a record is of
/// use only to other devices, which get it by a sync. When nothing is missing, the check is
/// one indexed query per open case.
pub fn sync(store: &Store) -> Result<SyncStats> {
    let client = Client::from_store(store)?;
    let peer = format!("relay:{}", store.setting("relay_id")?.unwrap_or_default());
    let mut stats = session(store, &client, &peer)?;
    if store.backfill_control_list()? > 0 {
        let more = session(store, &client, &peer)?;
        stats.rounds += more.rounds;
        stats.docs_sent = stats.docs_sent.max(more.docs_sent);
        stats.docs_received += more.docs_received;
        stats.bytes_sent += more.bytes_sent;
        stats.bytes_received += more.bytes_received;
        stats.ms += more.ms;
        stats.refused.extend(more.refused);
    }
    Ok(stats)
}

/// A device the township moved to another village or role (the relay says so in its answers)
/// drops the documents its new scope may not read once they are synced; until then they stay,
/// and their refused changes show as such.
fn drop_unreadable(store: &Store) -> Result<()> {
    match store.keep_readable_now() {
        Err(gridbook_store::StoreError::Refused { code, .. }) if code == "unsynced_elsewhere" => {
            Ok(())
        }
        other => other.map(drop).map_err(Into::into),
    }
}

/// One sync of `store` with its relay (see [`sync`]): of the documents within the scope the
/// relay last gave the device (see [`crate::offer`]); those outside it that hold local changes
/// count as refused.
fn session(store: &Store, client: &Client, peer: &str) -> Result<SyncStats> {
    let mark = store.outbox_mark()?;
    let offered = crate::offer::InScope::new(store)?;
    let result = sync_with(&offered, peer, |req| client.post(req));
    // The relay says the device's role and scope in every answer: a role changed at the
    // township applies from this sync on, whatever became of it.
    let said = client.said.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((role, village)) = said {
        crate::identity::adopt(store, &role, village.as_deref())?;
    }
    let mut stats = result?;
    for w in offered.withheld()? {
        if !stats.refused.iter().any(|(d, _)| *d == w.0) {
            stats.refused.push(w);
        }
    }
    let refused: Vec<String> = stats.refused.iter().map(|(d, _)| d.clone()).collect();
    store.mark_synced(&mark, &refused)?;
    crate::refusals::note(store, &stats.refused)?;
    drop_unreadable(store)?;
    Ok(stats)
}
