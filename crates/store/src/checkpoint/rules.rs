//! The township's checkpoint decision rules: one `rules` record in the grid document.

use gridbook_domain::checkpoint::DecisionRules;
use gridbook_domain::FieldError;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, read_record, record_obj, set_fields};
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// Namespace of the rules record id: derived from the township, so every township device
/// writes the same record instead of each creating its own.
const RULES_NS: Uuid = Uuid::from_u128(0x6a1d_52c4_8e0b_4c1e_9d3f_2b7a_0c55_e917);

/// The id of the township's rules record.
fn rules_id(township: &str) -> String {
    Uuid::new_v5(&RULES_NS, township.as_bytes()).to_string()
}

impl Inner {
    /// The township's decision rules, or the defaults of the township's work plan when none
    /// were set.
    pub(crate) fn rules(&mut self) -> Result<DecisionRules> {
        let Some(township) = self.township()? else {
            return Ok(DecisionRules::default());
        };
        let rid = rules_id(&township);
        let Inner { conn, docs, .. } = self;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        let json = read_record(doc, &rid)?.and_then(|r| r.str("rules"));
        match json {
            None => Ok(DecisionRules::default()),
            Some(j) => serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("decision rules: {e}"))),
        }
    }
}

impl Store {
    /// Shows the township's decision rules (the defaults until staff set them).
    pub fn rules(&self) -> Result<DecisionRules> {
        self.lock().rules()
    }

    /// Replaces the township's decision rules (township staff); they sync to every device.
    pub fn set_rules(&self, rules: &DecisionRules) -> Result<DecisionRules> {
        if let Err(errors) = rules.validate() {
            let first = errors.into_iter().next();
            return Err(StoreError::Invalid(first.unwrap_or_else(|| {
                FieldError::new("rules", "invalid", "规则无效", "invalid rules")
            })));
        }
        let json = serde_json::to_string(rules).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut g = self.lock();
        let township = g.ensure_township(None, "本镇")?;
        let rid = rules_id(&township);
        let (now_ms, audit) = (g.now_ms(), g.audit("edit"));
        let Inner { conn, docs, .. } = &mut *g;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                match record_obj(&*w.tx, &rid)? {
                    Some(obj) => {
                        set_fields(w.tx, &obj, &[("rules".to_owned(), json.as_str().into())])?;
                    }
                    None => {
                        create_record(w.tx, &rid, "rules", &[("rules", json.as_str().into())])?;
                    }
                }
                w.touch(&rid);
                Ok(())
            },
        )?;
        Ok(rules.clone())
    }
}
