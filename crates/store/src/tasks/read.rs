//! Reading tasks: the lists on the township's and the grid worker's screens, and the rows of
//! the feedback sheet (the same query).

use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::Store;

/// A task as lists show it (`gridbook tasks list --json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskRow {
    /// The task.
    pub task_id: String,
    /// The matched person (`None`: matched nobody, on the township's list).
    pub person_id: Option<String>,
    /// Name on the list.
    pub name: String,
    /// ID number on the list (as written when it is not a valid one).
    pub id_number: String,
    /// The village that checks (`None`: on the township's list).
    pub village_id: Option<String>,
    /// Its name.
    pub village_name: Option<String>,
    /// Due (local time, to the minute).
    pub due: String,
    /// `open` or `done`.
    pub status: &'static str,
    /// Open and past due.
    pub overdue: bool,
    /// The latest answer's outcome: present, left or unknown.
    #[cfg_attr(feature = "ts", ts(as = "Option<gridbook_domain::task::Outcome>"))]
    pub outcome: Option<String>,
    /// The list it came from.
    pub source: String,
    /// The list's category of the person.
    pub category: Option<String>,
    /// The date the list gives.
    pub list_date: Option<String>,
    /// Phone on the list.
    pub phone: Option<String>,
    /// Village or address text on the list.
    pub place: Option<String>,
    /// id_number, phone or name.
    pub match_by: Option<String>,
    /// When the latest answer was made.
    pub answered_at: Option<String>,
    /// The device (as enrolled: 甲村网格员) that made it.
    pub answered_by: Option<String>,
    /// Its note.
    pub answer_note: Option<String>,
    /// The risk tag it set.
    pub tag: Option<String>,
    /// The active isolation measure of the person (the policy's name), if any.
    pub measure: Option<String>,
    /// Row in the list's file.
    pub row: Option<i64>,
}

/// Which tasks to list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only this village's.
    pub village: Option<String>,
    /// Only open ones.
    pub open: bool,
    /// Only the township's list (matched nobody).
    pub unmatched: bool,
    /// Only this list's.
    pub source: Option<String>,
}

impl Store {
    /// Tasks this device holds: open first (overdue before the rest, by due time), then done.
    pub fn tasks(&self, f: &TaskFilter) -> Result<Vec<TaskRow>> {
        let now = self.now_local().format("%Y-%m-%dT%H:%M").to_string();
        let g = self.lock();
        let mut st = g.conn.prepare_cached(
            "SELECT t.id, t.person_id, t.name, t.id_number, t.village_id, v.name, t.due,
                    a.outcome, t.source, t.category, t.list_date, t.phone, t.place, t.match_by,
                    a.at, a.device, a.note, a.tag,
                    (SELECT json_extract(c.policy, '$.name') FROM cases c
                      WHERE c.person_id = t.person_id AND c.status = 'active' AND c.deleted = 0
                      ORDER BY c.start DESC LIMIT 1),
                    t.row_no
             FROM tasks t
             LEFT JOIN villages v ON v.id = t.village_id
             LEFT JOIN task_answers a ON a.id = (
                 SELECT x.id FROM task_answers x WHERE x.task_id = t.id AND x.home = t.home
                 ORDER BY x.at DESC, x.id DESC LIMIT 1)
             WHERE t.deleted = 0
               AND (?1 IS NULL OR t.village_id = ?1)
               AND (?2 = 0 OR a.id IS NULL)
               AND (?3 = 0 OR t.village_id IS NULL)
               AND (?4 IS NULL OR t.source = ?4)
             ORDER BY a.id IS NOT NULL, (a.id IS NULL AND t.due < ?5) DESC, t.due, v.name,
                      t.row_no, t.id",
        )?;
        let rows = st
            .query_map(
                params![f.village, f.open, f.unmatched, f.source, now],
                |r| {
                    let outcome: Option<String> = r.get(7)?;
                    let due: String = r.get(6)?;
                    Ok(TaskRow {
                        task_id: r.get(0)?,
                        person_id: r.get(1)?,
                        name: r.get(2)?,
                        id_number: r.get(3)?,
                        village_id: r.get(4)?,
                        village_name: r.get(5)?,
                        status: if outcome.is_some() { "done" } else { "open" },
                        overdue: outcome.is_none() && due < now,
                        due,
                        outcome,
                        source: r.get(8)?,
                        category: r.get(9)?,
                        list_date: r.get(10)?,
                        phone: r.get(11)?,
                        place: r.get(12)?,
                        match_by: r.get(13)?,
                        answered_at: r.get(14)?,
                        answered_by: r.get(15)?,
                        answer_note: r.get(16)?,
                        tag: r.get(17)?,
                        measure: r.get(18)?,
                        row: r.get(19)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
