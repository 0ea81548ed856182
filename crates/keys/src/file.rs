//! The key file: its JSON shape, and loading and saving it atomically.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{KeyError, Result};

/// Name of the key file beside the database.
pub const KEY_FILE: &str = "gridbook.key";

/// Largest key file read (a real one is under 1 KiB).
const MAX_LEN: u64 = 16 * 1024;

/// Argon2id parameters, stored in the key file so later builds can choose others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory (Argon2 time cost).
    pub t: u32,
    /// Lanes that may run in parallel (Argon2 parallelism).
    pub p: u32,
}

impl KdfParams {
    /// The parameters new key files get: 64 MiB, 3 passes, 1 lane. 64 MiB fits the
    /// memory a low-end Android phone gives an app, one lane because phones' apps run on
    /// one big core at a time, and 3 passes keep one unlock well under a second here
    /// (crates/bench measures it). Every PIN an attacker tries with the copied key file
    /// costs the same.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Checks parameters read from a file: bounded so a crafted file cannot make an unlock
    /// take gigabytes or hours, and not so weak that a PIN is free to guess.
    pub(crate) fn check(&self) -> Result<()> {
        let ok = (8 * 1024..=1024 * 1024).contains(&self.m_kib)
            && (1..=16).contains(&self.t)
            && (1..=8).contains(&self.p);
        if ok {
            Ok(())
        } else {
            Err(KeyError::Corrupt("Argon2 parameters out of range".into()))
        }
    }
}

/// The data key wrapped by one secret (a PIN or a recovery code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    /// Argon2id salt, hex (16 bytes).
    pub salt: String,
    /// XChaCha20-Poly1305 nonce, hex (24 bytes).
    pub nonce: String,
    /// Encrypted data key with its tag, hex (48 bytes).
    pub key: String,
}

/// The key file beside a device's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    /// Format version (1).
    pub version: u32,
    /// Argon2id parameters of both wraps.
    pub kdf: KdfParams,
    /// The data key wrapped by the PIN.
    pub pin: Wrapped,
    /// The data key wrapped by the recovery code, once one was made.
    #[serde(default)]
    pub recovery: Option<Wrapped>,
    /// Wrong PINs in a row.
    #[serde(default)]
    pub failures: u32,
    /// No attempt before this time (seconds since the Unix epoch; 0: none).
    #[serde(default)]
    pub wait_until: u64,
}

impl KeyFile {
    /// Reads the key file of `dir`, if there is one.
    pub fn load(dir: &Path) -> Result<Option<KeyFile>> {
        let path = dir.join(KEY_FILE);
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if meta.len() > MAX_LEN {
            return Err(KeyError::Corrupt("key file too large".into()));
        }
        let bytes = std::fs::read(&path)?;
        let file: KeyFile =
            serde_json::from_slice(&bytes).map_err(|e| KeyError::Corrupt(e.to_string()))?;
        if file.version != 1 {
            return Err(KeyError::Corrupt(format!(
                "unknown key file version {}",
                file.version
            )));
        }
        file.kdf.check()?;
        Ok(Some(file))
    }

    /// Writes the key file of `dir` atomically: a temporary file, synced, renamed over the
    /// old one, and the directory synced, so a crash leaves the old or the new file whole.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{KEY_FILE}.tmp"));
        let body = serde_json::to_vec_pretty(self).map_err(|e| KeyError::Corrupt(e.to_string()))?;
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, dir.join(KEY_FILE))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}
