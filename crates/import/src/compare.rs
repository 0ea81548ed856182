//! A row against the ledger person with the same ID number: fields the ledger has empty are
//! filled; fields where both have a value and they differ are listed, never overwritten.

use gridbook_domain::{Relation, Residency, RiskTag, Vulnerable};
use gridbook_store::import::LedgerPerson;
use gridbook_store::Val;

use crate::rows::PersonRow;

/// (field, ledger value, file value), in Chinese labels.
pub type Diff = (&'static str, String, String);

fn labels<T: Copy>(
    codes: &[String],
    parse: impl Fn(&str) -> Option<T>,
    zh: impl Fn(T) -> &'static str,
) -> String {
    codes
        .iter()
        .map(|c| parse(c).map_or_else(|| c.clone(), |t| zh(t).to_owned()))
        .collect::<Vec<_>>()
        .join("、")
}

/// The fields to fill and the differences of one row against its ledger person.
pub fn compare(row: &PersonRow, l: &LedgerPerson) -> (Vec<(String, Val)>, Vec<Diff>) {
    let mut fill: Vec<(String, Val)> = Vec::new();
    let mut diffs: Vec<Diff> = Vec::new();
    if row.name != l.name {
        diffs.push(("name", l.name.clone(), row.name.clone()));
    }
    for (field, ledger, file) in [
        ("phone", &l.phone, &row.phone),
        ("plate", &l.plate, &row.plate),
    ] {
        match (ledger, file) {
            (None, Some(f)) => fill.push((field.into(), f.as_str().into())),
            (Some(a), Some(b)) if a != b => diffs.push((field, a.clone(), b.clone())),
            _ => {}
        }
    }
    if let Some(r) = row.relation {
        if r.code() != l.relation {
            let ledger = Relation::parse(&l.relation).map_or(l.relation.clone(), |x| x.zh().into());
            diffs.push(("relation", ledger, r.zh().into()));
        }
    }
    if let Some(r) = row.residency {
        if r.code() != l.residency {
            let ledger =
                Residency::parse(&l.residency).map_or(l.residency.clone(), |x| x.zh().into());
            diffs.push(("residency", ledger, r.zh().into()));
        }
    }
    let file_tags: Vec<String> = row.tags.iter().map(|t| t.code().to_owned()).collect();
    flags(
        "tags",
        "tag.",
        &l.tags,
        &file_tags,
        |c| RiskTag::parse(c).ok(),
        RiskTag::zh,
        &mut fill,
        &mut diffs,
    );
    let file_vuln: Vec<String> = row.vulnerable.iter().map(|v| v.code().to_owned()).collect();
    flags(
        "vulnerable",
        "vuln.",
        &l.vulnerable,
        &file_vuln,
        |c| Vulnerable::parse(c).ok(),
        Vulnerable::zh,
        &mut fill,
        &mut diffs,
    );
    match (l.works_away, row.works_away) {
        (false, Some(true)) => fill.push(("works_away".into(), Val::Bool(true))),
        (true, Some(false)) => diffs.push(("works_away", "是".into(), "否".into())),
        _ => {}
    }
    (fill, diffs)
}

/// A set of flags (risk tags, 七类人): filled when the ledger has none, else listed when the
/// sets differ. An empty cell in the file says nothing.
#[allow(clippy::too_many_arguments)]
fn flags<T: Copy>(
    field: &'static str,
    prefix: &str,
    ledger: &[String],
    file: &[String],
    parse: impl Fn(&str) -> Option<T> + Copy,
    zh: impl Fn(T) -> &'static str + Copy,
    fill: &mut Vec<(String, Val)>,
    diffs: &mut Vec<Diff>,
) {
    if file.is_empty() {
        return;
    }
    if ledger.is_empty() {
        fill.extend(
            file.iter()
                .map(|c| (format!("{prefix}{c}"), Val::Bool(true))),
        );
        return;
    }
    let mut a = ledger.to_vec();
    let mut b = file.to_vec();
    a.sort();
    b.sort();
    if a != b {
        diffs.push((field, labels(&a, parse, zh), labels(&b, parse, zh)));
    }
}
