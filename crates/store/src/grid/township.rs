//! The township record of the grid: its name and the phone printed on every 公示单 for
//! residents to report to (监督举报电话). Township staff edit them; every device reads them.

use serde::Serialize;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{read_record, record_obj, set_fields};
use crate::engine::value::Val;
use crate::error::Result;
use crate::ledger::households::err;
use crate::{Inner, Store};

/// Longest township name kept.
const MAX_NAME_CHARS: usize = 30;

/// The township as its papers name it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TownshipInfo {
    /// The township's record id (UUID).
    pub id: String,
    /// Its name, e.g. 莫斯台街道.
    pub name: String,
    /// 监督举报电话, if set.
    pub hotline: Option<String>,
}

/// A reporting phone as printed: digits with `-`, `(`, `)` or spaces, 3 to 15 digits (12345, a
/// landline with its area code, a mobile). An empty text clears it.
fn parse_hotline(raw: &str) -> Result<Option<String>> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | ' '));
    if !allowed || !(3..=15).contains(&digits) {
        return Err(err(
            "hotline",
            "format",
            format!("监督举报电话“{s}”应为3–15位数字（可带区号和“-”）"),
            format!("reporting phone '{s}' must be 3–15 digits (an area code and '-' allowed)"),
        ));
    }
    Ok(Some(s.to_owned()))
}

impl Inner {
    pub(crate) fn township_info(&mut self) -> Result<Option<TownshipInfo>> {
        let Some(id) = self.township()? else {
            return Ok(None);
        };
        let Inner { conn, docs, .. } = self;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &id))?;
        let record = read_record(doc, &id)?;
        Ok(Some(TownshipInfo {
            name: record
                .as_ref()
                .and_then(|r| r.str("name"))
                .unwrap_or_default(),
            hotline: record.and_then(|r| r.str("hotline")),
            id,
        }))
    }

    /// Writes `fields` on the township record of the grid (created on first use), township
    /// staff only (the grid document's rules); returns the township id.
    pub(crate) fn write_township(&mut self, fields: &[(String, Val)]) -> Result<String> {
        let township = self.ensure_township(None, "本镇")?;
        if fields.is_empty() {
            return Ok(township);
        }
        let (now_ms, audit) = (self.now_ms(), self.audit("edit"));
        let Inner { conn, docs, .. } = self;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                if let Some(obj) = record_obj(&*w.tx, &township)? {
                    if !set_fields(w.tx, &obj, fields)?.is_empty() {
                        w.touch(&township);
                    }
                }
                Ok(())
            },
        )?;
        Ok(township)
    }
}

impl Store {
    /// The township's name and reporting phone; `None` before the grid reached this device.
    pub fn township_info(&self) -> Result<Option<TownshipInfo>> {
        self.lock().township_info()
    }

    /// Renames the township and/or sets its reporting phone (an empty phone clears it).
    pub fn set_township_info(
        &self,
        name: Option<&str>,
        hotline: Option<&str>,
    ) -> Result<TownshipInfo> {
        let mut fields: Vec<(String, Val)> = Vec::new();
        if let Some(name) = name {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
                return Err(err(
                    "name",
                    "length",
                    format!("镇街名称应为1–{MAX_NAME_CHARS}个字"),
                    format!("the township's name must be 1–{MAX_NAME_CHARS} characters"),
                ));
            }
            fields.push(("name".into(), name.into()));
        }
        if let Some(raw) = hotline {
            fields.push(("hotline".into(), parse_hotline(raw)?.into()));
        }
        let mut g = self.lock();
        let township = g.write_township(&fields)?;
        let info = g.township_info()?;
        Ok(info.unwrap_or(TownshipInfo {
            id: township,
            name: String::new(),
            hotline: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_hotline;

    #[test]
    fn hotlines_are_phone_like() {
        assert_eq!(
            parse_hotline(" 0818-2345678 ").unwrap().as_deref(),
            Some("0818-2345678")
        );
        assert_eq!(parse_hotline("12345").unwrap().as_deref(), Some("12345"));
        assert_eq!(parse_hotline("").unwrap(), None);
        assert!(parse_hotline("12").is_err());
        assert!(parse_hotline("call 12345").is_err());
        assert!(parse_hotline("1234567890123456").is_err());
    }
}
