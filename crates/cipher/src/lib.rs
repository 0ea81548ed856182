//! gridbook-cipher: SQLCipher's page cryptography, in Rust.
//!
//! SQLCipher encrypts each database page with AES-256-CBC under a fresh random IV and
//! authenticates it with an HMAC of the ciphertext, the IV and the page number; the
//! cryptography itself is done by a *provider*, a table of C functions. The provider built in,
//! OpenSSL's, is deliberately minimal: for every page it fetches the HMAC and the cipher
//! anew, allocates their contexts and frees them, and on OpenSSL 3 that set-up costs more than
//! the HMAC of a 4 KiB page (SQLCipher's source says so, and invites an application that needs
//! speed to register its own). [`install`] registers this one instead:
//!
//! - the same algorithms with the same parameters (AES-256-CBC without padding, HMAC-SHA1,
//!   -SHA256 or -SHA512, PBKDF2 with those), so a database stays a SQLCipher database that any
//!   SQLCipher reads, and every database SQLCipher wrote opens here;
//! - done by RustCrypto's `aes`, `cbc`, `hmac`, `sha1`, `sha2` and `pbkdf2` crates, which use
//!   the CPU's AES and SHA instructions when it has them (detected at run time);
//! - IVs and salts from the operating system's generator (`getrandom`).
//!
//! The interop test writes databases with OpenSSL's provider and reads them with this one, and
//! the other way round, in separate processes.
//!
//! This is gridbook's one crate with `unsafe` code: the function table SQLCipher calls through
//! raw pointers. It must not depend on any other gridbook crate.

use std::ffi::{c_char, c_int, c_void};
use std::sync::OnceLock;

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};

const SQLITE_OK: c_int = 0;
const SQLITE_ERROR: c_int = 1;
const SQLITE_NOMEM: c_int = 7;

/// SQLCipher's numbers for the HMAC and PBKDF2 digests (`SQLCIPHER_HMAC_SHA1` … and
/// `SQLCIPHER_PBKDF2_HMAC_SHA1` …, the same numbers).
const SHA1: c_int = 0;
const SHA256: c_int = 1;
const SHA512: c_int = 2;
/// `SQLCIPHER_ENCRYPT` and `SQLCIPHER_DECRYPT`.
const ENCRYPT: c_int = 1;
const DECRYPT: c_int = 0;
const KEY_SIZE: usize = 32;
const BLOCK_SIZE: usize = 16;

/// SQLCipher's `sqlcipher_provider` (sqlcipher.h), field for field.
#[repr(C)]
struct Provider {
    init: Option<unsafe extern "C" fn() -> c_int>,
    shutdown: Option<unsafe extern "C" fn()>,
    get_provider_name: unsafe extern "C" fn(Ctx) -> *const c_char,
    add_random: unsafe extern "C" fn(Ctx, *const c_void, c_int) -> c_int,
    random: unsafe extern "C" fn(Ctx, *mut c_void, c_int) -> c_int,
    hmac: HmacFn,
    kdf: KdfFn,
    cipher: CipherFn,
    get_cipher: unsafe extern "C" fn(Ctx) -> *const c_char,
    get_key_sz: unsafe extern "C" fn(Ctx) -> c_int,
    get_iv_sz: unsafe extern "C" fn(Ctx) -> c_int,
    get_block_sz: unsafe extern "C" fn(Ctx) -> c_int,
    get_hmac_sz: unsafe extern "C" fn(Ctx, c_int) -> c_int,
    ctx_init: unsafe extern "C" fn(*mut Ctx) -> c_int,
    ctx_free: unsafe extern "C" fn(*mut Ctx) -> c_int,
    fips_status: unsafe extern "C" fn(Ctx) -> c_int,
    get_provider_version: unsafe extern "C" fn(Ctx) -> *const c_char,
    next: *mut Provider,
}

/// A provider's per-connection context: this provider keeps none.
type Ctx = *mut c_void;

/// The HMAC of `in1` then `in2` under `key` into `out` (the digest's size).
type HmacFn = unsafe extern "C" fn(
    ctx: Ctx,
    algorithm: c_int,
    key: *const u8,
    key_sz: c_int,
    in1: *const u8,
    in1_sz: c_int,
    in2: *const u8,
    in2_sz: c_int,
    out: *mut u8,
) -> c_int;

/// PBKDF2 of a password and a salt, `workfactor` rounds, into `key_sz` bytes at `key`.
type KdfFn = unsafe extern "C" fn(
    ctx: Ctx,
    algorithm: c_int,
    pass: *const u8,
    pass_sz: c_int,
    salt: *const u8,
    salt_sz: c_int,
    workfactor: c_int,
    key_sz: c_int,
    key: *mut u8,
) -> c_int;

/// AES-256-CBC of `in_sz` bytes from `input` into `out`, encrypting when `mode` is 1.
type CipherFn = unsafe extern "C" fn(
    ctx: Ctx,
    mode: c_int,
    key: *const u8,
    key_sz: c_int,
    iv: *const u8,
    input: *const u8,
    in_sz: c_int,
    out: *mut u8,
) -> c_int;

extern "C" {
    fn sqlcipher_register_provider(p: *mut Provider) -> c_int;
    fn sqlcipher_malloc(size: u64) -> *mut c_void;
}

/// SQLCipher did not take the provider.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("SQLCipher did not register the page crypto provider (SQLite result code {0})")]
pub struct InstallError(pub i32);

/// The name SQLCipher reports for this provider (`PRAGMA cipher_provider`).
pub const PROVIDER_NAME: &str = "rustcrypto";

/// Makes this crate SQLCipher's crypto provider for every connection keyed from now on, in
/// this process; the first call registers it, later ones return the first one's result.
/// Connections keyed before keep the provider they had (both write the same format).
pub fn install() -> Result<(), InstallError> {
    static RESULT: OnceLock<c_int> = OnceLock::new();
    let rc = *RESULT.get_or_init(|| {
        // SAFETY: sqlite3_initialize may be called any number of times from any thread; it
        // sets up SQLCipher (its mutexes and its built-in provider), which registering needs.
        let rc = unsafe { rusqlite::ffi::sqlite3_initialize() };
        if rc != SQLITE_OK {
            return rc;
        }
        // SAFETY: SQLCipher frees its providers with sqlcipher_free when SQLite shuts down, so
        // the table is allocated by its allocator, as its own provider's is; the memory is
        // written whole before SQLCipher sees the pointer, and never freed by this crate.
        unsafe {
            let p = sqlcipher_malloc(std::mem::size_of::<Provider>() as u64).cast::<Provider>();
            if p.is_null() {
                return SQLITE_NOMEM;
            }
            p.write(provider());
            sqlcipher_register_provider(p)
        }
    });
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(InstallError(rc))
    }
}

fn provider() -> Provider {
    Provider {
        init: None,
        shutdown: None,
        get_provider_name,
        add_random,
        random,
        hmac,
        kdf,
        cipher,
        get_cipher,
        get_key_sz,
        get_iv_sz,
        get_block_sz,
        get_hmac_sz,
        ctx_init,
        ctx_free,
        fips_status,
        get_provider_version,
        next: std::ptr::null_mut(),
    }
}

/// `n` bytes at `p` (none when `n` is 0), or `None` for a null pointer or a negative size.
///
/// # Safety
/// When `n > 0` and `p` is not null, `p` points to `n` bytes readable for `'a`.
unsafe fn bytes<'a>(p: *const u8, n: c_int) -> Option<&'a [u8]> {
    let n = usize::try_from(n).ok()?;
    if n == 0 {
        return Some(&[]);
    }
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's promise.
    Some(unsafe { std::slice::from_raw_parts(p, n) })
}

/// Like [`bytes`], writable.
///
/// # Safety
/// When `n > 0` and `p` is not null, `p` points to `n` bytes writable for `'a`, which nothing
/// else reads or writes meanwhile.
unsafe fn bytes_mut<'a>(p: *mut u8, n: c_int) -> Option<&'a mut [u8]> {
    let n = usize::try_from(n).ok()?;
    if n == 0 {
        return Some(&mut []);
    }
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's promise.
    Some(unsafe { std::slice::from_raw_parts_mut(p, n) })
}

fn status(ok: bool) -> c_int {
    if ok {
        SQLITE_OK
    } else {
        SQLITE_ERROR
    }
}

extern "C" fn get_provider_name(_: Ctx) -> *const c_char {
    c"rustcrypto".as_ptr()
}

extern "C" fn get_provider_version(_: Ctx) -> *const c_char {
    concat!("gridbook-cipher ", env!("CARGO_PKG_VERSION"), "\0")
        .as_ptr()
        .cast()
}

/// `PRAGMA cipher_add_random`: the operating system's generator takes no seed from here.
extern "C" fn add_random(_: Ctx, _: *const c_void, _: c_int) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn random(_: Ctx, buffer: *mut c_void, length: c_int) -> c_int {
    // SAFETY: SQLCipher passes a buffer of `length` bytes to fill (an IV and the rest of a
    // page's reserved bytes, a salt).
    match unsafe { bytes_mut(buffer.cast(), length) } {
        Some(b) => status(getrandom::fill(b).is_ok()),
        None => SQLITE_ERROR,
    }
}

fn hmac_size(algorithm: c_int) -> Option<usize> {
    match algorithm {
        SHA1 => Some(20),
        SHA256 => Some(32),
        SHA512 => Some(64),
        _ => None,
    }
}

extern "C" fn get_hmac_sz(_: Ctx, algorithm: c_int) -> c_int {
    hmac_size(algorithm).map_or(0, |n| n as c_int)
}

/// The HMAC of `parts` under `key` into `out` (the digest's size).
fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: [&[u8]; 2], out: &mut [u8]) -> bool {
    let Ok(mut m) = <M as Mac>::new_from_slice(key) else {
        return false;
    };
    for p in parts {
        m.update(p);
    }
    let tag = m.finalize().into_bytes();
    if tag.len() != out.len() {
        return false;
    }
    out.copy_from_slice(&tag);
    true
}

/// The HMAC of `in1` then `in2` (a page's ciphertext and IV, then its page number).
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn hmac(
    _: Ctx,
    algorithm: c_int,
    key: *const u8,
    key_sz: c_int,
    in1: *const u8,
    in1_sz: c_int,
    in2: *const u8,
    in2_sz: c_int,
    out: *mut u8,
) -> c_int {
    let Some(size) = hmac_size(algorithm) else {
        return SQLITE_ERROR;
    };
    if in1.is_null() {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes the HMAC key, the input and the optional second input with
    // their sizes, and an output buffer of get_hmac_sz(algorithm) bytes apart from them.
    let (key, a, b, out) = unsafe {
        (
            bytes(key, key_sz),
            bytes(in1, in1_sz),
            if in2.is_null() {
                Some(&[][..])
            } else {
                bytes(in2, in2_sz)
            },
            bytes_mut(out, size as c_int),
        )
    };
    let (Some(key), Some(a), Some(b), Some(out)) = (key, a, b, out) else {
        return SQLITE_ERROR;
    };
    status(match algorithm {
        SHA1 => mac::<Hmac<sha1::Sha1>>(key, [a, b], out),
        SHA256 => mac::<Hmac<sha2::Sha256>>(key, [a, b], out),
        _ => mac::<Hmac<sha2::Sha512>>(key, [a, b], out),
    })
}

/// PBKDF2 of `pass` and `salt` with `workfactor` rounds into `key_sz` bytes at `key`.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn kdf(
    _: Ctx,
    algorithm: c_int,
    pass: *const u8,
    pass_sz: c_int,
    salt: *const u8,
    salt_sz: c_int,
    workfactor: c_int,
    key_sz: c_int,
    key: *mut u8,
) -> c_int {
    let Ok(rounds) = u32::try_from(workfactor) else {
        return SQLITE_ERROR;
    };
    if rounds == 0 {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes the password and the salt with their sizes, and an output
    // buffer of `key_sz` bytes apart from them.
    let (pass, salt, out) = unsafe {
        (
            bytes(pass, pass_sz),
            bytes(salt, salt_sz),
            bytes_mut(key, key_sz),
        )
    };
    let (Some(pass), Some(salt), Some(out)) = (pass, salt, out) else {
        return SQLITE_ERROR;
    };
    match algorithm {
        SHA1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pass, salt, rounds, out),
        SHA256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pass, salt, rounds, out),
        SHA512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(pass, salt, rounds, out),
        _ => return SQLITE_ERROR,
    }
    SQLITE_OK
}

/// AES-256-CBC without padding of `in_sz` bytes (a page less its reserved bytes, a multiple
/// of the block size) from `input` into `out`.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn cipher(
    _: Ctx,
    mode: c_int,
    key: *const u8,
    key_sz: c_int,
    iv: *const u8,
    input: *const u8,
    in_sz: c_int,
    out: *mut u8,
) -> c_int {
    if key_sz as usize != KEY_SIZE || input.is_null() || out.is_null() {
        return SQLITE_ERROR;
    }
    let Ok(len) = usize::try_from(in_sz) else {
        return SQLITE_ERROR;
    };
    let disjoint = input as usize + len <= out as usize || out as usize + len <= input as usize;
    if !disjoint {
        // SQLCipher always writes into its own page buffer; anything else is refused rather
        // than read while written.
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes a key of key_sz bytes, an IV of get_iv_sz() bytes, and input
    // and output buffers of in_sz bytes each, which do not overlap (checked above).
    let (key, iv, input, out) = unsafe {
        (
            bytes(key, key_sz),
            bytes(iv, BLOCK_SIZE as c_int),
            bytes(input, in_sz),
            bytes_mut(out, in_sz),
        )
    };
    let (Some(key), Some(iv), Some(input), Some(out)) = (key, iv, input, out) else {
        return SQLITE_ERROR;
    };
    let (Ok(key), Ok(iv)) = (<&[u8; KEY_SIZE]>::try_from(key), <&[u8; 16]>::try_from(iv)) else {
        return SQLITE_ERROR;
    };
    status(match mode {
        ENCRYPT => cbc::Encryptor::<aes::Aes256>::new(key.into(), iv.into())
            .encrypt_padded_b2b_mut::<NoPadding>(input, out)
            .is_ok(),
        DECRYPT => cbc::Decryptor::<aes::Aes256>::new(key.into(), iv.into())
            .decrypt_padded_b2b_mut::<NoPadding>(input, out)
            .is_ok(),
        _ => false,
    })
}

extern "C" fn get_cipher(_: Ctx) -> *const c_char {
    c"AES-256-CBC".as_ptr()
}

extern "C" fn get_key_sz(_: Ctx) -> c_int {
    KEY_SIZE as c_int
}

extern "C" fn get_iv_sz(_: Ctx) -> c_int {
    BLOCK_SIZE as c_int
}

extern "C" fn get_block_sz(_: Ctx) -> c_int {
    BLOCK_SIZE as c_int
}

unsafe extern "C" fn ctx_init(ctx: *mut Ctx) -> c_int {
    if ctx.is_null() {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes the address of the context pointer it keeps.
    unsafe { ctx.write(std::ptr::null_mut()) };
    SQLITE_OK
}

unsafe extern "C" fn ctx_free(ctx: *mut Ctx) -> c_int {
    // SAFETY: as for ctx_init.
    unsafe { ctx_init(ctx) }
}

/// Not a FIPS-validated module.
extern "C" fn fips_status(_: Ctx) -> c_int {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NIST SP 800-38A, F.2.5 (CBC-AES256.Encrypt), the first two blocks.
    #[test]
    fn cbc_matches_the_nist_vectors() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
                .collect()
        };
        let key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        let iv = hex("000102030405060708090a0b0c0d0e0f");
        let plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        let expect = hex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
        // `cipher` of the first `len` bytes of `input` with the first `key_sz` bytes of `key`.
        let run = |mode, key: &[u8], key_sz: c_int, input: &[u8], len: c_int| {
            let mut out = vec![0u8; input.len()];
            assert!(key_sz as usize <= key.len() && len as usize <= input.len());
            // SAFETY: the sizes passed are within the buffers (asserted above).
            let rc = unsafe {
                cipher(
                    std::ptr::null_mut(),
                    mode,
                    key.as_ptr(),
                    key_sz,
                    iv.as_ptr(),
                    input.as_ptr(),
                    len,
                    out.as_mut_ptr(),
                )
            };
            (rc, out)
        };
        let (rc, out) = run(ENCRYPT, &key, 32, &plain, 32);
        assert_eq!((rc, &out), (SQLITE_OK, &expect));
        let (rc, back) = run(DECRYPT, &key, 32, &out, 32);
        assert_eq!((rc, &back), (SQLITE_OK, &plain));
        // Not a whole number of blocks, and a short key: refused.
        assert_eq!(run(ENCRYPT, &key, 32, &plain, 20).0, SQLITE_ERROR);
        assert_eq!(run(ENCRYPT, &key, 16, &plain, 32).0, SQLITE_ERROR);
    }

    /// RFC 4231, test case 2 ("what do ya want for nothing?"), split in two inputs as SQLCipher
    /// passes a page and its number.
    #[test]
    fn hmac_matches_rfc_4231() {
        let msg = b"what do ya want for nothing?";
        let mut out = [0u8; 32];
        // SAFETY: the buffers have the sizes passed.
        let rc = unsafe {
            hmac(
                std::ptr::null_mut(),
                SHA256,
                b"Jefe".as_ptr(),
                4,
                msg.as_ptr(),
                10,
                msg[10..].as_ptr(),
                (msg.len() - 10) as c_int,
                out.as_mut_ptr(),
            )
        };
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(get_hmac_sz(std::ptr::null_mut(), 9), 0);
    }
}
