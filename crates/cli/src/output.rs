//! Output for people and for scripts, and the mapping of errors to exit codes.

use gridbook_store::{what_zh, StoreError};
use serde::Serialize;

use crate::args::Lang;

/// A failed command: exit code, stable kind, and messages in both languages.
#[derive(Debug)]
pub struct Failure {
    /// Exit code: 2 invalid input, 3 refused, 1 anything else.
    pub code: u8,
    /// Stable kind.
    pub kind: &'static str,
    /// Field at fault, for validation errors.
    pub field: Option<&'static str>,
    /// Chinese message.
    pub zh: String,
    /// English message.
    pub en: String,
}

impl Failure {
    /// An invalid-input failure (exit 2).
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Failure {
            code: 2,
            kind: "invalid",
            field: None,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message in the chosen language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// The JSON form written to stderr with `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind, "field": self.field, "message": self.zh, "message_en": self.en
        })
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Invalid(f) => Failure {
                code: 2,
                kind: "invalid",
                field: Some(f.field),
                zh: f.zh.clone(),
                en: f.en.clone(),
            },
            StoreError::NotFound { what, id } => Failure {
                code: 2,
                kind: "not_found",
                field: None,
                zh: format!("找不到{}：{id}", what_zh(what)),
                en: format!("{what} not found: {id}"),
            },
            StoreError::Refused { code, zh, en } => Failure {
                code: 3,
                kind: refusal_kind(code),
                field: None,
                zh: zh.clone(),
                en: en.clone(),
            },
            StoreError::TooNew { .. } => Failure {
                code: 3,
                kind: "too_new",
                field: None,
                zh: format!("数据库由更新版本的 gridbook 创建，请升级本程序（{e}）"),
                en: e.to_string(),
            },
            StoreError::Locked => Failure {
                code: 3,
                kind: "locked",
                field: None,
                zh: "数据已加密，需要 PIN 才能打开（GRIDBOOK_PIN 或 --pin）".into(),
                en: "the store is encrypted: it needs its PIN (GRIDBOOK_PIN or --pin)".into(),
            },
            _ => Failure {
                code: 1,
                kind: e.kind(),
                field: None,
                zh: format!("内部错误：{e}"),
                en: e.to_string(),
            },
        }
    }
}

impl From<gridbook_domain::FieldError> for Failure {
    fn from(e: gridbook_domain::FieldError) -> Self {
        Failure::from(StoreError::from(e))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure {
            code: 1,
            kind: "io",
            field: None,
            zh: format!("文件读写失败：{e}"),
            en: e.to_string(),
        }
    }
}

/// Prints `value` as JSON, or the text `human` builds.
pub fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        line(&serde_json::to_string(value).unwrap_or_else(|_| "null".into()));
    } else {
        let text = human();
        if !text.is_empty() {
            line(&text);
        }
    }
}

/// Writes one line on stdout. A reader that went away (`gridbook … | head`) is not an error
/// of this command: what it did is done, so the rest of the output is dropped quietly. Any
/// other failure to write (a full disk) is reported and the command exits with 1.
pub fn line(text: &str) {
    use std::io::{ErrorKind, Write};
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            eprintln!("gridbook: stdout: {e}");
            std::process::exit(1);
        }
        _ => {}
    }
}

/// Picks the Chinese or English text.
pub fn t(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The error kind of a refusal: a temporary pass's reason is its own kind (a checkpoint's
/// script tells an expired pass from a used one); every other refusal is `refused`, with
/// its reasons in the message.
fn refusal_kind(code: &str) -> &'static str {
    [
        "not-yet-valid",
        "expired",
        "already-used",
        "not-out-on-pass",
        "under-control",
    ]
    .into_iter()
    .find(|k| *k == code)
    .unwrap_or("refused")
}
