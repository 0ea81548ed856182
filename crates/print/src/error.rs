//! Errors of a printout.

use std::path::PathBuf;

use gridbook_store::StoreError;

/// Why a printout could not be made. Nothing is left at the output path when it fails.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// No font with Chinese characters was found.
    #[error("no CJK font found (install fonts-noto-cjk or set GRIDBOOK_CJK_FONT); looked at {}", .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    NoCjkFont {
        /// The paths tried, in order.
        searched: Vec<PathBuf>,
    },
    /// A font file that cannot be used.
    #[error("font {path}: {why}")]
    BadFont {
        /// The file.
        path: PathBuf,
        /// What the font loader said.
        why: String,
    },
    /// A certificate was asked for a case that is not released.
    #[error("the case is not released (status {status}): no certificate")]
    NotReleased {
        /// The status the case screen shows.
        status: String,
    },
    /// The output path is not usable.
    #[error("{en}")]
    Invalid {
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
    /// Reading the store failed (or the case was not found).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The PDF writer failed.
    #[error("pdf: {0}")]
    Pdf(String),
    /// Reading the font or writing the file failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}
