//! The duplicate persons commands: `gridbook duplicates [--dismissed]`, `gridbook person
//! merge ID --into ID`, `gridbook person unmerge ID` and `gridbook person dismiss-duplicate A
//! B [--reason TEXT] [--undo]`.

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

/// Arguments of `gridbook person dismiss-duplicate`.
#[derive(Debug, Args)]
pub struct DismissArgs {
    /// Person id of one of the pair.
    pub a: String,
    /// Person id of the other.
    pub b: String,
    /// Why they are not one person (optional, at most 200 characters).
    #[arg(long)]
    pub reason: Option<String>,
    /// Undo the dismissal: the pair is listed again.
    #[arg(long, conflicts_with = "reason")]
    pub undo: bool,
}

fn label(lang: Lang, r: DuplicateReason) -> &'static str {
    match lang {
        Lang::Zh => r.zh(),
        Lang::En => r.en(),
    }
}

/// One line per pair: its label, then each person's name, masked ID number and id.
fn pair_line(store: &Store, label: &str, [a, b]: &[String; 2]) -> Result<String, Failure> {
    let (pa, pb) = (store.person(a)?, store.person(b)?);
    Ok(format!(
        "{label}  {} {} {a}  ↔  {} {} {b}",
        pa.name,
        crate::masking::id(&pa.id_number),
        pb.name,
        crate::masking::id(&pb.id_number)
    ))
}

/// `gridbook duplicates --dismissed`: `[{"persons":[ID,ID],"reason","at","device"}]`.
fn dismissed(store: &Store, json: bool, lang: Lang) -> R {
    let found = store.dismissed_duplicates()?;
    let mut lines = Vec::new();
    if !json {
        for d in &found {
            let why = d.reason.as_deref().unwrap_or_default();
            lines.push(pair_line(
                store,
                &format!("{} {why}", t(lang, "不是同一人", "not one person")),
                &d.persons,
            )?);
        }
    }
    emit(json, &found, || {
        if lines.is_empty() {
            t(lang, "没有标记为不是同一人的人员", "no pair dismissed")
        } else {
            lines.join("\n")
        }
    });
    Ok(())
}

/// `gridbook duplicates`: `[{"persons":[ID,ID],"reason"}]`.
pub fn duplicates(store: &Store, dismissed_only: bool, json: bool, lang: Lang) -> R {
    if dismissed_only {
        return dismissed(store, json, lang);
    }
    let found = store.duplicates()?;
    if json {
        emit(true, &found, String::new);
        return Ok(());
    }
    let mut lines = Vec::new();
    for d in &found {
        lines.push(pair_line(store, label(lang, d.reason), &d.persons)?);
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

/// `gridbook person dismiss-duplicate A B [--reason TEXT] [--undo]`:
/// `{"dismissed":[A,B]}` or `{"restored":[A,B]}`.
pub fn dismiss(store: &Store, a: &DismissArgs, json: bool, lang: Lang) -> R {
    if a.undo {
        store.restore_duplicate(&a.a, &a.b)?;
        emit(json, &json!({ "restored": [a.a, a.b] }), || {
            format!(
                "{} {} ↔ {}",
                t(lang, "已恢复为疑似重复", "listed again"),
                a.a,
                a.b
            )
        });
    } else {
        store.dismiss_duplicate(&a.a, &a.b, a.reason.as_deref())?;
        emit(json, &json!({ "dismissed": [a.a, a.b] }), || {
            format!(
                "{} {} ↔ {}",
                t(lang, "已标记为不是同一人", "dismissed"),
                a.a,
                a.b
            )
        });
    }
    Ok(())
}
