//! The township's grid: the township, its villages and their groups (组).

use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj};
use crate::error::Result;
use crate::{get_setting, set_setting, Inner, Store};

/// A village as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Village"))]
pub struct VillageRow {
    /// The village's record id (UUID).
    pub id: String,
    /// The village's name, e.g. 红星村.
    pub name: String,
    /// Households not deleted.
    pub households: i64,
    /// Persons not deleted.
    pub persons: i64,
    /// The groups (组) of the village, in their natural order (一组, 二组, … 十一组).
    pub groups: Vec<GroupRow>,
}

/// A group (组) of a village.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Group"))]
pub struct GroupRow {
    /// The group's record id (UUID).
    pub id: String,
    /// The group's name, e.g. 3组.
    pub name: String,
}

impl Inner {
    pub(crate) fn township(&self) -> Result<Option<String>> {
        get_setting(&self.conn, "township_id")
    }

    /// The township id, created on first use.
    pub(crate) fn ensure_township(&mut self, id: Option<&str>, name: &str) -> Result<String> {
        if let Some(t) = self.township()? {
            return Ok(t);
        }
        let id = id.map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
        set_setting(&self.conn, "township_id", &id)?;
        let (now_ms, audit) = (self.now_ms(), self.audit("create"));
        let doc = doc_id(DocKind::Grid, &id);
        let Inner { conn, docs, .. } = self;
        docs.write(conn, &doc, None, audit, now_ms, |w| {
            if record_obj(&*w.tx, &id)?.is_none() {
                create_record(w.tx, &id, "township", &[("name", name.into())])?;
                w.touch(&id);
            }
            Ok(())
        })?;
        Ok(id)
    }

    pub(crate) fn village_exists(&self, id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM villages WHERE id = ?1 AND deleted = 0")?
            .exists([id])?)
    }
}

impl Store {
    /// The township's name, once its grid document is on this device.
    pub fn township_name(&self) -> Result<Option<String>> {
        let mut g = self.lock();
        let Some(township) = g.township()? else {
            return Ok(None);
        };
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        Ok(crate::engine::record::read_record(doc, &township)?.and_then(|r| r.str("name")))
    }

    /// Villages of the township with their counts.
    pub fn villages(&self) -> Result<Vec<VillageRow>> {
        let g = self.lock();
        let mut st = g.conn.prepare(
            "SELECT v.id, v.name,
               (SELECT count(*) FROM households h WHERE h.village_id = v.id AND h.deleted = 0),
               (SELECT count(*) FROM persons p WHERE p.village_id = v.id AND p.deleted = 0)
             FROM villages v WHERE v.deleted = 0 ORDER BY v.name, v.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(VillageRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    households: r.get(2)?,
                    persons: r.get(3)?,
                    groups: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = g
            .conn
            .prepare("SELECT village_id, id, name FROM groups WHERE deleted = 0")?;
        let mut groups = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    GroupRow {
                        id: r.get(1)?,
                        name: r.get(2)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        groups.sort_by(|a, b| {
            let key = |g: &GroupRow| {
                (
                    group_number(&g.name).unwrap_or(u32::MAX),
                    g.name.clone(),
                    g.id.clone(),
                )
            };
            key(&a.1).cmp(&key(&b.1))
        });
        let mut rows = rows;
        for (village, group) in groups {
            if let Some(v) = rows.iter_mut().find(|v| v.id == village) {
                v.groups.push(group);
            }
        }
        Ok(rows)
    }
}

/// The number a group's name starts with: "3组" → 3, "十一组" → 11, "二十组" → 20.
pub fn group_number(name: &str) -> Option<u32> {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let (mut total, mut current, mut seen) = (0, 0, false);
    for c in name.chars() {
        match c {
            '十' => {
                total += if current == 0 { 10 } else { current * 10 };
                current = 0;
            }
            '两' => current = 2,
            c => match digit(c) {
                Some(d) => current = d,
                None => break,
            },
        }
        seen = true;
    }
    seen.then_some(total + current)
}

#[cfg(test)]
mod group_order_tests {
    use super::group_number;
    use crate::Store;

    #[test]
    fn villages_come_with_their_groups_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.add_village("红星村").unwrap();
        let b = store.add_village("沙坝村").unwrap();
        for name in ["十一组", "二组", "一组", "十组"] {
            store.add_group(&a, name).unwrap();
        }
        store.add_group(&b, "3组").unwrap();
        assert_eq!(store.township_name().unwrap().as_deref(), Some("本镇"));
        let villages = store.villages().unwrap();
        let names = |id: &str| -> Vec<String> {
            let v = villages.iter().find(|v| v.id == id).unwrap();
            v.groups.iter().map(|g| g.name.clone()).collect()
        };
        assert_eq!(names(&a), ["一组", "二组", "十组", "十一组"]);
        assert_eq!(names(&b), ["3组"]);
    }

    #[test]
    fn group_names_order_by_their_number() {
        assert_eq!(group_number("3组"), Some(3));
        assert_eq!(group_number("12组"), Some(12));
        assert_eq!(group_number("一组"), Some(1));
        assert_eq!(group_number("十组"), Some(10));
        assert_eq!(group_number("十一组"), Some(11));
        assert_eq!(group_number("二十组"), Some(20));
        assert_eq!(group_number("二十三组"), Some(23));
        assert_eq!(group_number("东组"), None);
    }
}
