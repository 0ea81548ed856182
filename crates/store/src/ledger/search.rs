//! Person search: names or parts of them, pinyin initials, ID numbers or their tails, phones
//! or their tails, plates.
//!
//! Every person gets a few rows in `search_terms` (one per name suffix, one per pinyin
//! variant, reversed ID number and phone, plate), and every query is one or more prefix range
//! scans over that index with a limit, so even a one-character name is answered without a
//! scan. A substring of a name is a prefix of one of its suffixes; a tail of an ID number is a
//! prefix of the reversed number.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;

const NAME: char = 'n';
const PINYIN: char = 'p';
const IDNUM: char = 'i';
const PHONE: char = 't';
const PLATE: char = 'c';

/// The search terms of a person.
pub fn terms(name: &str, id_number: &str, phone: Option<&str>, plate: Option<&str>) -> Vec<String> {
    let mut out = Vec::with_capacity(8);
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let chars: Vec<char> = name.chars().collect();
    for i in 0..chars.len() {
        let mut t = String::from(NAME);
        t.extend(&chars[i..]);
        out.push(t);
    }
    for p in gridbook_domain::pinyin::initials(&name) {
        if !p.is_empty() {
            out.push(format!("{PINYIN}{p}"));
        }
    }
    if !id_number.is_empty() {
        out.push(format!("{IDNUM}{}", reversed(id_number)));
    }
    if let Some(p) = phone.filter(|p| !p.is_empty()) {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        out.push(format!("{PHONE}{}", reversed(&digits)));
    }
    if let Some(p) = plate.filter(|p| !p.is_empty()) {
        out.push(format!("{PLATE}{p}"));
        // Plates are also typed without the province character.
        let rest: String = p.chars().skip(1).collect();
        out.push(format!("{PLATE}{rest}"));
    }
    out.sort();
    out.dedup();
    out
}

/// The search term of a whole ID number: looking it up is an exact match on the document.
pub(crate) fn id_term(id_number: &str) -> String {
    format!("{IDNUM}{}", reversed(id_number))
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// One person found by a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SearchHit"))]
pub struct Hit {
    /// The person.
    pub person_id: String,
    /// The household.
    pub household_id: String,
    /// The village.
    pub village_id: String,
    /// Full name.
    pub name: String,
    /// ID document number.
    pub id_number: String,
    /// Mobile phone, if known.
    pub phone: Option<String>,
    /// Vehicle plate, if any.
    pub plate: Option<String>,
    /// Household address.
    pub address: String,
    /// How the query matched: name, pinyin, id, phone or plate; `control` for a person
    /// only the township control list knows (no name, no address).
    pub matched: &'static str,
    /// The person's control state from an open case (filled by the checkpoint match only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub isolation: Option<crate::IsolationRow>,
}

/// The prefix scans a query stands for, most specific first.
fn plan(query: &str) -> Vec<(&'static str, String)> {
    let q: String = query
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '·' | '.'))
        .collect();
    let mut scans = Vec::new();
    if q.is_empty() {
        return scans;
    }
    let has_cjk = !q.is_ascii();
    let upper = q.to_ascii_uppercase();
    if has_cjk {
        let first = q.chars().next().unwrap_or_default();
        let second = q.chars().nth(1);
        if second.is_some_and(|c| c.is_ascii_alphabetic()) && !first.is_ascii() {
            scans.push(("plate", format!("{PLATE}{upper}")));
        }
        scans.push(("name", format!("{NAME}{q}")));
        return scans;
    }
    let digits_x = upper.chars().all(|c| c.is_ascii_digit() || c == 'X');
    if digits_x {
        if upper.len() >= 3 {
            scans.push(("id", format!("{IDNUM}{}", reversed(&upper))));
        }
        if upper.chars().all(|c| c.is_ascii_digit()) && upper.len() >= 3 {
            scans.push(("phone", format!("{PHONE}{}", reversed(&upper))));
        }
    }
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        scans.push(("pinyin", format!("{PINYIN}{}", q.to_ascii_lowercase())));
    }
    if q.chars().all(|c| c.is_ascii_alphanumeric()) && q.chars().any(|c| c.is_ascii_alphabetic()) {
        scans.push(("plate", format!("{PLATE}{upper}")));
        if upper.ends_with('X') && upper[..upper.len() - 1].chars().all(|c| c.is_ascii_digit()) {
            scans.push(("id", format!("{IDNUM}{}", reversed(&upper))));
        }
    }
    scans
}

/// Finds up to `limit` persons (not deleted) matching `query`.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Hit>> {
    search_in(conn, query, limit, None)
}

/// Like [`search`], restricted to the persons of one village when `village` is given (a
/// checkpoint offers only the residents of its own village).
pub fn search_in(
    conn: &Connection,
    query: &str,
    limit: usize,
    village: Option<&str>,
) -> Result<Vec<Hit>> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // With a village the scan joins persons, so that the limit counts only that village's
    // matches: a tail shared by many people elsewhere must not crowd out the resident.
    // Without one the scan reads the index alone, and a person's row is read only for the
    // hits kept (each row read is a page that may have to be read from the file, and on an
    // encrypted store decrypted and checked).
    let mut in_village = conn.prepare_cached(
        "SELECT t.person FROM search_terms t JOIN persons p ON p.rowid = t.person
         WHERE t.term >= ?1 AND t.term < ?2 AND p.village_id = ?4 LIMIT ?3",
    )?;
    let mut anywhere = conn.prepare_cached(
        "SELECT person FROM search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3",
    )?;
    let mut fetch = conn.prepare_cached(
        "SELECT p.id, p.household_id, p.village_id, p.name, p.id_number, p.phone, p.plate,
                COALESCE(h.address, '')
         FROM persons p LEFT JOIN households h ON h.id = p.household_id
         WHERE p.rowid = ?1 AND p.deleted = 0",
    )?;
    for (matched, prefix) in plan(query) {
        if hits.len() >= limit {
            break;
        }
        let upper = format!("{prefix}\u{10FFFF}");
        let want = (limit - hits.len()) as i64 * 2;
        let rowids: Vec<i64> = match village {
            Some(v) => in_village
                .query_map(params![prefix, upper, want, v], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => anywhere
                .query_map(params![prefix, upper, want], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        for rowid in rowids {
            if hits.len() >= limit || !seen.insert(rowid) {
                continue;
            }
            let mut rows = fetch.query([rowid])?;
            if let Some(r) = rows.next()? {
                hits.push(Hit {
                    person_id: r.get(0)?,
                    household_id: r.get(1)?,
                    village_id: r.get(2)?,
                    name: r.get(3)?,
                    id_number: r.get(4)?,
                    phone: r.get(5)?,
                    plate: r.get(6)?,
                    address: r.get(7)?,
                    matched,
                    isolation: None,
                });
            }
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_cover_suffixes_and_tails() {
        let t = terms(
            "张三丰",
            "11010519491231002X",
            Some("13800138000"),
            Some("川S12345"),
        );
        assert!(t.contains(&"n张三丰".to_string()));
        assert!(t.contains(&"n三丰".to_string()));
        assert!(t.contains(&"n丰".to_string()));
        assert!(t.contains(&"iX20013219491501011".to_string()));
        assert!(t.contains(&"t00083100831".to_string()));
        assert!(t.contains(&"c川S12345".to_string()));
        assert!(t.contains(&"cS12345".to_string()));
    }

    #[test]
    fn plans_by_query_shape() {
        assert_eq!(plan("三丰"), vec![("name", "n三丰".to_string())]);
        assert_eq!(
            plan("zsf"),
            vec![("pinyin", "pzsf".into()), ("plate", "cZSF".into())]
        );
        let p = plan("002x");
        assert!(p.contains(&("id", "iX200".to_string())));
        assert!(plan("8000").contains(&("phone", "t0008".to_string())));
        assert_eq!(plan("川S12345")[0], ("plate", "c川S12345".to_string()));
        assert!(plan("  ").is_empty());
    }
}
