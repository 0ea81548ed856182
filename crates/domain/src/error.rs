//! Errors of the domain: every validation failure names the field and the reason in Chinese
//! and in English.

use std::fmt;

/// A value that failed validation: which field, and why (zh-CN first, then English).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Stable field name, e.g. `id_number`, `phone`, `plate`, `temperature`.
    pub field: &'static str,
    /// Stable machine-readable reason, e.g. `check_char`, `birth_date`, `length`.
    pub reason: &'static str,
    /// The message shown to a Chinese-speaking user.
    pub zh: String,
    /// The same message in English.
    pub en: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(
        field: &'static str,
        reason: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            field,
            reason,
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{} ({})", self.field, self.zh, self.en)
    }
}

impl std::error::Error for FieldError {}

/// Errors of the domain crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value failed validation.
    #[error("{0}")]
    Invalid(FieldError),
}

impl From<FieldError> for DomainError {
    fn from(e: FieldError) -> Self {
        DomainError::Invalid(e)
    }
}

/// Result of the domain crate.
pub type Result<T, E = FieldError> = std::result::Result<T, E>;
