//! The duplicate persons commands: `gridbook duplicates`, `gridbook person merge ID --into
//! ID` and `gridbook person unmerge ID`.

use clap::Args;
use gridbook_store::{DuplicateReason, Store};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

type R = Result<(), Failure>;

/// Arguments of `gridbook person merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Person id of the duplicate (it leaves lists).
    pub id: String,
    /// Person id of the one that stays (keeps its values).
    #[arg(long)]
    pub into: String,
    /// Fields the one that stays has empty and takes from the duplicate: phone, plate,
    /// address (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub fill: Vec<String>,
}

fn label(lang: Lang, r: DuplicateReason) -> &'static str {
    match lang {
        Lang::Zh => r.zh(),
        Lang::En => r.en(),
    }
}

/// `gridbook duplicates`: `[{"persons":[ID,ID],"reason"}]`.
pub fn duplicates(store: &Store, json: bool, lang: Lang) -> R {
    let found = store.duplicates()?;
    if json {
        emit(true, &found, String::new);
        return Ok(());
    }
    let mut lines = Vec::new();
    for d in &found {
        let [a, b] = &d.persons;
        let (pa, pb) = (store.person(a)?, store.person(b)?);
        lines.push(format!(
            "{}  {} {} {}  ↔  {} {} {}",
            label(lang, d.reason),
            pa.name,
            pa.id_number,
            a,
            pb.name,
            pb.id_number,
            b
        ));
    }
    emit(false, &found, || {
        if lines.is_empty() {
            t(lang, "没有疑似重复人员", "no duplicate persons")
        } else {
            lines.join("\n")
        }
    });
    Ok(())
}

/// `gridbook person merge ID --into ID [--fill phone,…]`.
pub fn merge(store: &Store, a: &MergeArgs, json: bool, lang: Lang) -> R {
    store.merge_person(&a.id, &a.into, &a.fill)?;
    emit(json, &json!({ "merged": a.id, "into": a.into }), || {
        format!("{} {} → {}", t(lang, "已合并", "merged"), a.id, a.into)
    });
    Ok(())
}

/// `gridbook person unmerge ID`.
pub fn unmerge(store: &Store, id: &str, json: bool, lang: Lang) -> R {
    store.unmerge_person(id)?;
    emit(json, &json!({ "unmerged": id }), || {
        format!("{} {id}", t(lang, "已撤销合并", "merge undone"))
    });
    Ok(())
}
