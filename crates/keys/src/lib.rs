//! gridbook-keys: the data key of an encrypted device store.
//!
//! A device store is a SQLCipher database encrypted with a random 256-bit data key. The data
//! key is never stored in the clear: the key file beside the database ([`KEY_FILE`]) holds it
//! wrapped (XChaCha20-Poly1305) by a key derived from the user's PIN with Argon2id and a
//! per-device random salt, and optionally wrapped a second time by a recovery code shown once.
//! Changing the PIN rewraps the data key only; the database is not re-encrypted. The key file
//! also keeps the count of wrong PINs in a row and the time before which no PIN is tried
//! (backoff).
//!
//! This crate knows nothing of SQLite, documents or the network: it must not depend on any
//! other gridbook crate.

mod error;
mod file;
mod wrap;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

pub use error::{KeyError, Result};
pub use file::{KdfParams, KeyFile, KEY_FILE};

/// Wrong PINs in a row allowed before each further attempt has to wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// Wait after the first wrong PIN beyond [`FREE_ATTEMPTS`]; it doubles with each further one.
pub const FIRST_WAIT_SECS: u64 = 30;
/// Longest wait between two attempts.
pub const MAX_WAIT_SECS: u64 = 3600;

/// The 256-bit key SQLCipher encrypts the store with. Wiped from memory when dropped.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// The raw key bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A fresh random key.
    fn random() -> Result<DataKey> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(DataKey(k))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// What the key file says about the lock, for a lock screen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LockStatus {
    /// Whether the store has a key file (is or will be encrypted).
    pub encrypted: bool,
    /// Wrong PINs in a row.
    pub failures: u32,
    /// Seconds to wait before the next attempt (0: may try now).
    pub wait_secs: u64,
    /// Whether a recovery code can unlock the store.
    pub has_recovery: bool,
}

/// Seconds since the Unix epoch, now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Whether `dir` has a key file.
pub fn is_encrypted(dir: &Path) -> bool {
    dir.join(KEY_FILE).exists()
}

/// The lock state of the store in `dir`.
pub fn status(dir: &Path, now: u64) -> Result<LockStatus> {
    match KeyFile::load(dir)? {
        None => Ok(LockStatus {
            encrypted: false,
            failures: 0,
            wait_secs: 0,
            has_recovery: false,
        }),
        Some(f) => Ok(LockStatus {
            encrypted: true,
            failures: f.failures,
            wait_secs: f.wait_until.saturating_sub(now),
            has_recovery: f.recovery.is_some(),
        }),
    }
}

/// Checks a PIN's shape: 4 to 64 characters, no control characters.
pub fn validate_pin(pin: &str) -> Result<()> {
    let n = pin.chars().count();
    if !(4..=64).contains(&n) || pin.chars().any(char::is_control) {
        return Err(KeyError::BadPin);
    }
    Ok(())
}

/// Creates the key file of `dir` with a fresh data key wrapped by `pin`. Refuses when the
/// directory already has one.
pub fn create(dir: &Path, pin: &str, params: KdfParams) -> Result<DataKey> {
    validate_pin(pin)?;
    if is_encrypted(dir) {
        return Err(KeyError::Exists);
    }
    let key = DataKey::random()?;
    let file = KeyFile {
        version: 1,
        kdf: params,
        pin: wrap::wrap(&params, pin.as_bytes(), &key, wrap::PIN_AAD)?,
        recovery: None,
        failures: 0,
        wait_until: 0,
    };
    file.save(dir)?;
    Ok(key)
}

/// Unwraps the data key of `dir` with `pin`. A wrong PIN counts towards the backoff (kept in
/// the key file); while a wait runs, no PIN is tried at all.
pub fn unlock(dir: &Path, pin: &str, now: u64) -> Result<DataKey> {
    let mut file = KeyFile::load(dir)?.ok_or(KeyError::NoKeyFile)?;
    if file.wait_until > now {
        return Err(KeyError::Wait {
            secs: file.wait_until - now,
        });
    }
    match wrap::unwrap(&file.kdf, pin.as_bytes(), &file.pin, wrap::PIN_AAD)? {
        Some(key) => {
            if file.failures != 0 || file.wait_until != 0 {
                file.failures = 0;
                file.wait_until = 0;
                file.save(dir)?;
            }
            Ok(key)
        }
        None => {
            file.failures = file.failures.saturating_add(1);
            let wait = backoff_secs(file.failures);
            file.wait_until = if wait > 0 { now + wait } else { 0 };
            file.save(dir)?;
            Err(KeyError::WrongPin {
                failures: file.failures,
                wait_secs: wait,
            })
        }
    }
}

/// Unwraps the data key of `dir` with its recovery code (same backoff as a PIN).
pub fn unlock_with_recovery(dir: &Path, code: &str, now: u64) -> Result<DataKey> {
    let mut file = KeyFile::load(dir)?.ok_or(KeyError::NoKeyFile)?;
    let wrapped = file.recovery.clone().ok_or(KeyError::NoRecovery)?;
    if file.wait_until > now {
        return Err(KeyError::Wait {
            secs: file.wait_until - now,
        });
    }
    let code = normalize_code(code);
    match wrap::unwrap(&file.kdf, code.as_bytes(), &wrapped, wrap::RECOVERY_AAD)? {
        Some(key) => Ok(key),
        None => {
            file.failures = file.failures.saturating_add(1);
            let wait = backoff_secs(file.failures);
            file.wait_until = if wait > 0 { now + wait } else { 0 };
            file.save(dir)?;
            Err(KeyError::WrongPin {
                failures: file.failures,
                wait_secs: wait,
            })
        }
    }
}

/// Wraps `key` (already unlocked) with a new PIN, with a new salt; clears the backoff. The
/// database is untouched.
pub fn set_pin(dir: &Path, key: &DataKey, new_pin: &str) -> Result<()> {
    validate_pin(new_pin)?;
    let mut file = KeyFile::load(dir)?.ok_or(KeyError::NoKeyFile)?;
    file.pin = wrap::wrap(&file.kdf, new_pin.as_bytes(), key, wrap::PIN_AAD)?;
    file.failures = 0;
    file.wait_until = 0;
    file.save(dir)
}

/// Makes a new recovery code for `key` (replacing any earlier one) and returns it: it is
/// stored nowhere in the clear, so it must be shown to the user now.
pub fn new_recovery_code(dir: &Path, key: &DataKey) -> Result<String> {
    let mut file = KeyFile::load(dir)?.ok_or(KeyError::NoKeyFile)?;
    let code = wrap::recovery_code()?;
    let wrapped = wrap::wrap(
        &file.kdf,
        normalize_code(&code).as_bytes(),
        key,
        wrap::RECOVERY_AAD,
    )?;
    file.recovery = Some(wrapped);
    file.save(dir)?;
    Ok(code)
}

/// A recovery code as typed: case, spaces and dashes don't matter.
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Seconds to wait after `failures` wrong PINs in a row.
pub fn backoff_secs(failures: u32) -> u64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(16);
    (FIRST_WAIT_SECS << doublings).min(MAX_WAIT_SECS)
}

#[cfg(test)]
mod tests;
