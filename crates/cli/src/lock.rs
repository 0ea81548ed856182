//! The "Protection" commands and unlocking: `GRIDBOOK_PIN`/`--pin` opens an encrypted device
//! store (and encrypts a store that has no key file yet); `gridbook lock …` changes the PIN,
//! makes a recovery code, tells the lock state, and shows or sets the township's idle time.

use std::io::BufRead;
use std::path::Path;

use clap::Subcommand;
use gridbook_keys::{KdfParams, KeyError};
use gridbook_store::cipher::{file_state, FileState};
use gridbook_store::{Store, DB_FILE, LOCK_IDLE_MAX, LOCK_IDLE_MIN};
use serde_json::json;

use crate::args::Cli;
use crate::output::{emit, t, Failure};

/// Lock commands.
#[derive(Debug, Subcommand)]
pub enum LockCmd {
    /// Set or change the PIN: the new one from GRIDBOOK_NEW_PIN or the first line of stdin.
    /// A store without a PIN is encrypted with it; otherwise the current PIN (GRIDBOOK_PIN)
    /// or the recovery code unlocks it first, and only the key file changes.
    SetPin {
        /// Unlock with this recovery code instead of the current PIN.
        #[arg(long, env = "GRIDBOOK_RECOVERY_CODE", hide_env_values = true)]
        recovery_code: Option<String>,
    },
    /// Make a new recovery code (shown once; it replaces the earlier one).
    RecoveryCode,
    /// Whether the store is encrypted, wrong PINs in a row, seconds to wait.
    Status,
    /// The township's idle time: minutes without a touch before the app asks the PIN again.
    /// Township staff set it (1–60); it syncs to every device. Without --minutes, shows it.
    Idle {
        /// New idle time in minutes (1–60), township devices only.
        #[arg(long, allow_hyphen_values = true)]
        minutes: Option<String>,
    },
}

/// The "locked" failure (exit 3) with its messages.
fn locked(zh: impl Into<String>, en: impl Into<String>) -> Failure {
    Failure {
        code: 3,
        kind: "locked",
        field: None,
        zh: zh.into(),
        en: en.into(),
    }
}

impl From<KeyError> for Failure {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::WrongPin {
                failures,
                wait_secs,
            } => {
                let mut f = locked(
                    format!("PIN 不正确（已连续错误 {failures} 次），数据未改动"),
                    format!("wrong PIN ({failures} in a row); nothing was changed"),
                );
                if wait_secs > 0 {
                    f.zh.push_str(&format!("；请 {wait_secs} 秒后再试"));
                    f.en.push_str(&format!("; try again in {wait_secs} s"));
                }
                f.field = Some("pin");
                f
            }
            KeyError::Wait { secs } => locked(
                format!("PIN 错误次数过多，请 {secs} 秒后再试"),
                format!("too many wrong PINs: try again in {secs} s"),
            ),
            KeyError::BadPin => Failure {
                field: Some("pin"),
                ..Failure::invalid(
                    "PIN 应为 4–64 个字符，不含控制字符",
                    "a PIN must be 4–64 characters without control characters",
                )
            },
            KeyError::NoRecovery => locked(
                "本设备没有生成过恢复码",
                "no recovery code was made on this device",
            ),
            KeyError::NoKeyFile => locked(
                "本设备的数据未加密，请先用 gridbook lock set-pin 设置 PIN",
                "the store is not encrypted: set a PIN with gridbook lock set-pin first",
            ),
            other => Failure {
                code: 1,
                kind: "keys",
                field: None,
                zh: format!("密钥文件错误：{other}"),
                en: other.to_string(),
            },
        }
    }
}

fn need_pin() -> Failure {
    locked(
        "本设备的数据已加密，请用 GRIDBOOK_PIN 或 --pin 提供 PIN 解锁",
        "the store is encrypted: unlock it with GRIDBOOK_PIN or --pin",
    )
}

fn key_file_lost() -> Failure {
    locked(
        "数据库已加密，但找不到密钥文件 gridbook.key，无法解锁",
        "the database is encrypted but its key file gridbook.key is missing",
    )
}

/// Opens the device store of `--data`: with its key when it is encrypted (the PIN is
/// required), encrypting it when a PIN is given and it has no key file yet, plain otherwise.
pub fn open_store(cli: &Cli) -> Result<Store, Failure> {
    let dir = cli.data.as_path();
    let pin = cli.pin.as_deref();
    if gridbook_keys::is_encrypted(dir) {
        let pin = pin.ok_or_else(need_pin)?;
        let key = gridbook_keys::unlock(dir, pin, gridbook_keys::now_secs())?;
        return Ok(Store::open_with_key(dir, Some(key.bytes()))?);
    }
    if file_state(&dir.join(DB_FILE))? == FileState::Encrypted {
        return Err(key_file_lost());
    }
    match pin {
        Some(pin) => encrypt(dir, pin),
        None => Ok(Store::open(dir)?),
    }
}

/// Gives the store in `dir` (new or plain) a key file wrapped by `pin` and opens it
/// encrypted, converting a plain database.
fn encrypt(dir: &Path, pin: &str) -> Result<Store, Failure> {
    std::fs::create_dir_all(dir)?;
    let key = gridbook_keys::create(dir, pin, KdfParams::DEFAULT)?;
    Ok(Store::open_with_key(dir, Some(key.bytes()))?)
}

/// Runs a lock command.
pub fn run(cli: &Cli, cmd: &LockCmd) -> Result<(), Failure> {
    let (dir, json, lang) = (cli.data.as_path(), cli.json, cli.lang);
    match cmd {
        LockCmd::Status => {
            let st = gridbook_keys::status(dir, gridbook_keys::now_secs())?;
            emit(json, &st, || match (st.encrypted, st.wait_secs) {
                (false, _) => t(lang, "未加密", "not encrypted"),
                (true, 0) => t(lang, "已加密", "encrypted"),
                (true, s) => format!(
                    "{} {s}",
                    t(
                        lang,
                        "已加密；PIN 错误过多，需等待秒数：",
                        "encrypted; wait s:"
                    )
                ),
            });
        }
        LockCmd::SetPin { recovery_code } => {
            let new_pin = new_pin()?;
            gridbook_keys::validate_pin(&new_pin)?;
            if !gridbook_keys::is_encrypted(dir) {
                if file_state(&dir.join(DB_FILE))? == FileState::Encrypted {
                    return Err(key_file_lost());
                }
                drop(encrypt(dir, &new_pin)?);
            } else {
                let now = gridbook_keys::now_secs();
                let key = match (recovery_code, cli.pin.as_deref()) {
                    (Some(code), _) => gridbook_keys::unlock_with_recovery(dir, code, now)?,
                    (None, Some(pin)) => gridbook_keys::unlock(dir, pin, now)?,
                    (None, None) => return Err(need_pin()),
                };
                gridbook_keys::set_pin(dir, &key, &new_pin)?;
            }
            emit(json, &json!({ "encrypted": true }), || {
                t(lang, "PIN 已设置", "PIN set")
            });
        }
        LockCmd::Idle { minutes } => {
            let store = open_store(cli)?;
            let minutes = match minutes {
                Some(raw) => store.set_lock_idle_minutes(parse_minutes(raw)?)?,
                None => store.lock_idle_minutes()?,
            };
            emit(json, &json!({ "minutes": minutes }), || match lang {
                crate::args::Lang::Zh => format!("自动锁定时间：{minutes} 分钟"),
                crate::args::Lang::En => format!("idle time before the app locks: {minutes} min"),
            });
        }
        LockCmd::RecoveryCode => {
            let pin = cli.pin.as_deref().ok_or_else(need_pin)?;
            let key = gridbook_keys::unlock(dir, pin, gridbook_keys::now_secs())?;
            let code = gridbook_keys::new_recovery_code(dir, &key)?;
            emit(json, &json!({ "recovery_code": code }), || {
                format!(
                    "{}\n{code}",
                    t(
                        lang,
                        "恢复码（只显示这一次，请抄下妥善保管；忘记 PIN 时用它设置新 PIN，数据不丢失）：",
                        "Recovery code (shown once; keep it safe: with it a forgotten PIN can be \
                         replaced and nothing is lost):"
                    )
                )
            });
        }
    }
    Ok(())
}

/// `--minutes` as a whole number (its bounds are the store's to check).
fn parse_minutes(raw: &str) -> Result<u32, Failure> {
    raw.trim().parse().map_err(|_| Failure {
        field: Some("minutes"),
        ..Failure::invalid(
            format!("自动锁定时间“{raw}”应为 {LOCK_IDLE_MIN}–{LOCK_IDLE_MAX} 之间的整数（分钟）"),
            format!("the idle time '{raw}' must be a whole number of minutes, {LOCK_IDLE_MIN}–{LOCK_IDLE_MAX}"),
        )
    })
}

/// The new PIN: GRIDBOOK_NEW_PIN, or the first line of stdin.
fn new_pin() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("GRIDBOOK_NEW_PIN") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
