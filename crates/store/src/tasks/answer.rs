//! Answering a task (在村已核实 / 已离开 / 查无此人), with a note and optionally a risk tag on
//! the person.

use gridbook_domain::task::{Outcome, MAX_NOTE};
use gridbook_domain::{FieldError, RiskTag};
use serde::Serialize;
use uuid::Uuid;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::create_record;
use crate::engine::text::{fmt_at, parse_uuid};
use crate::engine::value::Val;
use crate::error::{Result, StoreError};
use crate::{Inner, Store};

/// An answer as written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TaskAnswered"))]
pub struct Answered {
    /// The answer's record id.
    pub answer_id: String,
    /// The task.
    pub task_id: String,
    /// present, left or unknown.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::task::Outcome"))]
    pub outcome: String,
    /// When (local time).
    pub at: String,
    /// The risk tag set on the person, if any.
    pub tag: Option<String>,
}

fn parse_note(note: Option<&str>) -> Result<Option<String>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(StoreError::Invalid(FieldError::new(
            "note",
            "length",
            format!("备注最多{MAX_NOTE}个字"),
            format!("the note is at most {MAX_NOTE} characters"),
        )));
    }
    Ok(note.map(str::to_owned))
}

impl Store {
    /// Answers task `task_id`: an answer record in its village's answers (the latest answer
    /// counts; earlier ones stay in the history). With `tag`, also tags the matched person in
    /// the ledger (a task with no person cannot take one). Validates everything first.
    pub fn close_task(
        &self,
        task_id: &str,
        outcome: Outcome,
        note: Option<&str>,
        tag: Option<RiskTag>,
    ) -> Result<Answered> {
        let task_id = parse_uuid("task", task_id)?;
        let note = parse_note(note)?;
        let crate::tasks::import::TaskHome { home, person } = self
            .task_home(&task_id)?
            .ok_or_else(|| StoreError::not_found("task", &task_id))?;
        if tag.is_some() && person.is_none() {
            return Err(StoreError::Invalid(FieldError::new(
                "tag",
                "no_person",
                "该名单人员未匹配到台账中的人，不能加标签",
                "this task matched nobody in the ledger: there is no person to tag",
            )));
        }
        let answer_id = Uuid::new_v4().to_string();
        let at = {
            let mut g = self.lock();
            let now = g.now_local();
            let (now_ms, audit, device) = (g.now_ms(), g.audit("answer"), g.device.clone());
            let Inner { conn, docs, .. } = &mut *g;
            let fields = [
                ("task_id", Val::from(task_id.as_str())),
                ("outcome", outcome.code().into()),
                ("note", note.clone().into()),
                ("tag", tag.map(|t| t.code().to_owned()).into()),
                ("at", fmt_at(now).into()),
                ("device", device.as_str().into()),
            ];
            docs.write(
                conn,
                &doc_id(DocKind::Answers, &home),
                Some(&home),
                audit,
                now_ms,
                |w| {
                    create_record(w.tx, &answer_id, "answer", &fields)?;
                    w.touch(&answer_id);
                    Ok(())
                },
            )?;
            fmt_at(now)
        };
        if let (Some(tag), Some(person)) = (tag, person.as_deref()) {
            self.set_person(person, &[("tags".to_owned(), format!("+{}", tag.code()))])?;
        }
        Ok(Answered {
            answer_id,
            task_id,
            outcome: outcome.code().to_owned(),
            at,
            tag: tag.map(|t| t.code().to_owned()),
        })
    }
}
