//! Forms as the app sends them: strings as typed, parsed here into the store's inputs, so that
//! the app's commands stay one-line adapters and the app and the CLI refuse the same input with
//! the same messages. Nothing is written when a form does not parse.

use chrono::{NaiveDate, NaiveDateTime};
use gridbook_domain::checkpoint::{judge, Decision, EntryInput, Known, Reason};
use gridbook_domain::isolation::{CheckMethod, Symptom, TeamRole};
use gridbook_domain::validate::{parse_id_document, parse_name, parse_phone, parse_temperature};
use gridbook_domain::{FieldError, TestResult};
use serde::{Deserialize, Serialize};

use crate::checkpoint::resident::fill_identity;
use crate::error::{Result, StoreError};
use crate::isolation::cases::{NewCase, NewCheck, Place};
use crate::{EntryResult, NewEntry, Store};

fn field(e: FieldError) -> StoreError {
    StoreError::Invalid(e)
}

/// A date typed as `YYYY-MM-DD`.
pub fn parse_date(name: &'static str, raw: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        field(FieldError::new(
            name,
            "format",
            format!("日期“{raw}”应为 YYYY-MM-DD"),
            format!("date '{raw}' must be YYYY-MM-DD"),
        ))
    })
}

/// A local time typed as `YYYY-MM-DDTHH:MM` (seconds and a space instead of `T` accepted).
pub fn parse_time(name: &'static str, raw: &str) -> Result<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw.trim(), f).ok())
        .ok_or_else(|| {
            field(FieldError::new(
                name,
                "format",
                format!("时间“{raw}”应为 YYYY-MM-DDTHH:MM"),
                format!("time '{raw}' must be YYYY-MM-DDTHH:MM"),
            ))
        })
}

/// `home` or `centralized`.
pub fn parse_place(raw: &str) -> Result<Place> {
    match raw.trim() {
        "home" | "居家" => Ok(Place::Home),
        "centralized" | "集中" => Ok(Place::Centralized),
        other => Err(field(FieldError::new(
            "place",
            "unknown",
            format!("隔离地点“{other}”无效，应为 home（居家）或 centralized（集中）"),
            format!("place '{other}' must be home or centralized"),
        ))),
    }
}

/// Temperature in °C as typed, in tenths.
pub fn parse_temp_tenths(raw: &str) -> Result<u16> {
    let c = parse_temperature(raw).map_err(field)?;
    Ok((c * 10.0).round() as u16)
}

/// One member of a 包保 team as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TeamMember", optional_fields = nullable))]
pub struct TeamForm {
    /// Role code (cadre, grid-worker, doctor, police, volunteer).
    pub role: String,
    /// The team member's name.
    pub name: String,
    /// Phone, optional.
    #[serde(default)]
    pub phone: Option<String>,
}

impl TeamForm {
    /// Parses the member.
    pub fn parse(&self) -> Result<(TeamRole, String, Option<String>)> {
        let role = TeamRole::parse(self.role.trim()).map_err(field)?;
        let name = parse_name(&self.name).map_err(field)?;
        let phone = self
            .phone
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| parse_phone(p).map(|p| p.number))
            .transpose()
            .map_err(field)?;
        Ok((role, name, phone))
    }
}

/// The form that starts a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct CaseForm {
    /// Person from the ledger.
    pub person_id: String,
    /// Policy id or built-in code.
    pub policy: String,
    /// Day 1, `YYYY-MM-DD`.
    pub start: String,
    /// `home` or `centralized`.
    pub place: String,
    /// Centralized site.
    #[serde(default)]
    pub site: Option<String>,
    /// 旅居地.
    #[serde(default)]
    pub origin: Option<String>,
    /// Reason (risk tag code); the person's first risk tag when empty.
    #[serde(default)]
    pub reason: Option<String>,
    /// 包保 team.
    #[serde(default)]
    pub team: Vec<TeamForm>,
}

impl CaseForm {
    /// Parses the form.
    pub fn parse(&self) -> Result<NewCase> {
        Ok(NewCase {
            person_id: self.person_id.clone(),
            policy: self.policy.clone(),
            start: parse_date("start", &self.start)?,
            place: parse_place(&self.place)?,
            site: self.site.clone().filter(|s| !s.trim().is_empty()),
            origin: self.origin.clone().filter(|s| !s.trim().is_empty()),
            reason: self.reason.clone().filter(|s| !s.trim().is_empty()),
            team: self
                .team
                .iter()
                .filter(|m| {
                    !(m.name.trim().is_empty() && m.phone.as_deref().unwrap_or("").is_empty())
                })
                .map(TeamForm::parse)
                .collect::<Result<_>>()?,
        })
    }
}

/// The form of one check.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct CheckForm {
    /// The case the check is for.
    pub case_id: String,
    /// Temperature in °C as typed.
    pub temp: String,
    /// Symptom codes.
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// phone, video or visit.
    pub method: String,
    /// When, `YYYY-MM-DDTHH:MM`; now when empty.
    #[serde(default)]
    pub at: Option<String>,
}

impl CheckForm {
    /// Parses the form.
    pub fn parse(&self) -> Result<NewCheck> {
        Ok(NewCheck {
            temp_tenths: Some(parse_temp_tenths(&self.temp)?),
            symptoms: self
                .symptoms
                .iter()
                .map(|s| Symptom::parse(s))
                .collect::<std::result::Result<_, _>>()
                .map_err(field)?,
            method: CheckMethod::parse(&self.method).map_err(field)?,
            at: self
                .at
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| parse_time("at", s))
                .transpose()?,
            by: None,
        })
    }
}

/// What recording a check or a test gave.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUpOutcome {
    /// The visit or test id.
    pub id: String,
    /// Whether it escalated the case (a referral to the fever clinic was recorded).
    pub escalated: bool,
    /// Why, in Chinese.
    pub reason: Option<String>,
    /// Why, in English.
    pub reason_en: Option<String>,
}

/// The form of one entry at a checkpoint.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[serde(default)]
pub struct EntryForm {
    /// Checkpoint id.
    pub checkpoint: String,
    /// in or out.
    #[cfg_attr(feature = "ts", ts(as = "gridbook_domain::checkpoint::Direction"))]
    pub direction: String,
    /// The person's name as typed.
    pub name: String,
    /// ID document number.
    pub id_number: String,
    /// The phone as typed (may be empty).
    pub phone: String,
    /// The vehicle plate as typed (may be empty).
    pub plate: String,
    /// Temperature in °C as typed.
    pub temp: String,
    /// green, yellow or red.
    pub code: String,
    /// Travel in the last 14 days.
    pub travel: String,
    /// 户口所在地.
    pub hukou: String,
    /// 常住地.
    pub residence: String,
    /// 事由.
    pub purpose: String,
    /// Risk areas ticked from the list.
    pub areas: Vec<String>,
    /// The volunteer's decision when not the suggestion.
    pub decision: Option<String>,
    /// Why (required to decide less strictly than suggested).
    pub note: Option<String>,
    /// Temporary pass number.
    pub pass: Option<String>,
    /// The ledger resident picked from the match (person id): the store fills the ID number
    /// from the ledger, which a volunteer's match shows masked (see [`NewEntry::person`]).
    pub person_id: Option<String>,
}

impl EntryForm {
    /// Parses the form; the entry is stamped with the store's clock when recorded.
    pub fn parse(&self) -> Result<NewEntry> {
        let decision = self
            .decision
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(Decision::parse)
            .transpose()
            .map_err(field)?;
        let opt = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        Ok(NewEntry {
            checkpoint: self.checkpoint.clone(),
            input: EntryInput {
                at: NaiveDateTime::default(),
                direction: self.direction.clone(),
                name: self.name.clone(),
                id_kind: None,
                id_number: self.id_number.clone(),
                hukou_place: self.hukou.clone(),
                residence: self.residence.clone(),
                phone: self.phone.clone(),
                plate: self.plate.clone(),
                temperature: self.temp.clone(),
                health_code: self.code.clone(),
                travel: self.travel.clone(),
                declared_areas: self.areas.clone(),
                purpose: self.purpose.clone(),
            },
            at_now: true,
            decision,
            note: opt(&self.note),
            volunteer: None,
            pass: opt(&self.pass),
            person: opt(&self.person_id),
        })
    }
}

/// What the rules say of a form before it is saved, from what is already known of it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryPreview {
    /// Suggested decision, once the direction, temperature and health code are known.
    pub decision: Option<Decision>,
    /// Every reason found (none without a suggestion).
    pub reasons: Vec<Reason>,
    /// The decisions the volunteer may choose instead only with a note (less strict).
    pub needs_note: Vec<Decision>,
    /// Whether the temperature is a fever by the township's threshold.
    pub fever: bool,
    /// The ledger person with this ID document in the checkpoint's village, if any.
    pub person_id: Option<String>,
    /// The person's control state from an open case, shown before saving.
    pub isolation: Option<crate::IsolationRow>,
}

impl Store {
    /// Starts a case from the app's form.
    pub fn start_case_form(&self, form: &CaseForm) -> Result<String> {
        self.start_case(&form.parse()?)
    }

    /// Records a check from the app's form.
    pub fn record_check_form(&self, form: &CheckForm) -> Result<FollowUpOutcome> {
        let (id, esc) = self.record_check(&form.case_id, &form.parse()?)?;
        Ok(FollowUpOutcome {
            id,
            escalated: esc.is_some(),
            reason: esc.as_ref().map(|e| e.zh.clone()),
            reason_en: esc.map(|e| e.en),
        })
    }

    /// Records a test result typed in the app (`date` as `YYYY-MM-DD`).
    pub fn record_test_form(
        &self,
        case_id: &str,
        date: &str,
        result: &str,
    ) -> Result<FollowUpOutcome> {
        let result = TestResult::parse(result).map_err(field)?;
        let (id, esc) = self.record_case_test(case_id, parse_date("date", date)?, result)?;
        Ok(FollowUpOutcome {
            id,
            escalated: esc.is_some(),
            reason: esc.as_ref().map(|e| e.zh.clone()),
            reason_en: esc.map(|e| e.en),
        })
    }

    /// Records an entry from the app's form.
    pub fn add_entry_form(&self, form: &EntryForm) -> Result<EntryResult> {
        self.add_entry(&form.parse()?)
    }

    /// The decision the township's rules suggest for a form, without saving anything, from
    /// what is known of it: the screen asks as the volunteer taps, before the identity is
    /// typed. A field that does not parse yet is unknown rather than an error (saving reports
    /// it); a valid ID number, or the resident picked (`person_id`, refused as on saving when
    /// it names no resident of the checkpoint's village), finds the person and their control
    /// state.
    pub fn preview_entry(&self, form: &EntryForm) -> Result<EntryPreview> {
        let mut new = form.parse()?;
        new.input.at = self.now_local();
        let checkpoint = crate::isolation::cases::existing_id("checkpoint", &new.checkpoint)?;
        let mut g = self.lock();
        let village = g.checkpoint_village(&checkpoint)?;
        let resident = match &new.person {
            Some(p) => Some(g.checkpoint_resident(&village, p)?),
            None => None,
        };
        if let Some(r) = &resident {
            fill_identity(&mut new.input, r)?;
        }
        let known = Known::from_input(&new.input);
        let id = parse_id_document(&new.input.id_number, new.input.id_kind, known.on).ok();
        let (person_id, control) = match id {
            Some(id) => (
                match resident {
                    Some(r) => Some(r.id),
                    None => g.village_person(&village, &id.number)?,
                },
                g.control_of_id_number(&id.number, known.on)?,
            ),
            None => (None, None),
        };
        let s = judge(&g.rules()?, &known, control.as_ref().map(|c| &c.state));
        Ok(EntryPreview {
            decision: s.as_ref().map(|s| s.decision),
            needs_note: s.as_ref().map(|s| s.needs_note()).unwrap_or_default(),
            fever: s.as_ref().is_some_and(|s| s.fever()),
            reasons: s.map(|s| s.reasons).unwrap_or_default(),
            person_id,
            isolation: control.as_ref().map(|c| c.row()),
        })
    }

    /// The due list of a date typed as `YYYY-MM-DD`, or of today (this device's local time).
    pub fn due_on(&self, date: Option<&str>) -> Result<Vec<crate::DueRow>> {
        let day = match date.filter(|d| !d.trim().is_empty()) {
            Some(d) => parse_date("date", d)?,
            None => self.now_local().date(),
        };
        self.due(day)
    }

    /// The entries of a checkpoint on a day typed as `YYYY-MM-DD`.
    pub fn entries_on(&self, checkpoint: &str, date: &str) -> Result<Vec<crate::EntryRow>> {
        self.entries(checkpoint, parse_date("date", date)?)
    }

    /// Checks a pass as the checkpoint screen does: a refusal is an error with its reason.
    /// For a resident picked from the match (`person`, at checkpoint `checkpoint`), the ID
    /// number is the ledger's (the screen holds it masked).
    pub fn check_pass_form(
        &self,
        number: &str,
        direction: &str,
        id_number: &str,
        person: Option<(&str, &str)>,
    ) -> Result<()> {
        let direction = gridbook_domain::checkpoint::Direction::parse(direction).map_err(field)?;
        let id_number = match person.filter(|(_, p)| !p.trim().is_empty()) {
            Some((checkpoint, p)) => {
                let checkpoint = crate::isolation::cases::existing_id("checkpoint", checkpoint)?;
                let g = self.lock();
                let village = g.checkpoint_village(&checkpoint)?;
                let r = g.checkpoint_resident(&village, p)?;
                let mut input = EntryInput {
                    id_number: id_number.to_owned(),
                    ..EntryInput::default()
                };
                fill_identity(&mut input, &r)?;
                input.id_number
            }
            None => id_number.trim().to_owned(),
        };
        self.check_pass(number, direction, &id_number)?
            .map_err(|refusal| StoreError::Refused {
                code: refusal.code().to_owned(),
                zh: refusal.zh(),
                en: refusal.en(),
            })
    }
}
