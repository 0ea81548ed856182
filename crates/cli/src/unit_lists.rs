//! The lists behind the township overview's figures: `gridbook person list` (persons by risk
//! tag or 七类人, of a village or group) and `gridbook followup list` (the day's follow-ups in
//! one state). Parsing and output only; the store selects by the rules the overview counts
//! with. Persons are listed with ID numbers and phones masked, in JSON too.

use clap::{Args, Subcommand};
use gridbook_store::{forms, DueRow, PersonQuery, Store};

use crate::args::Lang;
use crate::output::{emit, t, Failure};

/// `gridbook person list`.
#[derive(Debug, Args)]
pub struct PersonListArgs {
    /// Only persons carrying this risk tag (code or label, e.g. close-contact or 密接).
    #[arg(long)]
    tag: Option<String>,
    /// Only persons of this 七类人 category (code or label, e.g. chronic or 慢性病患者).
    #[arg(long)]
    vulnerable: Option<String>,
    /// Village id.
    #[arg(long)]
    village: Option<String>,
    /// Group id (组): persons whose household is in it.
    #[arg(long)]
    group: Option<String>,
}

/// Follow-up commands.
#[derive(Debug, Subcommand)]
pub enum FollowupCmd {
    /// The follow-ups (checks and tests) of a day, optionally in one state, of a village or
    /// group.
    List {
        /// Day (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
        /// due, done, overdue or missed.
        #[arg(long)]
        state: Option<String>,
        /// Village id.
        #[arg(long)]
        village: Option<String>,
        /// Group id (组): the cases whose household is in it.
        #[arg(long)]
        group: Option<String>,
    },
}

/// Persons carrying a risk tag (any, or the one asked for) or a 七类人 category.
pub fn person_list(
    store: &Store,
    a: &PersonListArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let rows = store.persons_listed(&PersonQuery {
        village: a.village.clone(),
        group: a.group.clone(),
        tag: a.tag.clone(),
        vulnerable: a.vulnerable.clone(),
    })?;
    emit(json, &rows, || {
        if rows.is_empty() {
            return t(lang, "没有符合条件的人员", "no persons match");
        }
        rows.iter()
            .map(|p| {
                let codes: Vec<&str> = p
                    .tags
                    .iter()
                    .chain(&p.vulnerable)
                    .map(String::as_str)
                    .collect();
                format!(
                    "{}  {}  {}  {}  {}  {}",
                    p.person_id,
                    p.name,
                    p.id_number,
                    p.phone.as_deref().unwrap_or("-"),
                    p.address,
                    codes.join(",")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `gridbook followup …`.
pub fn followup(store: &Store, cmd: &FollowupCmd, json: bool, lang: Lang) -> Result<(), Failure> {
    let FollowupCmd::List {
        date,
        state,
        village,
        group,
    } = cmd;
    let on = match date {
        Some(d) => forms::parse_date("date", d)?,
        None => store.now_local().date(),
    };
    let rows = store.follow_ups(on, village.as_deref(), group.as_deref(), state.as_deref())?;
    emit(json, &rows, || {
        if rows.is_empty() {
            return t(lang, "没有随访任务", "no follow-ups");
        }
        due_lines(&rows)
    });
    Ok(())
}

/// Follow-ups as lines for people: window, village, name, kind, status.
pub fn due_lines(rows: &[DueRow]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{}–{}  {}  {}  {}  {}",
                r.window_start.get(11..).unwrap_or_default(),
                r.window_end.get(11..).unwrap_or_default(),
                r.village,
                r.name,
                r.kind,
                r.status
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
