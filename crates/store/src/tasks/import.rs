//! Importing a pushed list: matching each row to the ledger and writing its task.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use gridbook_domain::task::{DEFAULT_DUE_HOURS, MAX_DUE_HOURS};
use gridbook_domain::FieldError;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::{create_record, record_obj};
use crate::engine::text::fmt_at;
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{get_setting, Inner, Store};

/// Namespace of task ids (a task's id is the same on every device that imports its list).
const TASK_NS: Uuid = Uuid::from_u128(0x5c1e_8a4f_93b2_4d07_a6e1_0f7d_2b48_c913);

/// Setting: hours a village has to check a pushed person, unless the import says otherwise.
pub const DUE_HOURS_SETTING: &str = "tasks_due_hours";

/// Most rows one list may hold.
pub const MAX_ROWS: usize = 50_000;

/// Tasks written per change (a change stays small: sync never resends a whole document).
const BATCH: usize = 500;

/// One row of a pushed list, as read from the file (gridbook-import reads and cleans it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListRow {
    /// Row number in the file (1-based).
    pub row: usize,
    /// The person's name as the list has it.
    pub name: String,
    /// The ID number as the list has it (cleaned), possibly invalid.
    pub id_number: String,
    /// Whether `id_number` is a valid document number (only then is it matched on).
    pub id_valid: bool,
    /// Phone (normalised when valid, else as written).
    pub phone: Option<String>,
    /// The list's category of the person (密接, 次密接, 中高风险地区来返 …).
    pub category: Option<String>,
    /// The date the list gives for the person (pushed, found, arrived).
    pub list_date: Option<NaiveDate>,
    /// Village or address text of the row, to find the village by name.
    pub place: Option<String>,
    /// The sender's remark.
    pub note: Option<String>,
}

/// How a row was matched to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MatchBy {
    /// The same ID number.
    IdNumber,
    /// The same phone (one person, or one of that name).
    Phone,
    /// The same name in the village the row names.
    Name,
    /// Matched to nobody on import, then handed to a village by the township.
    Township,
}

impl MatchBy {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            MatchBy::IdNumber => "id_number",
            MatchBy::Phone => "phone",
            MatchBy::Name => "name",
            MatchBy::Township => "township",
        }
    }
}

/// One row's outcome, for the import's result screen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportedRow {
    /// Row number in the file.
    pub row: usize,
    /// Name on the list.
    pub name: String,
    /// The task (the same id when the list is imported again).
    pub task_id: String,
    /// The matched person.
    pub person_id: Option<String>,
    /// Their village (`None`: stays on the township's list).
    pub village_id: Option<String>,
    /// How it was matched.
    pub matched_by: Option<MatchBy>,
    /// Whether this import created the task (false: it was there already).
    pub created: bool,
}

/// What importing a list did (`gridbook tasks import --json`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskImport {
    /// Rows that are tasks (matched and unmatched).
    pub tasks: usize,
    /// Rows matched to a person of the ledger (their village's grid worker checks them).
    pub matched: usize,
    /// Rows matched to nobody: they stay on the township's list.
    pub unmatched: usize,
    /// Tasks this import created (the others were there from an earlier import).
    pub created: usize,
    /// Matched by ID number, phone, name.
    pub by_id_number: usize,
    /// See `by_id_number`.
    pub by_phone: usize,
    /// See `by_id_number`.
    pub by_name: usize,
    /// When the new tasks are due (local time, to the minute).
    pub due: String,
    /// Every row.
    pub rows: Vec<ImportedRow>,
}

fn invalid(field: &'static str, code: &'static str, zh: String, en: String) -> StoreError {
    StoreError::Invalid(FieldError::new(field, code, zh, en))
}

/// The task id of a row of the list from `source`.
pub fn task_id(source: &str, r: &ListRow) -> String {
    let key = if r.id_valid {
        format!("{source}\u{1f}id\u{1f}{}", r.id_number)
    } else {
        format!(
            "{source}\u{1f}row\u{1f}{}\u{1f}{}\u{1f}{}",
            r.name,
            r.phone.as_deref().unwrap_or_default(),
            r.id_number
        )
    };
    Uuid::new_v5(&TASK_NS, key.as_bytes()).to_string()
}

/// Checks a list's source: what the feedback goes back to, and part of every task's key.
pub fn parse_source(s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 60 {
        return Err(invalid(
            "source",
            "length",
            "名单来源应为1–60个字（如“县公安局2026-12-01推送”）".into(),
            "the list's source must be 1–60 characters".into(),
        ));
    }
    Ok(t.to_owned())
}

/// A person matched: (person, village, how).
type Matched = (String, String, MatchBy);

/// A task's fields, ready to write.
type TaskFields = Vec<(&'static str, Val)>;

/// A person found by a search term: id, village, name, phone, ID number.
struct Candidate {
    id: String,
    village: String,
    name: String,
    phone: Option<String>,
    id_number: String,
}

/// Where a task lives: its document's owner (a village, or the township), and its person.
pub(crate) struct TaskHome {
    pub(crate) home: String,
    pub(crate) person: Option<String>,
}

fn one<T>(mut v: Vec<T>) -> Option<T> {
    (v.len() == 1).then(|| v.remove(0))
}

/// Matches one row: ID number, else phone (one person with it, or one of that name), else the
/// name within the village the row names. Ambiguous matches are no match.
fn match_row(
    conn: &Connection,
    villages: &[(String, String)],
    r: &ListRow,
) -> Result<Option<Matched>> {
    let by_term = |term: &str| -> Result<Vec<Candidate>> {
        let mut st = conn.prepare_cached(
            "SELECT p.id, p.village_id, p.name, p.phone, p.id_number FROM search_terms s
             JOIN persons p ON p.rowid = s.person WHERE s.term = ?1 AND p.deleted = 0",
        )?;
        let rows = st
            .query_map([term], |x| {
                Ok(Candidate {
                    id: x.get(0)?,
                    village: x.get(1)?,
                    name: x.get(2)?,
                    phone: x.get(3)?,
                    id_number: x.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    if r.id_valid {
        for term in crate::search::terms("", &r.id_number, None, None) {
            let hit = by_term(&term)?
                .into_iter()
                .find(|p| p.id_number == r.id_number);
            if let Some(p) = hit {
                return Ok(Some((p.id, p.village, MatchBy::IdNumber)));
            }
        }
    }
    if let Some(phone) = r.phone.as_deref() {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 {
            for term in crate::search::terms("", "", Some(&digits), None) {
                let same: Vec<_> = by_term(&term)?
                    .into_iter()
                    .filter(|p| {
                        p.phone.as_deref().is_some_and(|x| {
                            x.chars().filter(char::is_ascii_digit).eq(digits.chars())
                        })
                    })
                    .collect();
                // One person with that phone; or, a family's shared phone, the one of that name.
                let only = if same.len() == 1 {
                    one(same)
                } else {
                    one(same.into_iter().filter(|p| p.name == r.name).collect())
                };
                if let Some(p) = only {
                    return Ok(Some((p.id, p.village, MatchBy::Phone)));
                }
            }
        }
    }
    let Some(place) = r.place.as_deref() else {
        return Ok(None);
    };
    // The village whose name the row's place contains (the longest name wins: 东村 in
    // 东村新区 is not 新区).
    let Some((village, _)) = villages
        .iter()
        .filter(|(_, n)| !n.is_empty() && place.contains(n.as_str()))
        .max_by_key(|(_, n)| n.chars().count())
    else {
        return Ok(None);
    };
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM persons WHERE village_id = ?1 AND name = ?2 AND deleted = 0",
        )?
        .query_map(params![village, r.name], |x| x.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(one(ids).map(|p| (p, village.clone(), MatchBy::Name)))
}

impl Inner {
    /// Whether this device is the township's (only it imports lists): by its enrolled role, or
    /// else by having no village.
    pub(crate) fn is_township_device(&self) -> Result<bool> {
        if let Some(role) = get_setting(&self.conn, "role")? {
            return Ok(role == "township");
        }
        Ok(get_setting(&self.conn, "village_id")?.is_none_or(|v| v.is_empty()))
    }

    /// Refuses (`not_township`, saying `zh` and `en`) unless this is a township device.
    pub(crate) fn township_only(&self, zh: &str, en: &str) -> Result<()> {
        if self.is_township_device()? {
            return Ok(());
        }
        Err(StoreError::Refused {
            code: "not_township".into(),
            zh: zh.into(),
            en: en.into(),
        })
    }
}

impl Store {
    /// Refuses (`not_township`, saying `zh` and `en`) unless this is a township device: for
    /// work only the township does (importing its roster).
    pub fn township_only(&self, zh: &str, en: &str) -> Result<()> {
        self.lock().township_only(zh, en)
    }

    /// Hours a village has to check a pushed person unless an import says otherwise.
    pub fn task_due_hours(&self) -> Result<u32> {
        Ok(self
            .setting(DUE_HOURS_SETTING)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(DEFAULT_DUE_HOURS))
    }

    /// Sets the default hours (township staff).
    pub fn set_task_due_hours(&self, hours: u32) -> Result<()> {
        check_hours(hours)?;
        self.set_setting(DUE_HOURS_SETTING, &hours.to_string())
    }

    /// Imports the rows of a pushed list from `source`: each becomes a task for its village
    /// (or stays on the township's list), due `due_hours` from now (the township's default
    /// when `None`). Tasks already imported are left as they are. Township devices only.
    pub fn import_task_list(
        &self,
        source: &str,
        due_hours: Option<u32>,
        rows: &[ListRow],
    ) -> Result<TaskImport> {
        let source = parse_source(source)?;
        let hours = match due_hours {
            Some(h) => h,
            None => self.task_due_hours()?,
        };
        check_hours(hours)?;
        if rows.len() > MAX_ROWS {
            return Err(invalid(
                "file",
                "too_many_rows",
                format!("名单有{}行，一次最多导入{MAX_ROWS}行", rows.len()),
                format!(
                    "the list has {} rows; at most {MAX_ROWS} at once",
                    rows.len()
                ),
            ));
        }
        let mut g = self.lock();
        g.township_only(
            "只有镇（街道）的设备可以导入核查名单",
            "only a township device imports lists to verify",
        )?;
        let township = g.ensure_township(None, "本镇")?;
        let now = g.now_local();
        let due = (now + Duration::hours(i64::from(hours)))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let villages: Vec<(String, String)> = g
            .conn
            .prepare("SELECT id, name FROM villages WHERE deleted = 0")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // Plan every row first (reads only), then write per document.
        let mut out = TaskImport {
            tasks: 0,
            matched: 0,
            unmatched: 0,
            created: 0,
            by_id_number: 0,
            by_phone: 0,
            by_name: 0,
            due: due.clone(),
            rows: Vec::with_capacity(rows.len()),
        };
        let mut per_doc: BTreeMap<String, Vec<(usize, TaskFields)>> = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for r in rows {
            let id = task_id(&source, r);
            let m = match_row(&g.conn, &villages, r)?;
            let exists = crate::engine::owner::owner_of(&g.conn, &id)?.is_some();
            let home = m.as_ref().map_or(township.clone(), |(_, v, _)| v.clone());
            out.tasks += 1;
            match m.as_ref().map(|x| x.2) {
                Some(MatchBy::IdNumber) => out.by_id_number += 1,
                Some(MatchBy::Phone) => out.by_phone += 1,
                Some(MatchBy::Name) => out.by_name += 1,
                Some(MatchBy::Township) | None => {}
            }
            if m.is_some() {
                out.matched += 1;
            } else {
                out.unmatched += 1;
            }
            // A row twice in the file is one task.
            let fresh = !exists && seen.insert(id.clone());
            out.rows.push(ImportedRow {
                row: r.row,
                name: r.name.clone(),
                task_id: id.clone(),
                person_id: m.as_ref().map(|x| x.0.clone()),
                village_id: m.as_ref().map(|x| x.1.clone()),
                matched_by: m.as_ref().map(|x| x.2),
                created: fresh,
            });
            if !fresh {
                continue;
            }
            let fields: TaskFields = vec![
                ("source", source.as_str().into()),
                ("name", r.name.as_str().into()),
                ("id_number", Val::from(r.id_number.as_str())),
                ("id_valid", Val::Bool(r.id_valid)),
                ("phone", r.phone.clone().into()),
                ("category", r.category.clone().into()),
                ("list_date", r.list_date.map(|d| d.to_string()).into()),
                ("place", r.place.clone().into()),
                ("note", r.note.clone().into()),
                ("row", Val::Int(r.row as i64)),
                ("village_id", m.as_ref().map(|x| x.1.clone()).into()),
                ("person_id", m.as_ref().map(|x| x.0.clone()).into()),
                ("match_by", m.as_ref().map(|x| x.2.code().to_owned()).into()),
                ("due", due.as_str().into()),
                ("created_at", fmt_at(now).into()),
                ("device", g.device.as_str().into()),
            ];
            let at = out.rows.len() - 1;
            per_doc.entry(home).or_default().push((at, fields));
        }
        let now_ms = g.now_ms();
        for (home, tasks) in per_doc {
            let doc = doc_id(DocKind::Tasks, &home);
            for chunk in tasks.chunks(BATCH) {
                let audit = g.audit("tasks");
                let Inner { conn, docs, .. } = &mut *g;
                docs.write(conn, &doc, Some(&home), audit, now_ms, |w| {
                    for (at, fields) in chunk {
                        let id = &out.rows[*at].task_id;
                        if record_obj(&*w.tx, id)?.is_none() {
                            create_record(w.tx, id, "task", fields)?;
                            w.touch(id);
                        }
                    }
                    Ok(())
                })?;
                out.created += chunk.len();
            }
        }
        Ok(out)
    }

    /// The task with id `id`, if this device holds it.
    pub(crate) fn task_home(&self, id: &str) -> Result<Option<TaskHome>> {
        let g = self.lock();
        let row = g
            .conn
            .prepare_cached("SELECT home, person_id FROM tasks WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(TaskHome {
                    home: r.get(0)?,
                    person: r.get(1)?,
                })
            })
            .optional()?;
        Ok(row)
    }
}

fn check_hours(hours: u32) -> Result<()> {
    if hours == 0 || hours > MAX_DUE_HOURS {
        return Err(invalid(
            "due_hours",
            "range",
            format!("核查时限应为1–{MAX_DUE_HOURS}小时"),
            format!("the time to check must be 1–{MAX_DUE_HOURS} hours"),
        ));
    }
    Ok(())
}
