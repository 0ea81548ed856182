//! Names of villages and groups: added and renamed by the township in its grid document,
//! with one rule for both (1–40 characters for a village, 1–20 for a group; no two villages of
//! the township, and no two groups of one village, with the same name). A rename changes the
//! record's `name` only: ids stay, so households keep their village and group and every list,
//! export and report shows the new name.

use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj, set_fields};
use crate::engine::text::parse_uuid;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::ledger::households::err;
use crate::{Inner, Store};

/// Longest village name kept.
const MAX_VILLAGE_CHARS: usize = 40;
/// Longest group name kept.
const MAX_GROUP_CHARS: usize = 20;

/// A village or group as named.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Named {
    /// The record id (UUID), unchanged by a rename.
    pub id: String,
    /// Its name now.
    pub name: String,
}

/// A village name checked: trimmed, 1–40 characters.
fn village_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_VILLAGE_CHARS {
        return Err(err(
            "name",
            "length",
            format!("村（社区）名称应为1–{MAX_VILLAGE_CHARS}个字"),
            format!("village name must be 1–{MAX_VILLAGE_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// A group name checked: trimmed, 1–20 characters.
fn group_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_GROUP_CHARS {
        return Err(err(
            "name",
            "length",
            format!("组名应为1–{MAX_GROUP_CHARS}个字"),
            format!("group name must be 1–{MAX_GROUP_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

impl Inner {
    /// Refuses `name` if another village of the township (not `except`) has it.
    fn village_name_free(&self, name: &str, except: Option<&str>) -> Result<()> {
        let taken = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM villages WHERE name = ?1 AND deleted = 0 AND id <> ifnull(?2, '')",
            )?
            .exists(rusqlite::params![name, except])?;
        if taken {
            return Err(err(
                "name",
                "duplicate",
                format!("本镇已有名为“{name}”的村（社区），请换一个名称"),
                format!("the township already has a village named '{name}'"),
            ));
        }
        Ok(())
    }

    /// Refuses `name` if another group of `village` (not `except`) has it.
    fn group_name_free(&self, village: &str, name: &str, except: Option<&str>) -> Result<()> {
        let taken = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM groups WHERE village_id = ?1 AND name = ?2 AND deleted = 0
                   AND id <> ifnull(?3, '')",
            )?
            .exists(rusqlite::params![village, name, except])?;
        if taken {
            return Err(err(
                "name",
                "duplicate",
                format!("该村（社区）已有名为“{name}”的组，请换一个名称"),
                format!("the village already has a group named '{name}'"),
            ));
        }
        Ok(())
    }

    /// The village of a group that exists.
    fn group_village(&self, id: &str) -> Result<String> {
        use rusqlite::OptionalExtension;
        self.conn
            .prepare_cached("SELECT village_id FROM groups WHERE id = ?1 AND deleted = 0")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::not_found("group", id))
    }

    /// Creates (`create`: its type and the village) or renames record `id` of the grid.
    fn write_name(
        &mut self,
        id: &str,
        create: Option<(&str, Option<&str>)>,
        name: &str,
    ) -> Result<()> {
        let township = self.ensure_township(None, "本镇")?;
        let (now_ms, audit) = (
            self.now_ms(),
            self.audit(if create.is_some() { "create" } else { "edit" }),
        );
        let Inner { conn, docs, .. } = self;
        docs.write(
            conn,
            &doc_id(DocKind::Grid, &township),
            None,
            audit,
            now_ms,
            |w| {
                match create {
                    Some((kind, village)) => {
                        let mut f = vec![("name", Val::from(name))];
                        if let Some(v) = village {
                            f.push(("village_id", Val::from(v)));
                        }
                        create_record(w.tx, id, kind, &f)?;
                        w.touch(id);
                    }
                    None => {
                        let Some(obj) = record_obj(&*w.tx, id)? else {
                            return Err(StoreError::not_found("record", id));
                        };
                        let f = [("name".to_owned(), Val::from(name))];
                        if !set_fields(w.tx, &obj, &f)?.is_empty() {
                            w.touch(id);
                        }
                    }
                }
                Ok(())
            },
        )
    }
}

impl Store {
    /// Adds a village to the township (creating the township on first use).
    pub fn add_village(&self, name: &str) -> Result<String> {
        let name = village_name(name)?;
        let mut g = self.lock();
        g.village_name_free(&name, None)?;
        let id = Uuid::new_v4().to_string();
        g.write_name(&id, Some(("village", None)), &name)?;
        Ok(id)
    }

    /// Renames a village; its id, households and groups stay.
    pub fn rename_village(&self, id: &str, name: &str) -> Result<Named> {
        let id = parse_uuid("village", id)?;
        let name = village_name(name)?;
        let mut g = self.lock();
        if !g.village_exists(&id)? {
            return Err(StoreError::not_found("village", id));
        }
        g.village_name_free(&name, Some(&id))?;
        g.write_name(&id, None, &name)?;
        Ok(Named { id, name })
    }

    /// Adds a group (组/网格) to a village.
    pub fn add_group(&self, village_id: &str, name: &str) -> Result<String> {
        let village_id = parse_uuid("village", village_id)?;
        let name = group_name(name)?;
        let mut g = self.lock();
        if !g.village_exists(&village_id)? {
            return Err(StoreError::not_found("village", village_id));
        }
        g.group_name_free(&village_id, &name, None)?;
        let id = Uuid::new_v4().to_string();
        g.write_name(&id, Some(("group", Some(&village_id))), &name)?;
        Ok(id)
    }

    /// Renames a group; its id, village and households stay.
    pub fn rename_group(&self, id: &str, name: &str) -> Result<Named> {
        let id = parse_uuid("group", id)?;
        let name = group_name(name)?;
        let mut g = self.lock();
        let village = g.group_village(&id)?;
        g.group_name_free(&village, &name, Some(&id))?;
        g.write_name(&id, None, &name)?;
        Ok(Named { id, name })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::Store;

    #[test]
    fn names_are_checked_and_renames_keep_ids() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.add_village("红星村").unwrap();
        let b = store.add_village("沙坝村").unwrap();
        let g1 = store.add_group(&a, "一组").unwrap();
        store.add_group(&a, "二组").unwrap();
        store.add_group(&b, "一组").unwrap();
        let heads = store.doc_heads().unwrap();
        for (e, field) in [
            (store.add_village("  ").unwrap_err(), "length"),
            (store.add_village(" 红星村 ").unwrap_err(), "duplicate"),
            (store.rename_village(&b, "红星村").unwrap_err(), "duplicate"),
            (store.rename_village(&b, "").unwrap_err(), "length"),
            (store.add_group(&a, "二组").unwrap_err(), "duplicate"),
            (store.rename_group(&g1, "二组").unwrap_err(), "duplicate"),
            (store.rename_group(&g1, " ").unwrap_err(), "length"),
        ] {
            assert_eq!(e.kind(), "invalid", "{e}");
            assert!(format!("{e:?}").contains(field), "{e:?}");
        }
        assert_eq!(store.doc_heads().unwrap(), heads, "nothing written");
        assert_eq!(store.rename_village(&a, "红星社区").unwrap().id, a);
        store.rename_village(&a, "红星社区").unwrap(); // the same name again: nothing to do
        store.rename_group(&g1, "1组").unwrap();
        let v = store.villages().unwrap();
        let red = v.iter().find(|v| v.id == a).unwrap();
        assert_eq!(red.name, "红星社区");
        assert_eq!(red.groups[0].id, g1);
        assert_eq!(red.groups[0].name, "1组");
        let unknown = uuid::Uuid::new_v4().to_string();
        assert_eq!(
            store.rename_group(&unknown, "三组").unwrap_err().kind(),
            "not_found"
        );
        store.reindex(true).map(|r| assert!(r.equal)).unwrap();
    }
}
