//! Errors of an import that stop it as a whole (a refused row is not an error: it is part of
//! the plan).

use gridbook_store::StoreError;

use crate::preview::HeadRow;

/// Why an import could not be planned or written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read as a spreadsheet or CSV (missing, damaged, unknown extension,
    /// no such sheet, no header row).
    #[error("{en}")]
    Unreadable {
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
    /// No row among the first ones names the columns: the person chooses the header row
    /// (`--header-row`), shown the first rows of the sheet.
    #[error("no header row: none of the first 30 rows names the name or ID number columns (choose one with --header-row, or see --map)")]
    NoHeader {
        /// The first rows of the sheet, to choose from.
        head: Vec<HeadRow>,
    },
    /// A `--map` entry names a field gridbook does not know, or is not `HEADER=FIELD`.
    #[error("unknown field in mapping: {0}")]
    UnknownField(String),
    /// A mapping names a column by position that the sheet does not have.
    #[error("no column {letter} in the file: it has {width} columns")]
    NoColumn {
        /// The column's letter.
        letter: String,
        /// Columns the sheet has.
        width: usize,
    },
    /// The village given does not exist, or the file names none and none was given.
    #[error("{en}")]
    Village {
        /// Chinese message.
        zh: String,
        /// English message.
        en: String,
    },
    /// Writing the report sheet failed.
    #[error("report: {0}")]
    Report(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    pub(crate) fn unreadable(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ImportError::Unreadable {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message for people, in Chinese.
    pub fn zh(&self) -> String {
        match self {
            ImportError::Unreadable { zh, .. } | ImportError::Village { zh, .. } => zh.clone(),
            ImportError::NoHeader { .. } => {
                "找不到表头：前30行中没有一行含“姓名”或“公民身份号码”等列名，请指定表头所在行（--header-row）或列映射（--map）".into()
            }
            ImportError::UnknownField(f) => format!("映射中的字段无效：{f}"),
            ImportError::NoColumn { letter, width } => {
                format!("映射中的第{letter}列不存在：文件只有{width}列")
            }
            ImportError::Report(e) => format!("无法写出报告：{e}"),
            ImportError::Store(e) => format!("数据库错误：{e}"),
        }
    }
}

/// Result of this crate.
pub type Result<T, E = ImportError> = std::result::Result<T, E>;
