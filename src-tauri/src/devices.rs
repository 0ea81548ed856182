//! Tauri commands for devices: a new device enrolls with a one-time code; a township device
//! lists, adds and revokes devices through the relay. One-line adapters over
//! gridbook-sync's enrollment module, with the relay's refusals told in Chinese.

use gridbook_sync::enrollment::{self, ListedDevice, NewDevice};
use gridbook_sync::identity::Hello;
use gridbook_sync::SyncError;
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

/// The relay's answers to a code, in words for the person holding the new device.
fn code_refused(e: SyncError) -> AppError {
    let words = |zh: &str, en: &str| AppError::new("refused", (zh.into(), en.into()));
    match e {
        SyncError::Refused { status: 403, .. } => words(
            "注册码无效、已用过或已过期：请向镇防控办索取新的注册码",
            "The enrollment code is wrong, used or expired: ask the township office for a new one",
        ),
        SyncError::Refused { status: 429, .. } => words(
            "注册码输错次数过多，请 15 分钟后再试",
            "Too many wrong codes: try again in 15 minutes",
        ),
        other => other.into(),
    }
}

/// The relay's answers to the township's device management.
fn admin_refused(e: SyncError) -> AppError {
    match e {
        SyncError::Refused { status: 403, .. } => AppError::new(
            "refused",
            (
                "只有镇街设备可以管理设备".into(),
                "Only township devices manage devices".into(),
            ),
        ),
        SyncError::Refused {
            status: 400 | 404,
            message,
        } => AppError::new(
            "invalid",
            if message.starts_with("unknown village") {
                (
                    "找不到该村（社区），请先同步".to_owned(),
                    "Unknown village: sync first".to_owned(),
                )
            } else if message.contains("cannot revoke itself") {
                (
                    "不能停用本机".to_owned(),
                    "A device cannot revoke itself".to_owned(),
                )
            } else {
                (
                    format!("输入无效：{message}"),
                    format!("Invalid input: {message}"),
                )
            },
        ),
        other => other.into(),
    }
}

#[tauri::command(async)]
pub fn enroll_code(
    app: State<'_, App>,
    window: tauri::WebviewWindow,
    relay_url: String,
    code: String,
    ca: Option<String>,
) -> R<Hello> {
    app.enrolled(
        &window,
        gridbook_sync::client_pin::enroll_with_code(&app.store, &relay_url, &code, ca.as_deref())
            .map_err(code_refused),
    )
}

#[tauri::command(async)]
pub fn devices_list(app: State<'_, App>) -> R<Vec<ListedDevice>> {
    enrollment::list_devices(&app.store).map_err(admin_refused)
}

#[tauri::command(async)]
pub fn device_add(
    app: State<'_, App>,
    name: String,
    role: String,
    village: Option<String>,
) -> R<NewDevice> {
    enrollment::add_device(&app.store, &name, &role, village.as_deref()).map_err(admin_refused)
}

#[tauri::command(async)]
pub fn device_revoke(app: State<'_, App>, device_id: String) -> R<()> {
    enrollment::revoke_device(&app.store, &device_id).map_err(admin_refused)
}
