//! What the CLI's lists show of ID numbers and phones. For people, every list masks them, as
//! the app's lists do (`gridbook_domain::privacy`). In JSON (`--json`, read by scripts), a list
//! keeps its fields and their names: full values for a role that sees the person's village in
//! full ([`Store::may_reveal`]: township staff, the village's grid worker), recorded as one
//! reveal in this device's log per command (see `gridbook_store::township::lists_shown`);
//! masked for any other role, or with `--masked`, and then nothing is recorded. A record's
//! history and the list of conflicts follow the same rule.

use gridbook_domain::privacy::{mask_id_number, mask_phone};
use gridbook_store::Store;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// How a list is asked for: `--json`, `--masked`.
pub type Asked = (bool, bool);

/// Whether a list shows full values: in JSON, unless asked masked.
fn full((json, masked): Asked) -> bool {
    json && !masked
}

/// Runs `search`.
pub fn search(
    store: &Store,
    text: &str,
    limit: usize,
    asked: Asked,
    lang: Lang,
) -> Result<(), Failure> {
    let hits = store.search_shown(text, limit, full(asked))?;
    emit(asked.0, &hits, || {
        if hits.is_empty() {
            return t(lang, "没有找到", "nothing found");
        }
        hits.iter()
            .map(|h| {
                format!(
                    "{}  {}  {}  {}",
                    h.name,
                    id(&h.id_number),
                    phone(h.phone.as_deref()),
                    h.address
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Runs `history`.
pub fn history(store: &Store, record: &str, asked: Asked) -> Result<(), Failure> {
    let h = store.history_shown(record, full(asked))?;
    emit(asked.0, &h, || {
        h.iter()
            .map(|e| {
                format!(
                    "{}  {}  {}: {} → {}",
                    e.at,
                    e.device,
                    e.field,
                    show(&e.old),
                    show(&e.new)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Runs `conflicts`.
pub fn conflicts(store: &Store, asked: Asked) -> Result<(), Failure> {
    let c = store.conflicts_shown(full(asked))?;
    emit(asked.0, &c, || {
        c.iter()
            .map(|c| {
                let vals: Vec<String> = c.values.iter().map(ToString::to_string).collect();
                format!("{} {}: {}", c.record_id, c.field, vals.join(" | "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "∅".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join(" | "),
        other => other.to_string(),
    }
}

/// An ID number as a list shows it to people.
pub fn id(id: &str) -> String {
    mask_id_number(id)
}

/// A phone as a list shows it to people (`-` for none).
pub fn phone(phone: Option<&str>) -> String {
    phone.map_or_else(|| "-".to_owned(), mask_phone)
}
