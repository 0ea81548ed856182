//! Errors of the record engine.

use gridbook_domain::FieldError;

/// Errors of the record engine.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input failed validation; nothing was written.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// A record, village or document that does not exist.
    #[error("not found: {what} {id}")]
    NotFound {
        /// What kind of thing was looked up.
        what: &'static str,
        /// The id that was not found.
        id: String,
    },
    /// The database was written by a newer gridbook.
    #[error("database schema version {found} is newer than this program supports ({supported})")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Automerge refused a change or could not load a document.
    #[error("document error: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    /// Stored data that cannot be decoded.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A rule refuses the action (e.g. a case that is not releasable); nothing was written.
    #[error("{zh} ({en})")]
    Refused {
        /// Stable reason code(s), comma-separated.
        code: String,
        /// Chinese reason.
        zh: String,
        /// English reason.
        en: String,
    },
    /// File system error (creating the data directory).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Short stable kind for callers (CLI exit codes, UI error kinds).
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Invalid(_) => "invalid",
            StoreError::NotFound { .. } => "not_found",
            StoreError::TooNew { .. } => "too_new",
            StoreError::Sqlite(_) => "database",
            StoreError::Automerge(_) => "document",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Refused { .. } => "refused",
            StoreError::Io(_) => "io",
        }
    }

    /// What a person is told, in Chinese and in English: the validation or refusal reason, or
    /// what was not found, never the ids or values involved.
    pub fn messages(&self) -> (String, String) {
        match self {
            StoreError::Invalid(f) => (f.zh.clone(), f.en.clone()),
            StoreError::NotFound { what, .. } => (
                format!("找不到该{}", what_zh(what)),
                format!("The {} was not found", what.replace('_', " ")),
            ),
            StoreError::TooNew { .. } => (
                "数据由更新版本的 gridbook 创建，请升级本应用".into(),
                "The data was written by a newer gridbook: please update this app".into(),
            ),
            StoreError::Refused { zh, en, .. } => (zh.clone(), en.clone()),
            other => (
                format!("内部错误（{}），数据未受影响", other.kind()),
                format!("Internal error ({}); no data was changed", other.kind()),
            ),
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// The Chinese name of a kind of thing that was looked up (`StoreError::NotFound::what`).
pub fn what_zh(what: &str) -> &'static str {
    match what {
        "village" => "村（社区）",
        "household" => "户",
        "person" => "人员",
        "group" => "组",
        "document" => "文档",
        "conflict" => "冲突",
        "case" => "管控对象",
        "policy" => "管控方案",
        "checkpoint" => "卡口",
        "pass" => "通行证",
        "shift" => "班次",
        "referral" => "转诊记录",
        "report" => "报告",
        _ => "记录",
    }
}

/// Result of the record engine.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
