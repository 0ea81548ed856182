//! The one error type at the Tauri boundary: a stable kind, the message in Chinese and English
//! (from the error types' own `messages`), the field for validation, never personal data.

use gridbook_store::StoreError;
use gridbook_sync::SyncError;
use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{kind}: {message_en}")]
pub struct AppError {
    /// Stable kind: invalid, not_found, refused, too_new, network, not_enrolled, sync,
    /// internal, unopened, starting, locked, wrong_pin, wait; for a relay's certificate
    /// refused: untrusted_relay (not the township's CA), cert_expired, cert_wrong_host.
    pub kind: &'static str,
    /// The message for the user in Chinese.
    pub message: String,
    /// The same in English.
    pub message_en: String,
    /// The form field at fault, for validation errors.
    pub field: Option<&'static str>,
    /// A reason code for the screen to react to: the refusal's code (e.g. `already-used` for a
    /// pass), or what was not found (`pass`, `person`, …).
    pub code: Option<String>,
}

impl AppError {
    pub(crate) fn new(kind: &'static str, (message, message_en): (String, String)) -> Self {
        AppError {
            kind,
            message,
            message_en,
            field: None,
            code: None,
        }
    }

    /// The store in `dir` could not be opened: what the window shows instead of the app.
    /// Nothing was written to it.
    pub fn unopened(dir: &std::path::Path, e: StoreError) -> Self {
        let (zh, en) = match e {
            StoreError::TooNew { .. } => e.messages(),
            _ => (
                format!("数据库无法读取（{}）", e.kind()),
                format!("the database cannot be read ({})", e.kind()),
            ),
        };
        let dir = dir.display();
        AppError::new(
            "unopened",
            (
                format!("无法打开本机数据（{dir}）：{zh}。数据未被改动。"),
                format!("Cannot open this device's data ({dir}): {en}. Nothing was changed."),
            ),
        )
    }

    /// A command ran before the store was opened.
    pub fn starting() -> Self {
        AppError::new(
            "starting",
            (
                "正在打开本机数据，请稍候".into(),
                "Opening this device's data, one moment".into(),
            ),
        )
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let kind = match e.kind() {
            k @ ("invalid" | "not_found" | "refused" | "too_new" | "locked") => k,
            _ => "internal",
        };
        let mut err = AppError::new(kind, e.messages());
        match e {
            StoreError::Invalid(f) => err.field = Some(f.field),
            StoreError::Refused { code, .. } => err.code = Some(code),
            StoreError::NotFound { what, .. } => err.code = Some(what.to_owned()),
            _ => {}
        }
        err
    }
}

impl From<gridbook_domain::FieldError> for AppError {
    fn from(f: gridbook_domain::FieldError) -> Self {
        StoreError::Invalid(f).into()
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            other => {
                let kind = match other.kind() {
                    k @ ("network" | "not_enrolled" | "refused" | "untrusted_relay"
                    | "cert_expired" | "cert_wrong_host") => k,
                    _ => "sync",
                };
                AppError::new(kind, other.messages())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use gridbook_sync::{CertProblem, SyncError};

    use super::AppError;

    #[test]
    fn a_refused_certificate_reaches_the_ui_with_its_own_kind_and_words() {
        for problem in [
            CertProblem::Expired,
            CertProblem::WrongHost,
            CertProblem::UnknownCa,
        ] {
            let e = AppError::from(SyncError::UntrustedRelay {
                problem,
                detail: "certificate refused".into(),
            });
            assert_eq!(e.kind, problem.kind());
            assert_eq!(
                (e.message.as_str(), e.message_en.as_str()),
                problem.messages()
            );
        }
    }
}
