//! Errors of an export.

use gridbook_store::StoreError;

/// Why an export failed. Nothing is left at the output path when it does.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The request itself is wrong (a flag that does not apply, a bad range, a bad path).
    #[error("{en}")]
    Invalid {
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
    /// Full ID numbers were asked for on a device that may not write them.
    #[error("full ID numbers may only be exported on a township device")]
    FullIdsRefused,
    /// Reading the store failed (or an id was not found).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the workbook failed.
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// Writing the file failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl ExportError {
    pub(crate) fn invalid(zh: impl Into<String>, en: impl Into<String>) -> ExportError {
        ExportError::Invalid {
            zh: zh.into(),
            en: en.into(),
        }
    }
}
