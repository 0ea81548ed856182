//! Edits the relay refused: which documents, why (in Chinese), what discarding them would
//! undo, and discarding them to go back to the relay's version.
//!
//! The relay refuses per document (see `engine::serve`); the device keeps the latest list of
//! refusals in a setting and shows those documents that still hold changes the relay does not
//! have. A refusal that no longer holds (the role was given back) goes at the next sync.

use gridbook_store::{DocId, Store, StoreError, Unacknowledged};
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// The setting that keeps the latest refusals.
const SETTING: &str = "sync_refused";
/// Most refusals kept (a device lists at most its scope).
const MAX_KEPT: usize = 500;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Noted {
    doc_id: String,
    reason: String,
}

/// Keeps the refusals of the latest sync, replacing those of the one before.
pub fn note(store: &Store, refused: &[(String, String)]) -> Result<()> {
    let noted: Vec<Noted> = refused
        .iter()
        .take(MAX_KEPT)
        .map(|(d, why)| Noted {
            doc_id: d.clone(),
            reason: crate::wire::clip_reason(why),
        })
        .collect();
    let text = serde_json::to_string(&noted).unwrap_or_else(|_| "[]".into());
    if store.setting(SETTING)?.as_deref().unwrap_or("[]") != text {
        store.set_setting(SETTING, &text)?;
    }
    Ok(())
}

fn noted(store: &Store) -> Result<Vec<Noted>> {
    Ok(store
        .setting(SETTING)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// A document whose changes from this device the relay refused.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusedEdit {
    /// What the document holds, in Chinese (户籍台账, 全镇设置…).
    pub what: String,
    /// Why the relay refused, in Chinese.
    pub reason: String,
    /// The same in English, with the relay's own words.
    pub reason_en: String,
    /// The role this device has now, in Chinese.
    pub role: Option<String>,
    /// What discarding would undo.
    #[serde(flatten)]
    pub pending: Unacknowledged,
}

/// The peer name of this device's relay in the store's sync states.
fn relay_peer(store: &Store) -> Result<String> {
    Ok(format!(
        "relay:{}",
        store.setting("relay_id")?.unwrap_or_default()
    ))
}

/// Why the relay refused, in Chinese and English, from the reason it gave.
pub fn reason_text(reason: &str) -> (String, String) {
    if reason.starts_with("out of scope") {
        return (
            "超出本机的范围：本机不负责这个村（社区）或这类记录".into(),
            format!("Outside this device's scope ({reason})"),
        );
    }
    if reason.starts_with("read-only") {
        return (
            "本机的角色只能查看这类记录，不能修改（角色可能已被镇防控办调整）".into(),
            format!("This device's role may only read these records ({reason})"),
        );
    }
    // The store's rules say why in Chinese first: "中文 (English)".
    let zh = reason.rsplit_once(" (").map_or(reason, |(zh, _)| zh).trim();
    let zh = if !zh.is_ascii() {
        format!("不符合全镇的规则：{zh}")
    } else {
        "不符合全镇的规则".to_owned()
    };
    (zh, format!("Refused by the relay: {reason}"))
}

/// The refused documents that still hold changes of this device the relay does not have.
pub fn list(store: &Store) -> Result<Vec<RefusedEdit>> {
    let peer = relay_peer(store)?;
    let role = store
        .setting("role")?
        .filter(|r| !r.is_empty())
        .map(|r| gridbook_store::rights::role_zh(&r).to_owned());
    let mut out = Vec::new();
    for n in noted(store)? {
        let Some(id) = DocId::parse(&n.doc_id) else {
            continue;
        };
        let Some(pending) = store.unacknowledged(&n.doc_id, &peer)? else {
            continue;
        };
        if pending.changes == 0 {
            continue;
        }
        let (reason, reason_en) = reason_text(&n.reason);
        out.push(RefusedEdit {
            what: gridbook_store::rights::kind_zh(id.kind).to_owned(),
            reason,
            reason_en,
            role: role.clone(),
            pending,
        });
    }
    Ok(out)
}

/// Discards the changes of document `doc_id` that the relay refused, going back to the
/// relay's version; only a document the relay refused. An edit that wrote other documents as
/// well goes whole: their changes made in the same edits go with it (see
/// [`Store::edited_together`]). Returns how many changes went.
pub fn discard(store: &Store, doc_id: &str) -> Result<usize> {
    let mut kept = noted(store)?;
    if !kept.iter().any(|n| n.doc_id == doc_id) {
        return Err(StoreError::Refused {
            code: "not_refused".into(),
            zh: "中继没有拒收这份数据，无需放弃".into(),
            en: "The relay did not refuse this document: nothing to discard".into(),
        }
        .into());
    }
    let (together, n) = store.discard_unacknowledged(doc_id, &relay_peer(store)?)?;
    kept.retain(|n| !together.contains(&n.doc_id));
    store.set_setting(
        SETTING,
        &serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into()),
    )?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::reason_text;

    #[test]
    fn reasons_read_in_chinese() {
        assert!(reason_text("out of scope").0.contains("超出本机的范围"));
        assert!(
            reason_text("read-only: changes from this device are not accepted")
                .0
                .contains("只能查看")
        );
        let (zh, en) = reason_text("记录编号 x 已在 ledger:b 中使用 (record id x is already used)");
        assert_eq!(zh, "不符合全镇的规则：记录编号 x 已在 ledger:b 中使用");
        assert!(en.contains("record id x"));
        let (zh, _) = reason_text("document error: something");
        assert_eq!(zh, "不符合全镇的规则");
    }
}
