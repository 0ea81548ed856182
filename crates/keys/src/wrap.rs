//! Wrapping the data key: Argon2id turns a secret into a key-encryption key, and
//! XChaCha20-Poly1305 encrypts the data key with it (the tag tells a wrong secret).

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::{KeyError, Result};
use crate::file::{KdfParams, Wrapped};
use crate::DataKey;

/// Associated data of the PIN wrap: a PIN wrap cannot be passed off as a recovery wrap.
pub(crate) const PIN_AAD: &[u8] = b"gridbook-keys v1 pin";
/// Associated data of the recovery-code wrap.
pub(crate) const RECOVERY_AAD: &[u8] = b"gridbook-keys v1 recovery";

/// Alphabet of recovery codes: Crockford's base 32 (no I, L, O, U).
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(b)
}

/// Derives the key-encryption key of `secret`.
pub(crate) fn derive(
    params: &KdfParams,
    secret: &[u8],
    salt: &[u8],
) -> Result<Zeroizing<[u8; 32]>> {
    let p = Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|e| KeyError::Corrupt(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| KeyError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// Wraps `key` with `secret` under a fresh salt and nonce.
pub(crate) fn wrap(
    params: &KdfParams,
    secret: &[u8],
    key: &DataKey,
    aad: &[u8],
) -> Result<Wrapped> {
    let salt: [u8; 16] = random()?;
    let nonce: [u8; 24] = random()?;
    let kek = derive(params, secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad,
            },
        )
        .map_err(|_| KeyError::Corrupt("encryption failed".into()))?;
    Ok(Wrapped {
        salt: hex(&salt),
        nonce: hex(&nonce),
        key: hex(&sealed),
    })
}

/// Unwraps with `secret`: `None` when the secret is wrong.
pub(crate) fn unwrap(
    params: &KdfParams,
    secret: &[u8],
    w: &Wrapped,
    aad: &[u8],
) -> Result<Option<DataKey>> {
    let salt = unhex(&w.salt, 16)?;
    let nonce = unhex(&w.nonce, 24)?;
    let sealed = unhex(&w.key, 48)?;
    let kek = derive(params, secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let Ok(plain) = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad })
    else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&plain);
    Ok(Some(DataKey(k)))
}

/// A new recovery code: 25 characters of base 32 (125 bits), in five groups of five.
pub(crate) fn recovery_code() -> Result<String> {
    let bytes: [u8; 25] = random()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| CODE_ALPHABET[(b & 31) as usize] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes hex of exactly `len` bytes.
fn unhex(s: &str, len: usize) -> Result<Vec<u8>> {
    let bad = || KeyError::Corrupt("bad hex in key file".into());
    if s.len() != len * 2 || !s.is_ascii() {
        return Err(bad());
    }
    (0..len)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad()))
        .collect()
}
