//! The overview's figures of persons, for every village and every group in one pass over the
//! persons: how many, how many carry a risk tag, and how many carry each risk tag and each
//! 七类人 category (a person with two counts under both). A person counts under their village
//! and under the group of their household ([`GROUP`]); the persons list the figures open
//! ([`crate::Store::persons_listed`]) selects by the same reading of the lists
//! ([`holds`]).

use std::collections::{BTreeMap, HashMap};

use gridbook_domain::{RiskTag, Vulnerable};
use rusqlite::types::ValueRef;

use crate::error::Result;
use crate::grid::in_group::GROUP;
use crate::township::unit_lists::holds;

/// The persons of one unit.
#[derive(Debug, Clone)]
pub(crate) struct PersonFigures {
    pub(crate) persons: i64,
    pub(crate) at_risk: i64,
    /// Per risk tag, in the order of [`RiskTag::ALL`].
    tags: Vec<i64>,
    /// Per 七类人 category, in the order of [`Vulnerable::ALL`].
    vulnerable: Vec<i64>,
}

impl Default for PersonFigures {
    fn default() -> Self {
        PersonFigures {
            persons: 0,
            at_risk: 0,
            tags: vec![0; RiskTag::ALL.len()],
            vulnerable: vec![0; Vulnerable::ALL.len()],
        }
    }
}

impl PersonFigures {
    /// Counts one person with the comma lists `tags` and `vulnerable`.
    fn add(&mut self, tags: &str, vulnerable: &str) {
        self.persons += 1;
        if !tags.is_empty() {
            self.at_risk += 1;
            for (n, t) in self.tags.iter_mut().zip(RiskTag::ALL) {
                *n += i64::from(holds(tags, t.code()));
            }
        }
        if !vulnerable.is_empty() {
            for (n, v) in self.vulnerable.iter_mut().zip(Vulnerable::ALL) {
                *n += i64::from(holds(vulnerable, v.code()));
            }
        }
    }

    /// Persons per risk tag code, every tag present.
    pub(crate) fn by_tag(&self) -> BTreeMap<String, i64> {
        RiskTag::ALL
            .iter()
            .zip(&self.tags)
            .map(|(t, n)| (t.code().to_owned(), *n))
            .collect()
    }

    /// Persons per 七类人 code, every category present.
    pub(crate) fn by_vulnerable(&self) -> BTreeMap<String, i64> {
        Vulnerable::ALL
            .iter()
            .zip(&self.vulnerable)
            .map(|(v, n)| (v.code().to_owned(), *n))
            .collect()
    }
}

/// Units (villages and groups) by id, each in its place of a vector, so a person costs two
/// look-ups by borrowed text and no allocation.
#[derive(Default)]
struct Slots {
    place: HashMap<String, usize>,
    figures: Vec<PersonFigures>,
}

impl Slots {
    fn slot(&mut self, id: &str) -> usize {
        if let Some(&i) = self.place.get(id) {
            return i;
        }
        self.figures.push(PersonFigures::default());
        self.place.insert(id.to_owned(), self.figures.len() - 1);
        self.figures.len() - 1
    }
}

fn text<'a>(v: ValueRef<'a>) -> &'a str {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or_default(),
        _ => "",
    }
}

/// The persons (not deleted) counted per village and per group, keyed by the unit's id: one
/// read of every household's group, one pass over the persons. Joining the persons to their
/// households in SQL instead looks up every person's household by its id: on 20,000
/// households and 76,000 persons those look-ups cost several times the two plain reads.
pub(crate) fn person_figures(
    conn: &rusqlite::Connection,
) -> Result<HashMap<String, PersonFigures>> {
    let mut units = Slots::default();
    // Every household's group (deleted households too: their persons that are not deleted
    // count, as in the lists of the group), as the group's slot.
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut st = conn.prepare_cached(&format!(
        "SELECT h.id, {GROUP} FROM households h WHERE {GROUP} IS NOT NULL"
    ))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let i = units.slot(text(r.get_ref(1)?));
        group_of.insert(r.get(0)?, i);
    }
    // `+deleted`: one pass over the table, not through a partial index on live persons
    // (which would read the table in that index's order).
    let mut st = conn.prepare_cached(
        "SELECT household_id, village_id, tags, vulnerable FROM persons WHERE +deleted = 0",
    )?;
    let mut rows = st.query([])?;
    // Persons come in the order they were written, a household's and a village's together:
    // the last village's slot saves hashing its id again.
    let mut last: (String, usize) = (String::new(), usize::MAX);
    while let Some(r) = rows.next()? {
        let (tags, vulnerable) = (text(r.get_ref(2)?), text(r.get_ref(3)?));
        let village_id = text(r.get_ref(1)?);
        if last.1 == usize::MAX || last.0 != village_id {
            last = (village_id.to_owned(), units.slot(village_id));
        }
        units.figures[last.1].add(tags, vulnerable);
        if let Some(&i) = group_of.get(text(r.get_ref(0)?)) {
            units.figures[i].add(tags, vulnerable);
        }
    }
    let Slots { place, figures } = units;
    Ok(place
        .into_iter()
        .map(|(id, i)| (id, figures[i].clone()))
        .collect())
}
