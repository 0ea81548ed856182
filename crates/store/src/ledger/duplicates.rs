//! Duplicate detection (疑似重复): pairs of persons in lists now that look like one person.
//!
//! Three reasons, strongest first (a pair is listed once, with its strongest): the same ID
//! number (two households registered the same person), the same name and birth date, the
//! same name and phone. Each is answered from the partial indexes of migration 16 over the
//! persons in lists (`deleted = 0`): grouped index scans, never a join of the table with
//! itself, so 400k persons take well under the 2 s the issue allows (see docs/benchmarks.md).
//!
//! Persons sharing a value are listed as pairs with the first of them (by id): a group of
//! three gives two pairs, and merging them one by one leaves one person.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::ledger::read::PersonRow;
use crate::Store;

/// Why two persons look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "DuplicateReason"))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The same ID number in two records.
    SameIdNumber,
    /// The same name and birth date.
    SameNameBirth,
    /// The same name and phone.
    SameNamePhone,
}

impl Reason {
    /// The machine word (as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            Reason::SameIdNumber => "same_id_number",
            Reason::SameNameBirth => "same_name_birth",
            Reason::SameNamePhone => "same_name_phone",
        }
    }

    /// The label shown (zh-CN).
    pub fn zh(self) -> &'static str {
        match self {
            Reason::SameIdNumber => "证件号码相同",
            Reason::SameNameBirth => "姓名、出生日期相同",
            Reason::SameNamePhone => "姓名、电话相同",
        }
    }

    /// The label shown (English).
    pub fn en(self) -> &'static str {
        match self {
            Reason::SameIdNumber => "same ID number",
            Reason::SameNameBirth => "same name and birth date",
            Reason::SameNamePhone => "same name and phone",
        }
    }
}

/// Two persons that look like one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Duplicate {
    /// The two persons, smaller id first.
    pub persons: [String; 2],
    /// The strongest reason.
    pub reason: Reason,
}

/// Two persons side by side before a merge, with the fields whose values differ.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergePreview {
    /// The two persons as shown.
    pub persons: [PersonRow; 2],
    /// Their households' addresses.
    pub addresses: [String; 2],
    /// Their villages.
    pub villages: [String; 2],
    /// Fields (of the person row) whose values differ.
    pub differing: Vec<&'static str>,
    /// Where the two ID numbers differ, by place (the first character is 1): empty when they
    /// are equal; `None` when one is empty or their lengths differ. With the persons masked,
    /// this tells a township officer how the numbers compare without showing either.
    pub id_number_places: Option<Vec<u32>>,
    /// Where the two phones differ, as [`MergePreview::id_number_places`].
    pub phone_places: Option<Vec<u32>>,
}

/// The places (from 1) where `a` and `b` differ, `None` when one is empty or their lengths
/// differ.
fn places(a: &str, b: &str) -> Option<Vec<u32>> {
    let (a, b): (Vec<char>, Vec<char>) = (a.trim().chars().collect(), b.trim().chars().collect());
    if a.is_empty() || b.is_empty() || a.len() != b.len() {
        return None;
    }
    Some(
        (1u32..)
            .zip(a.iter().zip(&b))
            .filter(|(_, (x, y))| x != y)
            .map(|(i, _)| i)
            .collect(),
    )
}

impl Reason {
    /// Every reason, strongest first: a pair found for several is listed with the first.
    pub const ALL: [Reason; 3] = [
        Reason::SameIdNumber,
        Reason::SameNameBirth,
        Reason::SameNamePhone,
    ];

    /// The person fields two persons share for this reason; the last one must not be empty
    /// (an empty ID number, birth date or phone says nothing). The store's grouped scans and
    /// [`duplicate_pairs`] both read the reason from here.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Reason::SameIdNumber => &["id_number"],
            Reason::SameNameBirth => &["name", "birth_date"],
            Reason::SameNamePhone => &["name", "phone"],
        }
    }

    /// The values `p` is grouped by for this reason, `None` when the last one is empty.
    fn key(self, p: &PersonKeys) -> Option<Vec<&str>> {
        let key: Vec<&str> = self.columns().iter().map(|c| p.field(c)).collect();
        key.last().filter(|v| !v.is_empty())?;
        Some(key)
    }
}

/// What duplicate detection reads of a person in lists.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonKeys {
    /// Person id.
    pub id: String,
    /// Name as kept.
    pub name: String,
    /// ID number as kept (empty when none).
    pub id_number: String,
    /// Birth date `YYYY-MM-DD` (empty when unknown).
    pub birth_date: String,
    /// Phone as kept (empty when none).
    pub phone: String,
}

impl PersonKeys {
    fn field(&self, column: &str) -> &str {
        match column {
            "name" => &self.name,
            "id_number" => &self.id_number,
            "birth_date" => &self.birth_date,
            "phone" => &self.phone,
            _ => "",
        }
    }
}

/// The pairs of groups of persons sharing a reason's values (ids in order), as the list shows
/// them: each person paired with the first of its group, a pair once with its strongest
/// reason (groups come strongest first), dismissed pairs (smaller id first) left out, by
/// reason then ids.
fn pairs_of(
    groups: impl IntoIterator<Item = (Reason, Vec<String>)>,
    dismissed: impl IntoIterator<Item = (String, String)>,
) -> Vec<Duplicate> {
    let mut found: BTreeMap<(String, String), Reason> = BTreeMap::new();
    for (reason, ids) in groups {
        if let Some((first, rest)) = ids.split_first() {
            for other in rest {
                found
                    .entry((first.clone(), other.clone()))
                    .or_insert(reason);
            }
        }
    }
    for pair in dismissed {
        found.remove(&pair);
    }
    let mut out: Vec<Duplicate> = found
        .into_iter()
        .map(|((a, b), reason)| Duplicate {
            persons: [a, b],
            reason,
        })
        .collect();
    out.sort_by(|x, y| (x.reason, &x.persons).cmp(&(y.reason, &y.persons)));
    out
}

/// The duplicate pairs among `persons` (those in lists), as [`Store::duplicates`] lists them
/// from the store, with the pairs `dismissed` as not one person left out.
pub fn duplicate_pairs(persons: &[PersonKeys], dismissed: &[(String, String)]) -> Vec<Duplicate> {
    let mut groups = Vec::new();
    for reason in Reason::ALL {
        let mut by_key: BTreeMap<Vec<&str>, Vec<String>> = BTreeMap::new();
        for p in persons {
            if let Some(key) = reason.key(p) {
                by_key.entry(key).or_default().push(p.id.clone());
            }
        }
        for mut ids in by_key.into_values().filter(|ids| ids.len() > 1) {
            ids.sort();
            groups.push((reason, ids));
        }
    }
    pairs_of(groups, dismissed.iter().cloned())
}

impl Store {
    /// Every pair of persons in lists that look like one (see the module doc), by reason then
    /// by ids.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>> {
        let g = self.lock();
        let conn = &g.conn;
        let mut groups: Vec<(Reason, Vec<String>)> = Vec::new();
        // Per reason, a grouped scan of its index, then the persons of each group (a
        // handful) by the same index.
        for reason in Reason::ALL {
            let cols = reason.columns();
            let last = cols.last().copied().unwrap_or("id");
            let list = cols.join(", ");
            let same = (1..)
                .zip(cols)
                .map(|(i, c)| format!("{c} = ?{i}"))
                .collect::<Vec<_>>()
                .join(" AND ");
            let keys: Vec<Vec<String>> = conn
                .prepare(&format!(
                    "SELECT {list} FROM persons WHERE deleted = 0 AND {last} != ''
                     GROUP BY {list} HAVING count(*) > 1"
                ))?
                .query_map([], |r| (0..cols.len()).map(|i| r.get(i)).collect())?
                .collect::<rusqlite::Result<_>>()?;
            let mut st = conn.prepare_cached(&format!(
                "SELECT id FROM persons WHERE {same} AND deleted = 0 ORDER BY id"
            ))?;
            for key in keys {
                let ids: Vec<String> = st
                    .query_map(rusqlite::params_from_iter(key), |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                groups.push((reason, ids));
            }
        }
        // Pairs dismissed as not one person (see `distinct`) are not listed.
        let dismissed = crate::ledger::distinct::dismissed_pairs(conn)?;
        Ok(pairs_of(groups, dismissed))
    }

    /// Two persons side by side, with the fields that differ (shown before merging), in full:
    /// a screen shows it masked (see [`crate::Masked`]), with the places where the ID numbers
    /// and phones differ.
    pub fn merge_preview(&self, a: &str, b: &str) -> Result<MergePreview> {
        let pa = self.person(a)?;
        let pb = self.person(b)?;
        let place = |p: &PersonRow| -> Result<(String, String)> {
            let g = self.lock();
            Ok(g.conn.query_row(
                "SELECT COALESCE(h.address, ''), p.village_id FROM persons p
                 LEFT JOIN households h ON h.id = p.household_id WHERE p.id = ?1",
                [&p.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        };
        let (aa, av) = place(&pa)?;
        let (ba, bv) = place(&pb)?;
        let fields: [(&'static str, String, String); 12] = [
            ("name", pa.name.clone(), pb.name.clone()),
            ("id_number", pa.id_number.clone(), pb.id_number.clone()),
            ("gender", pa.gender.clone(), pb.gender.clone()),
            ("birth_date", s(&pa.birth_date), s(&pb.birth_date)),
            ("phone", s(&pa.phone), s(&pb.phone)),
            ("relation", pa.relation.clone(), pb.relation.clone()),
            ("residency", pa.residency.clone(), pb.residency.clone()),
            ("tags", pa.tags.join(","), pb.tags.join(",")),
            (
                "vulnerable",
                pa.vulnerable.join(","),
                pb.vulnerable.join(","),
            ),
            ("plate", s(&pa.plate), s(&pb.plate)),
            ("address", s(&pa.address), s(&pb.address)),
            ("household", aa.clone(), ba.clone()),
        ];
        let differing = fields
            .iter()
            .filter(|(_, x, y)| x != y)
            .map(|(f, _, _)| *f)
            .collect();
        let id_number_places = places(&pa.id_number, &pb.id_number);
        let phone_places = places(&s(&pa.phone), &s(&pb.phone));
        Ok(MergePreview {
            id_number_places,
            phone_places,
            persons: [pa, pb],
            addresses: [aa, ba],
            villages: [av, bv],
            differing,
        })
    }
}

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}
