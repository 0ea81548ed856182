//! gridbook-print: the township's printouts of an isolation case as A4 PDFs — the
//! 居家隔离公示单 posted at the door and the 期满证明 release certificate — with a CJK font
//! found on the machine (Debian's fonts-noto-cjk first) embedded as a subset by krilla.
//!
//! The data comes from the store (`Store::case_paper`): the status the case screen shows,
//! the certificate data stored at release. A certificate is refused for a case that is not
//! released. Each printout is recorded in the device's log of exports (`Store::record_export`),
//! which syncs to the township.
//!
//! This crate must not depend on the sync engine, the relay, the CLI or tauri. Its optional
//! `ts` feature derives the TypeScript declarations of `ui/src/generated/types.ts` (ts-rs);
//! builds of the app and the CLI leave it off.

mod error;
mod font;
mod page;
mod papers;

use std::path::{Path, PathBuf};

use gridbook_store::{ExportRecord, Store};

pub use error::PrintError;
pub use font::CjkFont;
pub use papers::{certificate, certificate_number, notice};

/// Which printout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 居家隔离公示单.
    Notice,
    /// 期满证明.
    Certificate,
}

impl Paper {
    /// `notice` or `certificate`.
    pub fn code(self) -> &'static str {
        match self {
            Paper::Notice => "notice",
            Paper::Certificate => "certificate",
        }
    }
}

/// What a printout wrote.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Printed {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The certificate number, for a certificate.
    pub number: Option<String>,
}

/// Makes the printout of `case_id` into `out` (written whole or not at all) and records it.
pub fn print_to_file(
    store: &Store,
    paper: Paper,
    case_id: &str,
    out: &Path,
    font: &CjkFont,
) -> Result<Printed, PrintError> {
    check_out(out)?;
    let p = store.case_paper(case_id)?;
    let (bytes, number) = match paper {
        Paper::Notice => (notice(&p, font, store.now_local().date())?, None),
        Paper::Certificate => (certificate(&p, font)?, Some(certificate_number(&p))),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = out.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, out));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    store.record_export(&ExportRecord {
        id: String::new(),
        at: String::new(),
        device: String::new(),
        device_id: None,
        kind: paper.code().to_owned(),
        format: "pdf".to_owned(),
        village_id: None,
        date_from: None,
        date_to: None,
        subject: Some(p.case_id.clone()),
        rows: 1,
        full_ids: false,
        path: out.display().to_string(),
        ..ExportRecord::default()
    })?;
    Ok(Printed {
        path: out.to_path_buf(),
        bytes: bytes.len() as u64,
        number,
    })
}

fn check_out(out: &Path) -> Result<(), PrintError> {
    let ext_ok = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !ext_ok || !parent.is_dir() || out.is_dir() {
        return Err(PrintError::Invalid {
            zh: format!("输出文件应为已存在目录中的 .pdf 文件：{}", out.display()),
            en: format!(
                "output must be a .pdf file in an existing folder: {}",
                out.display()
            ),
        });
    }
    Ok(())
}
