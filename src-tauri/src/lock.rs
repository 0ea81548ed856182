//! The app lock: an encrypted store waits for its PIN before it is opened, the PIN is set
//! (encrypting the open store) and changed, a recovery code replaces a forgotten PIN, and the
//! idle time after which the screen asks the PIN again is the township's (a field of the grid
//! document that syncs to every device: `Store::lock_idle_minutes`).
//!
//! The idle lock is a screen lock: the store stays open in memory (background sync goes on),
//! and the PIN is checked against the key file again before the screen opens.

use std::path::PathBuf;
use std::sync::Mutex;

use gridbook_keys::{KdfParams, KeyError};
use gridbook_store::{Store, StoreError};
use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::error::AppError;

type R<T> = Result<T, AppError>;

/// Store setting: a device enrolled in the app while its store had no PIN must set one before
/// it is used ("1"); gone with the PIN, which encrypts the store.
const PIN_DUE: &str = "lock_pin_due";

/// Idle minutes while the store is not open yet.
const IDLE_DEFAULT: u32 = gridbook_store::LOCK_IDLE_DEFAULT;

/// Managed instead of [`crate::App`] while an encrypted store waits for its PIN.
pub struct Locked {
    dir: PathBuf,
    /// Held while one unlock opens the store, so two taps don't open it twice.
    opening: Mutex<()>,
}

impl Locked {
    /// The encrypted store in `dir`, not opened yet.
    pub fn new(dir: PathBuf) -> Self {
        Locked {
            dir,
            opening: Mutex::new(()),
        }
    }
}

/// What the lock screen shows.
#[derive(Debug, Serialize)]
pub struct LockInfo {
    /// The store has a PIN (is encrypted).
    pub encrypted: bool,
    /// The store waits for its PIN (not opened yet).
    pub locked: bool,
    /// Wrong PINs in a row.
    pub failures: u32,
    /// Seconds before the next attempt.
    pub wait_secs: u64,
    /// A recovery code was made.
    pub has_recovery: bool,
    /// Minutes without a touch before the screen locks (1–60, set by the township).
    pub idle_minutes: u32,
    /// The device was enrolled without a PIN: the app asks for one before it is used.
    pub pin_due: bool,
}

impl From<KeyError> for AppError {
    fn from(e: KeyError) -> Self {
        // The wait, in seconds, goes in `code` for the lock screen's countdown.
        let wait = match &e {
            KeyError::WrongPin { wait_secs, .. } if *wait_secs > 0 => Some(wait_secs.to_string()),
            KeyError::Wait { secs } => Some(secs.to_string()),
            _ => None,
        };
        let (kind, message, message_en, field) = match e {
            KeyError::WrongPin {
                failures,
                wait_secs: 0,
            } => (
                "wrong_pin",
                format!("PIN 不正确（已连续错误 {failures} 次）"),
                format!("Wrong PIN ({failures} in a row)"),
                Some("pin"),
            ),
            KeyError::WrongPin {
                failures,
                wait_secs,
            } => (
                "wrong_pin",
                format!("PIN 不正确（已连续错误 {failures} 次），请 {wait_secs} 秒后再试"),
                format!("Wrong PIN ({failures} in a row): try again in {wait_secs} s"),
                Some("pin"),
            ),
            KeyError::Wait { secs } => (
                "wait",
                format!("PIN 错误次数过多，请 {secs} 秒后再试"),
                format!("Too many wrong PINs: try again in {secs} s"),
                None,
            ),
            KeyError::BadPin => (
                "invalid",
                "PIN 应为 4–64 个字符".to_owned(),
                "The PIN must be 4–64 characters".to_owned(),
                Some("new_pin"),
            ),
            KeyError::NoRecovery => (
                "refused",
                "本机没有生成过恢复码".to_owned(),
                "No recovery code was made on this device".to_owned(),
                None,
            ),
            other => (
                "internal",
                format!("密钥文件无法读取（{other}），数据未被改动"),
                format!("The key file cannot be read ({other}); nothing was changed"),
                None,
            ),
        };
        AppError {
            kind,
            message,
            message_en,
            field,
            code: wait,
        }
    }
}

impl AppError {
    /// The store is encrypted and waits for its PIN.
    pub fn locked() -> Self {
        StoreError::Locked.into()
    }
}

/// The data directory, whether the store is open or waits for its PIN.
fn dir(h: &AppHandle) -> R<PathBuf> {
    if let Some(app) = h.try_state::<crate::App>() {
        return Ok(app.store.dir().to_path_buf());
    }
    h.try_state::<Locked>()
        .map(|l| l.dir.clone())
        .ok_or_else(AppError::starting)
}

fn idle_minutes(store: &Store) -> u32 {
    store.lock_idle_minutes().unwrap_or(IDLE_DEFAULT)
}

/// Opens the store with `key` and starts the app, unless another unlock already did.
fn open(h: &AppHandle, key: &gridbook_keys::DataKey) -> R<()> {
    if h.try_state::<crate::App>().is_some() {
        return Ok(());
    }
    let locked = h.try_state::<Locked>().ok_or_else(AppError::starting)?;
    let _one = locked.opening.lock().unwrap_or_else(|p| p.into_inner());
    if h.try_state::<crate::App>().is_some() {
        return Ok(());
    }
    let store = Store::open_with_key(&locked.dir, Some(key.bytes()))
        .map_err(|e| AppError::unopened(&locked.dir, e))?;
    crate::start(h, store).map_err(|_| AppError::starting())
}

#[tauri::command(async)]
pub fn lock_status(h: AppHandle) -> R<LockInfo> {
    let dir = dir(&h)?;
    let st = gridbook_keys::status(&dir, gridbook_keys::now_secs())?;
    let app = h.try_state::<crate::App>();
    Ok(LockInfo {
        encrypted: st.encrypted,
        locked: app.is_none(),
        failures: st.failures,
        wait_secs: st.wait_secs,
        has_recovery: st.has_recovery,
        idle_minutes: app
            .as_ref()
            .map(|a| idle_minutes(&a.store))
            .unwrap_or(IDLE_DEFAULT),
        pin_due: !st.encrypted
            && app.is_some_and(|a| a.store.setting(PIN_DUE).ok().flatten().as_deref() == Some("1")),
    })
}

/// Unlocks with the PIN: opens the store at start, or only checks the PIN after an idle lock.
#[tauri::command(async)]
pub fn unlock(h: AppHandle, pin: String) -> R<()> {
    let key = gridbook_keys::unlock(&dir(&h)?, &pin, gridbook_keys::now_secs())?;
    open(&h, &key)
}

/// A forgotten PIN: the recovery code unwraps the data key and a new PIN wraps it; the data,
/// unsynced changes included, stays as it is.
#[tauri::command(async)]
pub fn recover(h: AppHandle, code: String, new_pin: String) -> R<()> {
    let dir = dir(&h)?;
    gridbook_keys::validate_pin(&new_pin)?;
    let key = gridbook_keys::unlock_with_recovery(&dir, &code, gridbook_keys::now_secs())?;
    gridbook_keys::set_pin(&dir, &key, &new_pin)?;
    open(&h, &key)
}

/// Sets the PIN. On a plain store it encrypts the store now and returns the recovery code
/// (shown once); otherwise the current PIN is checked and only the key file changes.
#[tauri::command(async)]
pub fn set_pin(h: AppHandle, current: Option<String>, new_pin: String) -> R<Option<String>> {
    let app = crate::opened(&h)?;
    let dir = app.store.dir().to_path_buf();
    gridbook_keys::validate_pin(&new_pin)?;
    if gridbook_keys::is_encrypted(&dir) {
        let now = gridbook_keys::now_secs();
        let key = gridbook_keys::unlock(&dir, current.as_deref().unwrap_or_default(), now)?;
        gridbook_keys::set_pin(&dir, &key, &new_pin)?;
        return Ok(None);
    }
    let key = gridbook_keys::create(&dir, &new_pin, KdfParams::DEFAULT)?;
    let code = gridbook_keys::new_recovery_code(&dir, &key)?;
    // Should this fail, the key file stays and the next start converts the store.
    app.store.encrypt(key.bytes())?;
    Ok(Some(code))
}

/// After an enrollment: a store without a PIN must get one before it is used (the app shows
/// the PIN form until it has one). Nothing to do for an encrypted store.
#[tauri::command(async)]
pub fn require_pin(h: AppHandle) -> R<()> {
    let app = crate::opened(&h)?;
    if gridbook_keys::is_encrypted(app.store.dir()) {
        return Ok(());
    }
    Ok(app.store.set_setting(PIN_DUE, "1")?)
}

/// A new recovery code (the earlier one stops working), shown once.
#[tauri::command(async)]
pub fn new_recovery_code(h: AppHandle, pin: String) -> R<String> {
    let dir = dir(&h)?;
    let key = gridbook_keys::unlock(&dir, &pin, gridbook_keys::now_secs())?;
    Ok(gridbook_keys::new_recovery_code(&dir, &key)?)
}

/// Sets the township's idle minutes (1–60; township staff, synced to every device).
#[tauri::command(async)]
pub fn set_lock_idle(h: AppHandle, minutes: u32) -> R<u32> {
    Ok(crate::opened(&h)?.store.set_lock_idle_minutes(minutes)?)
}
