//! The township control list (管控名单): what a checkpoint of any village needs to recognise
//! a person under control in another village, and nothing more.
//!
//! One document per village (`control:<village>`), written by the devices that write that
//! village's isolation cases (its grid workers and doctors, the township) in the same local
//! commit as the case event, and read by the checkpoints of every village of the township
//! (see the relay's access rules). One record per case, its id derived from the case id:
//!
//! - `id_hash`: a keyed, deliberately slow hash of the normalised ID number (Argon2id, the
//!   township id as its key, see [`id_hash`]). A checkpoint hashes the number it was shown
//!   and looks the hash up; the list holds no name, no address, no phone.
//! - `phases` (`home-isolation:14,home-monitoring:7`), `start`, `alarm_at` (latest
//!   escalation), `cleared_at` (latest referral cleared) and `ended` (released, transferred,
//!   cancelled): the state on a day (居家隔离第N天 / 集中隔离 / 居家健康监测 / 待转诊) is
//!   computed on read from these, with the same rule as a case, so that two devices that
//!   edit concurrently merge into a state, not into a stored label one of them wrote.
//! - `case_id` and `person_id`: opaque UUIDs that mean something only to a device holding
//!   the village's ledger (a checkpoint of the same village matches by person, with no hash).
//!
//! A record is written only for events that change it (start, escalation, referral
//! cleared, release, transfer, cancel, a corrected ID number), so the routine check-ins cost
//! no hash; open cases without one get it when a sync ends (see `control_write`).

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::{Algorithm, Argon2, Params, Version};
use chrono::NaiveDate;
use gridbook_domain::isolation::{
    control_state, ControlState, Phase, PhaseKind, Policy, ReleaseRule, DEFAULT_FEVER_TENTHS,
    MAX_POLICY_DAYS,
};
use gridbook_domain::validate::parse_mainland_id;
use rusqlite::{params, Connection};
use uuid::Uuid;

use crate::engine::record::RecordView;
use crate::error::{Result, StoreError};
use crate::isolation::control::IsolationRow;
use crate::ledger::search::Hit;
use crate::Inner;

/// Namespace of control record ids: derived from the case id, so that every device that
/// writes a case's entry writes the same record.
const CONTROL_NS: Uuid = Uuid::from_u128(0x3c7e_91a2_5b04_4d6f_8e21_c0d9_7a46_b158);

/// Argon2id memory in KiB. With [`HASH_PASSES`], 1.34 ms per hash on the test machine
/// (release build, `bench-checkpoint` figure 2b): a checkpoint pays it once per whole ID
/// number it has not seen lately; an attacker pays it for every candidate number (about
/// 3.65 × 10⁷ per region code: 13.6 CPU-hours; see `docs/benchmarks-history.md`).
const HASH_MEMORY_KIB: u32 = 4096;
/// Argon2id passes.
const HASH_PASSES: u32 = 1;
/// Bytes of hash kept (hex: twice as many characters).
const HASH_BYTES: usize = 16;
/// Domain separation of the salt: the same ID number hashes differently in every township
/// and in any other use of Argon2 in this app.
const SALT_PREFIX: &str = "gridbook control list v1:";

/// Most phases a control record may list (a policy has a handful).
const MAX_PHASES: usize = 8;
/// Hashes computed lately, by (township, number): a person looked up twice (the preview,
/// then the saved entry) costs one hash.
static RECENT_HASHES: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
/// How many recent hashes are kept.
const RECENT_HASHES_KEPT: usize = 32;

/// The control record id of a case.
pub(super) fn control_record_id(case_id: &str) -> String {
    Uuid::new_v5(&CONTROL_NS, case_id.as_bytes()).to_string()
}

/// An ID document number as hashed: no spaces, upper case (`x` and `X` are one check char).
fn normalise(id_number: &str) -> String {
    id_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The keyed hash of an ID document number in `township`: Argon2id of the normalised number
/// with the township id as salt, 32 hex characters.
///
/// The township id is the key: every device allowed to read the list holds the township's
/// grid (and its id), so a secret kept beside it would protect nothing more. What protects
/// the numbers is the cost of each guess (memory-hard, so GPUs gain little) and a salt no
/// other township shares (no table computed once serves two townships).
pub fn id_hash(township: &str, id_number: &str) -> Result<String> {
    let number = normalise(id_number);
    let key = format!("{township}\u{1f}{number}");
    if let Ok(recent) = RECENT_HASHES.lock() {
        if let Some((_, h)) = recent.iter().find(|(k, _)| *k == key) {
            return Ok(h.clone());
        }
    }
    let params = Params::new(HASH_MEMORY_KIB, HASH_PASSES, 1, Some(HASH_BYTES))
        .map_err(|e| StoreError::Corrupt(format!("control list hash: {e}")))?;
    let salt = format!("{SALT_PREFIX}{township}");
    let mut out = [0u8; HASH_BYTES];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(number.as_bytes(), salt.as_bytes(), &mut out)
        .map_err(|e| StoreError::Corrupt(format!("control list hash: {e}")))?;
    let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
    if let Ok(mut recent) = RECENT_HASHES.lock() {
        if recent.len() >= RECENT_HASHES_KEPT {
            recent.remove(0);
        }
        recent.push((key, hex.clone()));
    }
    Ok(hex)
}

/// `home-isolation:14,home-monitoring:7`: the phases of a policy as a control record keeps them.
pub(super) fn phases_text(policy: &Policy) -> String {
    policy
        .phases
        .iter()
        .map(|p| format!("{}:{}", p.kind.code(), p.days))
        .collect::<Vec<_>>()
        .join(",")
}

/// The policy (phases only) of a control record's `phases`; `None` if malformed or out of
/// bounds (a record from a hostile device).
fn policy_of(phases: &str) -> Option<Policy> {
    let mut list = Vec::new();
    for part in phases.split(',') {
        let (kind, days) = part.split_once(':')?;
        let days: u32 = days.parse().ok()?;
        if days == 0 || days > MAX_POLICY_DAYS || list.len() >= MAX_PHASES {
            return None;
        }
        list.push(Phase::unchecked(PhaseKind::parse(kind).ok()?, days));
    }
    let policy = Policy {
        id: String::new(),
        name: String::new(),
        name_en: String::new(),
        phases: list,
        windows: Vec::new(),
        test_days: Vec::new(),
        visit_days: Vec::new(),
        fever_tenths: DEFAULT_FEVER_TENTHS,
        release: ReleaseRule::default(),
    };
    (policy.total_days() <= MAX_POLICY_DAYS).then_some(policy)
}

/// An escalation is open when it is later than the last referral cleared (the case rule).
fn open_alarm(alarm: Option<&str>, cleared: Option<&str>) -> bool {
    match (alarm, cleared) {
        (Some(a), Some(c)) => a > c,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The state on `on` of a control row that has not ended.
fn state_of(
    phases: &str,
    start: &str,
    alarm: Option<&str>,
    cleared: Option<&str>,
    on: NaiveDate,
) -> Option<ControlState> {
    let policy = policy_of(phases)?;
    let start = start.parse::<NaiveDate>().ok()?;
    control_state(&policy, start, on, open_alarm(alarm, cleared))
}

/// What a checkpoint learns of a person under control from the control list.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// The case (opaque outside its village).
    pub case_id: String,
    /// The state on the day asked.
    pub state: ControlState,
    /// The village that keeps the case.
    pub village_id: String,
    /// Its name, from the township's grid.
    pub village_name: String,
}

impl Inner {
    /// The control states on `on` the list gives for `persons` (ledger persons this device
    /// knows, e.g. a volunteer's own village, whose cases it does not hold), by person id.
    pub(crate) fn listed_by_person(
        &self,
        persons: &[&str],
        on: NaiveDate,
    ) -> Result<HashMap<String, (String, ControlState)>> {
        let mut out = HashMap::new();
        if persons.is_empty() {
            return Ok(out);
        }
        let ids = serde_json::to_string(persons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut st = self.conn.prepare_cached(
            "SELECT person_id, case_id, phases, start, alarm_at, cleared_at FROM control_list
             WHERE person_id IN (SELECT value FROM json_each(?1)) AND ended IS NULL
             ORDER BY start DESC, id",
        )?;
        let mut rows = st.query([ids])?;
        while let Some(r) = rows.next()? {
            let person: String = r.get(0)?;
            if out.contains_key(&person) {
                continue;
            }
            let (phases, start): (String, String) = (r.get(2)?, r.get(3)?);
            let (alarm, cleared): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
            if let Some(s) = state_of(&phases, &start, alarm.as_deref(), cleared.as_deref(), on) {
                out.insert(person, (r.get(1)?, s));
            }
        }
        Ok(out)
    }

    /// Whoever the control list holds under this ID document number on `on`, in any village
    /// of the township: one hash, one indexed lookup. `None` if nobody (or no township yet).
    pub(crate) fn listed_by_id_number(
        &self,
        id_number: &str,
        on: NaiveDate,
    ) -> Result<Option<Listed>> {
        let Some(township) = self.township()? else {
            return Ok(None);
        };
        if normalise(id_number).is_empty() {
            return Ok(None);
        }
        let hash = id_hash(&township, id_number)?;
        let mut st = self.conn.prepare_cached(
            "SELECT l.case_id, l.village_id, coalesce(v.name, ''), l.phases, l.start, l.alarm_at,
               l.cleared_at
             FROM control_list l LEFT JOIN villages v ON v.id = l.village_id
             WHERE l.id_hash = ?1 AND l.ended IS NULL ORDER BY l.start DESC, l.id LIMIT 8",
        )?;
        let mut rows = st.query([hash])?;
        while let Some(r) = rows.next()? {
            let (phases, start): (String, String) = (r.get(3)?, r.get(4)?);
            let (alarm, cleared): (Option<String>, Option<String>) = (r.get(5)?, r.get(6)?);
            if let Some(state) = state_of(&phases, &start, alarm.as_deref(), cleared.as_deref(), on)
            {
                return Ok(Some(Listed {
                    case_id: r.get(0)?,
                    state,
                    village_id: r.get(1)?,
                    village_name: r.get(2)?,
                }));
            }
        }
        Ok(None)
    }
}

impl Inner {
    /// Completes a checkpoint match with the control list when the query is a whole mainland
    /// ID number: a hit of the own ledger with no state of its own gets the state another
    /// village lists under that number; with no hit at all, the list's entry becomes one
    /// hit (`matched: "control"`) with the number, the village and the state, and no name
    /// or address (the list has none).
    pub(crate) fn match_listed(
        &self,
        query: &str,
        hits: &mut Vec<Hit>,
        on: NaiveDate,
    ) -> Result<()> {
        let Ok(id) = parse_mainland_id(query, on) else {
            return Ok(());
        };
        let own = hits.iter().position(|h| h.id_number == id.number);
        if own.is_some_and(|i| hits[i].isolation.is_some()) {
            return Ok(());
        }
        let Some(listed) = self.listed_by_id_number(&id.number, on)? else {
            return Ok(());
        };
        let row = IsolationRow::listed(&listed);
        match own {
            Some(i) => hits[i].isolation = Some(row),
            None => hits.insert(
                0,
                Hit {
                    person_id: String::new(),
                    household_id: String::new(),
                    village_id: listed.village_id.clone(),
                    name: String::new(),
                    id_number: id.number,
                    phone: None,
                    plate: None,
                    address: String::new(),
                    matched: "control",
                    isolation: Some(row),
                },
            ),
        }
        Ok(())
    }
}

/// Longest text a control record's date and status fields may hold.
const MAX_FIELD_CHARS: usize = 40;

fn bounded(rec: &RecordView, field: &str) -> Result<Option<String>> {
    match rec.str(field) {
        Some(s) if s.chars().count() > MAX_FIELD_CHARS => Err(StoreError::Corrupt(format!(
            "control record: {field} too long"
        ))),
        other => Ok(other),
    }
}

fn required(rec: &RecordView, field: &str) -> Result<String> {
    bounded(rec, field)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| StoreError::Corrupt(format!("control record: no {field}")))
}

/// Projects a control record (from any village's list): its fields are checked, since any
/// device of the village may have written them; a record that fails is quarantined.
pub(crate) fn insert(conn: &Connection, village: &str, id: &str, rec: &RecordView) -> Result<()> {
    let hash = required(rec, "id_hash")?;
    if hash.len() != HASH_BYTES * 2 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::Corrupt("control record: id_hash".into()));
    }
    let phases = rec.str("phases").unwrap_or_default();
    if phases.len() > 200 || policy_of(&phases).is_none() {
        return Err(StoreError::Corrupt("control record: phases".into()));
    }
    let start = required(rec, "start")?;
    if start.parse::<NaiveDate>().is_err() {
        return Err(StoreError::Corrupt("control record: start".into()));
    }
    conn.prepare_cached(
        "INSERT INTO control_list (id, village_id, case_id, person_id, id_hash, phases, start,
         alarm_at, cleared_at, ended) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        village,
        required(rec, "case_id")?,
        required(rec, "person_id")?,
        hash.to_ascii_lowercase(),
        phases,
        start,
        bounded(rec, "alarm_at")?,
        bounded(rec, "cleared_at")?,
        bounded(rec, "ended")?.filter(|s| !s.is_empty()),
    ])?;
    Ok(())
}

/// Removes a control record's row.
pub(crate) fn clear_rows(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM control_list WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Canonical query of the control list, appended to the others in `project`.
pub(crate) const CANONICAL: [(&str, &str); 1] = [(
    "control_list",
    "SELECT id, village_id, case_id, person_id, id_hash, phases, start, alarm_at, cleared_at,
     ended FROM control_list ORDER BY id",
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_keyed_by_township_and_ignores_spacing_and_case() {
        let a = id_hash("T1", "11010519491231002x").unwrap();
        assert_eq!(a.len(), 32);
        assert_eq!(a, id_hash("T1", " 110105 19491231 002X").unwrap());
        assert_ne!(a, id_hash("T2", "11010519491231002X").unwrap());
        assert_ne!(a, id_hash("T1", "110105194912310037").unwrap());
        // The cache gives what the hash gives.
        RECENT_HASHES.lock().unwrap().clear();
        assert_eq!(a, id_hash("T1", "11010519491231002X").unwrap());
    }

    #[test]
    fn phases_round_trip_and_hostile_ones_are_refused() {
        let p = policy_of("centralized:14,home-isolation:7").unwrap();
        assert_eq!(phases_text(&p), "centralized:14,home-isolation:7");
        assert_eq!(p.total_days(), 21);
        for bad in [
            "",
            "home-isolation",
            "home-isolation:0",
            "home-isolation:-1",
            "nowhere:3",
            "home-isolation:367",
            "home-isolation:200,home-monitoring:200",
            "home-isolation:1,home-isolation:1,home-isolation:1,home-isolation:1,\
             home-isolation:1,home-isolation:1,home-isolation:1,home-isolation:1,home-isolation:1",
        ] {
            assert!(policy_of(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_state_follows_the_escalation_rule_of_cases() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let s = state_of("home-isolation:14", "2026-12-01", None, None, day(3)).unwrap();
        assert_eq!(s.zh(), "居家隔离第3天，至12月14日");
        let esc = |a: Option<&str>, c: Option<&str>| {
            state_of("home-isolation:14", "2026-12-01", a, c, day(3))
                .unwrap()
                .kind
                .code()
        };
        assert_eq!(esc(Some("2026-12-02T08:00"), None), "referral");
        assert_eq!(
            esc(Some("2026-12-02T08:00"), Some("2026-12-02T15:00")),
            "home-isolation"
        );
        assert_eq!(
            esc(Some("2026-12-03T08:00"), Some("2026-12-02T15:00")),
            "referral"
        );
        assert!(state_of("home-isolation:14", "2026-12-05", None, None, day(3)).is_none());
    }
}
