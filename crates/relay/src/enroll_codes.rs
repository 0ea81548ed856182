//! One-time enrollment codes: a short code a new device exchanges once for its token, so that
//! nobody types a 64-character token by hand.
//!
//! A code is 8 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L):
//! about 40 bits, drawn from the operating system's generator. Only its SHA-256 is kept, it
//! expires (24 hours unless told otherwise), it works once, and only while its device is not
//! revoked. Redeeming it gives the device a fresh token (the token made when the device was
//! added is never shown). Guessing is bounded by [`Limiter`]: a few failures per address and
//! a ceiling for all addresses together. Every refusal reads the same, whether the code was
//! wrong, expired, used or its device revoked.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::devices::{random_token, token_hash, Device, Devices};
use crate::error::{RelayError, Result};

/// The letters of a code: digits and capitals without 0, 1, I, L, O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Letters in a code (shown as two groups of four).
pub const CODE_LEN: usize = 8;
/// How long a code is valid unless told otherwise.
pub const DEFAULT_VALID: Duration = Duration::from_secs(24 * 3600);
/// The longest a code may be valid.
pub const MAX_VALID: Duration = Duration::from_secs(7 * 24 * 3600);
/// The one answer to every code that does not work.
pub const BAD_CODE: &str = "invalid enrollment code";

/// A code just issued (shown once; only its hash is kept).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IssuedCode {
    /// The device the code enrolls.
    pub device_id: String,
    /// The code, as `ABCD-EFGH`.
    pub code: String,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
}

/// Creates the tables of codes and of last syncs in the registry's database.
pub(crate) fn create_tables(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS enroll_codes (
            code_hash TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        );
        CREATE TABLE IF NOT EXISTS device_seen (
            device_id TEXT PRIMARY KEY,
            last_sync INTEGER NOT NULL
        );",
    )
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A fresh random code, `ABCD-EFGH`.
fn random_code() -> String {
    let mut letters = Vec::with_capacity(CODE_LEN);
    while letters.len() < CODE_LEN {
        let uuid = uuid::Uuid::new_v4();
        let bytes = uuid.as_bytes();
        // Bytes 6 and 8 carry the version and variant bits; the other 14 are random. Values
        // of 248 and above are dropped so that each letter is equally likely (248 = 8 × 31).
        for (i, b) in bytes.iter().enumerate() {
            if i != 6 && i != 8 && *b < 248 && letters.len() < CODE_LEN {
                letters.push(ALPHABET[usize::from(*b) % ALPHABET.len()]);
            }
        }
    }
    let s = String::from_utf8(letters).unwrap_or_default();
    format!("{}-{}", &s[..4], &s[4..])
}

/// The canonical form of a typed code (upper case, without spaces and dashes), if it can be
/// a code at all.
pub fn normalize(code: &str) -> Option<String> {
    if code.len() > 64 {
        return None;
    }
    let s: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

/// A code about to be kept: what is shown once, and what a registry stores of it.
#[derive(Debug, Clone)]
pub struct NewCode {
    /// The code as shown, with its device and expiry.
    pub issued: IssuedCode,
    /// The hash it is kept under (the code itself is never stored).
    pub code_hash: String,
    /// When it stops working (seconds since the Unix epoch).
    pub expires_at: i64,
}

/// A fresh code for `device_id`, valid for `valid` from now: the validity and expiry rules of
/// every registry (SQLite and PostgreSQL keep only what this gives them).
pub fn new_code(device_id: &str, valid: Duration) -> Result<NewCode> {
    check_valid(valid)?;
    let code = random_code();
    let expires_at = unix_now() + valid.as_secs() as i64;
    let code_hash = typed_code_hash(&code).unwrap_or_default();
    Ok(NewCode {
        issued: IssuedCode {
            device_id: device_id.to_owned(),
            code,
            expires_at: chrono::DateTime::from_timestamp(expires_at, 0)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        code_hash,
        expires_at,
    })
}

/// The hash a typed code is looked up by, if it can be a code at all (see [`normalize`]).
pub fn typed_code_hash(code: &str) -> Option<String> {
    normalize(code).map(|c| token_hash(&c))
}

/// What a registry keeps of a code, as read when someone redeems it.
#[derive(Debug, Clone, Copy)]
pub struct StoredCode {
    /// When it stops working (seconds since the Unix epoch).
    pub expires_at: i64,
    /// Whether it was redeemed already.
    pub used: bool,
    /// Whether its device was revoked.
    pub revoked: bool,
}

impl StoredCode {
    /// The redemption rule of every registry: a code works once, before it expires, and only
    /// while its device is not revoked. The registry marks it used in the same transaction
    /// that read it.
    pub fn redeemable(&self, now: i64) -> bool {
        !self.used && !self.revoked && now < self.expires_at
    }
}

impl Devices {
    /// Adds a device that enrolls with a one-time code valid for `valid`.
    pub fn add_with_code(
        &self,
        name: &str,
        role: &str,
        village: Option<&str>,
        valid: Duration,
    ) -> Result<(Device, IssuedCode)> {
        check_valid(valid)?;
        // The token made here is never shown: redeeming the code replaces it.
        let (device, _unseen) = self.add(name, role, village)?;
        let code = self.issue_code(&device.device_id, valid)?;
        Ok((device, code))
    }

    /// A new one-time code for an enrolled, not revoked device; its earlier unused codes
    /// stop working.
    pub fn issue_code(&self, device_id: &str, valid: Duration) -> Result<IssuedCode> {
        check_valid(valid)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let revoked: Option<bool> = tx
            .query_row(
                "SELECT revoked FROM devices WHERE device_id = ?1",
                [device_id],
                |r| r.get(0),
            )
            .optional()?;
        match revoked {
            None => return Err(RelayError::UnknownDevice(device_id.to_owned())),
            Some(true) => {
                return Err(RelayError::Invalid(format!(
                    "device {device_id} is revoked"
                )))
            }
            Some(false) => {}
        }
        tx.execute(
            "DELETE FROM enroll_codes WHERE device_id = ?1 AND used_at IS NULL",
            [device_id],
        )?;
        let code = new_code(device_id, valid)?;
        tx.execute(
            "INSERT INTO enroll_codes (code_hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
            params![code.code_hash, device_id, code.expires_at],
        )?;
        tx.commit()?;
        Ok(code.issued)
    }

    /// Exchanges a code for its device and a fresh token, once; `None` for a code that is
    /// malformed, unknown, expired, used, or whose device was revoked (all alike).
    pub fn redeem_code(&self, code: &str) -> Result<Option<(Device, String)>> {
        let Some(hash) = typed_code_hash(code) else {
            return Ok(None);
        };
        let now = unix_now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found = tx
            .query_row(
                "SELECT d.device_id, d.name, d.role, d.scope, d.revoked, c.expires_at,
                   c.used_at IS NOT NULL
                 FROM enroll_codes c JOIN devices d ON d.device_id = c.device_id
                 WHERE c.code_hash = ?1",
                [&hash],
                |r| {
                    let device = crate::devices::row(r)?;
                    let stored = StoredCode {
                        expires_at: r.get(5)?,
                        used: r.get(6)?,
                        revoked: device.revoked,
                    };
                    Ok((device, stored))
                },
            )
            .optional()?;
        let Some((device, _)) = found.filter(|(_, stored)| stored.redeemable(now)) else {
            return Ok(None);
        };
        let token = random_token();
        tx.execute(
            "UPDATE enroll_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![hash, now],
        )?;
        tx.execute(
            "UPDATE devices SET token_hash = ?2 WHERE device_id = ?1",
            params![device.device_id, token_hash(&token)],
        )?;
        tx.commit()?;
        Ok(Some((device, token)))
    }

    /// Notes that `device_id` synced now (to the minute: the rounds of one session write once).
    pub fn seen(&self, device_id: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO device_seen (device_id, last_sync) VALUES (?1, ?2)
             ON CONFLICT (device_id) DO UPDATE SET last_sync = excluded.last_sync
             WHERE device_seen.last_sync < excluded.last_sync - 60",
            params![device_id, unix_now()],
        )?;
        Ok(())
    }

    /// When each device last synced (seconds since the Unix epoch).
    pub fn last_syncs(&self) -> Result<HashMap<String, i64>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT device_id, last_sync FROM device_seen")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

fn check_valid(valid: Duration) -> Result<()> {
    if valid.is_zero() || valid > MAX_VALID {
        return Err(RelayError::Invalid(
            "an enrollment code is valid for 1 second to 7 days".into(),
        ));
    }
    Ok(())
}

/// Parses a validity like `90s`, `30m`, `24h` or `7d`.
pub fn parse_valid(s: &str) -> Result<Duration> {
    let s = s.trim();
    let bad = || RelayError::Invalid(format!("validity '{s}': expected e.g. 30m, 24h or 7d"));
    let split = s.len().checked_sub(1).ok_or_else(bad)?;
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86400),
        _ => None,
    }
    .ok_or_else(bad)?;
    let d = Duration::from_secs(secs);
    check_valid(d)?;
    Ok(d)
}

/// Failures allowed from one address per window.
pub const PER_ADDRESS: u32 = 10;
/// Failures allowed from all addresses together per window.
pub const ALL_ADDRESSES: u32 = 500;
/// The window failures are counted over.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses tracked at most (older windows are dropped first).
const MAX_TRACKED: usize = 10_000;

/// Counts failed redemptions per address and in all: once over the limit, an address (or
/// everyone) waits until its window ends.
#[derive(Default)]
pub struct Limiter {
    state: Mutex<LimiterState>,
}

#[derive(Default)]
struct LimiterState {
    by_address: HashMap<Option<IpAddr>, (Instant, u32)>,
    all: Option<(Instant, u32)>,
}

fn fresh(window: &mut Option<(Instant, u32)>, now: Instant) -> &mut (Instant, u32) {
    if window.is_none_or(|(start, _)| now.duration_since(start) >= WINDOW) {
        *window = Some((now, 0));
    }
    window.get_or_insert((now, 0))
}

impl Limiter {
    fn state(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `address` may try a code now.
    pub fn allowed(&self, address: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let mut st = self.state();
        if fresh(&mut st.all, now).1 >= ALL_ADDRESSES {
            return false;
        }
        match st.by_address.get(&address) {
            Some((start, n)) => now.duration_since(*start) >= WINDOW || *n < PER_ADDRESS,
            None => true,
        }
    }

    /// Counts a failed attempt from `address`.
    pub fn failed(&self, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut st = self.state();
        fresh(&mut st.all, now).1 += 1;
        if st.by_address.len() >= MAX_TRACKED && !st.by_address.contains_key(&address) {
            st.by_address
                .retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if st.by_address.len() >= MAX_TRACKED {
                // Every tracked address is in its window: the ceiling for all still holds.
                return;
            }
        }
        let mut slot = st.by_address.get(&address).copied();
        let entry = fresh(&mut slot, now);
        entry.1 += 1;
        let entry = *entry;
        st.by_address.insert(address, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_well_formed_and_typed_codes_are_normalized() {
        for _ in 0..200 {
            let c = random_code();
            assert_eq!(c.len(), 9, "{c}");
            assert_eq!(&c[4..5], "-");
            assert_eq!(normalize(&c).as_deref(), Some(&c.replace('-', "")[..]));
        }
        assert_eq!(normalize(" abcd-efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize("ab cd ef gh").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize("ABCD-EFG0"), None, "0 is not in the alphabet");
        assert_eq!(normalize("ABCD-EFG"), None);
        assert_eq!(normalize("ABCD-EFGHJ"), None);
        assert_eq!(normalize(&"A".repeat(100)), None);
        assert_eq!(normalize("ABCD-ÉFGH"), None);
    }

    #[test]
    fn a_stored_code_works_once_before_it_expires_for_a_live_device() {
        let code = |used, revoked| StoredCode {
            expires_at: 1000,
            used,
            revoked,
        };
        assert!(code(false, false).redeemable(999));
        assert!(!code(false, false).redeemable(1000), "expired at its time");
        assert!(!code(true, false).redeemable(0), "used");
        assert!(!code(false, true).redeemable(0), "revoked");
        let made = new_code("d", Duration::from_secs(60)).unwrap();
        assert_eq!(typed_code_hash(&made.issued.code), Some(made.code_hash));
        assert!((made.expires_at - unix_now() - 60).abs() <= 1);
        assert!(new_code("d", Duration::ZERO).is_err());
    }

    #[test]
    fn validity_is_parsed_and_bounded() {
        assert_eq!(parse_valid("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_valid("24h").unwrap(), DEFAULT_VALID);
        assert_eq!(parse_valid("7d").unwrap(), MAX_VALID);
        for bad in ["", "h", "0s", "8d", "-1h", "1w", "99999999999999999999d"] {
            assert!(parse_valid(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_limiter_stops_an_address_then_everyone() {
        let l = Limiter::default();
        let a: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let b: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        for _ in 0..PER_ADDRESS {
            assert!(l.allowed(a));
            l.failed(a);
        }
        assert!(!l.allowed(a));
        assert!(l.allowed(b));
        for i in 0..ALL_ADDRESSES {
            l.failed(Some(IpAddr::from([10, 1, (i >> 8) as u8, i as u8])));
        }
        assert!(!l.allowed(b));
    }

    #[test]
    fn a_code_works_once_and_not_for_a_revoked_device() {
        let dir = tempfile::tempdir().unwrap();
        let devices = Devices::open(dir.path()).unwrap();
        let (d, code) = devices
            .add_with_code("桂花村手机", "grid-worker", Some("V1"), DEFAULT_VALID)
            .unwrap();
        assert!(devices.redeem_code("ZZZZ-ZZZZ").unwrap().is_none());
        let (got, token) = devices
            .redeem_code(&code.code.to_lowercase())
            .unwrap()
            .unwrap();
        assert_eq!(got.device_id, d.device_id);
        assert_eq!(
            devices.by_token(&token).unwrap().unwrap().device_id,
            d.device_id
        );
        assert!(devices.redeem_code(&code.code).unwrap().is_none(), "used");
        assert!(devices.last_syncs().unwrap().is_empty());
        devices.seen(&d.device_id).unwrap();
        let first = devices.last_syncs().unwrap()[&d.device_id];
        assert!((first - unix_now()).abs() <= 1);

        let again = devices.issue_code(&d.device_id, DEFAULT_VALID).unwrap();
        devices.revoke(&d.device_id).unwrap();
        assert!(
            devices.redeem_code(&again.code).unwrap().is_none(),
            "revoked"
        );
        assert!(devices.issue_code(&d.device_id, DEFAULT_VALID).is_err());
        assert!(devices.issue_code("nobody", DEFAULT_VALID).is_err());
    }
}
