//! `gridbook quarantine`: the records this store holds back instead of projecting them (an
//! id used by another document, a type in conflict, rows a table refused), so that township
//! staff can see what did not arrive and why while everything else syncs.

use gridbook_store::Store;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

fn reason_text(lang: Lang, reason: &str) -> String {
    let (code, detail) = reason.split_once(": ").unwrap_or((reason, ""));
    let text = match code {
        gridbook_store::owner::DUPLICATE_ID => t(
            lang,
            "记录编号已被另一文档使用",
            "record id used by another document",
        ),
        gridbook_store::owner::TYPE_CONFLICT => t(lang, "记录类型冲突", "record type in conflict"),
        gridbook_store::owner::PROJECTION_FAILED => {
            t(lang, "记录无法写入列表", "record rows could not be written")
        }
        other => other.to_owned(),
    };
    if detail.is_empty() {
        text
    } else {
        format!("{text}（{detail}）")
    }
}

/// Lists the quarantined records.
pub fn list(store: &Store, json: bool, lang: Lang) -> Result<(), Failure> {
    let rows = store.quarantine()?;
    emit(json, &rows, || {
        if rows.is_empty() {
            return t(lang, "没有被隔离的记录", "no quarantined records");
        }
        rows.iter()
            .map(|q| {
                let owner = q
                    .owner_doc
                    .as_deref()
                    .map(|d| format!(" → {d}"))
                    .unwrap_or_default();
                format!(
                    "{}（{}） {} {}{owner} {}",
                    q.what,
                    q.doc_id,
                    q.record_id,
                    reason_text(lang, &q.reason),
                    q.at
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
