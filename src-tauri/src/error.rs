//! The one error type at the Tauri boundary: a stable kind and a Chinese message (and the
//! field, for validation), never personal data.

use gridbook_store::StoreError;
use gridbook_sync::SyncError;
use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct AppError {
    /// Stable kind: invalid, not_found, refused, network, not_enrolled, internal.
    pub kind: &'static str,
    /// Chinese message for the user.
    pub message: String,
    /// The form field at fault, for validation errors.
    pub field: Option<&'static str>,
    /// Reason code of a refusal (e.g. `already-used` for a pass), for the screen to react.
    pub code: Option<String>,
}

impl AppError {
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        AppError {
            kind,
            message: message.into(),
            field: None,
            code: None,
        }
    }
}

impl AppError {
    /// The store in `dir` could not be opened: what the window shows instead of the app.
    /// Nothing was written to it.
    pub fn unopened(dir: &std::path::Path, e: StoreError) -> Self {
        let kind = e.kind();
        let inner = AppError::from(e);
        let reason = match inner.kind {
            "too_new" => inner.message,
            _ => format!("数据库无法读取（{kind}）"),
        };
        AppError::new(
            "unopened",
            format!(
                "无法打开本机数据（{}）：{reason}。数据未被改动。",
                dir.display()
            ),
        )
    }

    /// A command ran before the store was opened.
    pub fn starting() -> Self {
        AppError::new("starting", "正在打开本机数据，请稍候")
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) => AppError {
                kind: "invalid",
                message: f.zh,
                field: Some(f.field),
                code: None,
            },
            StoreError::Refused { code, zh, .. } => AppError {
                kind: "refused",
                message: zh,
                field: None,
                code: Some(code),
            },
            StoreError::NotFound { what, .. } => {
                AppError::new("not_found", format!("找不到该{}", zh_what(what)))
            }
            StoreError::TooNew { .. } => {
                AppError::new("too_new", "数据由更新版本的 gridbook 创建，请升级本应用")
            }
            other => AppError::new(
                "internal",
                format!("内部错误（{}），数据未受影响", other.kind()),
            ),
        }
    }
}

impl From<gridbook_domain::FieldError> for AppError {
    fn from(f: gridbook_domain::FieldError) -> Self {
        AppError {
            kind: "invalid",
            message: f.zh,
            field: Some(f.field),
            code: None,
        }
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::NotEnrolled => AppError::new(
                "not_enrolled",
                "尚未登记到中继：请在“设置”中填写中继地址和登记令牌",
            ),
            SyncError::Refused { status: 401, .. } => {
                AppError::new("refused", "登记令牌无效，请向镇防控办索取新的令牌")
            }
            SyncError::Refused { status: 403, .. } => {
                AppError::new("refused", "本设备已被停用，请联系镇防控办")
            }
            SyncError::Refused { .. } => AppError::new("refused", "中继拒绝了本设备的请求"),
            SyncError::Network(_) => AppError::new(
                "network",
                "无法连接中继，数据已保存在本机，联网后会自动同步",
            ),
            other => AppError::new("sync", format!("同步失败：{other}")),
        }
    }
}

fn zh_what(what: &str) -> &'static str {
    match what {
        "village" => "村（社区）",
        "household" => "户",
        "person" => "人员",
        "conflict" => "冲突",
        "case" => "管控对象",
        "policy" => "管控方案",
        "checkpoint" => "卡口",
        "pass" => "通行证",
        "shift" => "班次",
        "referral" => "转诊记录",
        _ => "记录",
    }
}
