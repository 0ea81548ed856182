//! The preview of an entry form as the screen asks for it while the volunteer taps (real
//! SQLite stores in temporary directories): what is known is judged by the township's rules,
//! the choices needing a note come with it, and entry rows say whether they were a fever.

use chrono::NaiveDate;
use gridbook_domain::checkpoint::{Decision, DecisionRules};
use gridbook_domain::validate::check_char;

use crate::forms::EntryForm;
use crate::{NewCase, NewHousehold, NewPerson, Place, Store};

use Decision::{Allow, Observe, TurnBack};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("valid date")
}

fn idn(seq: u32) -> String {
    let first = format!("11010519800101{seq:03}");
    format!("{first}{}", check_char(&first).expect("17 digits"))
}

/// A store with a village, one resident (returned: checkpoint, the resident's ID number and
/// person id) and a checkpoint; the clock fixed on [`day`].
fn site(dir: &tempfile::TempDir) -> (Store, String, String, String) {
    let s = Store::open(dir.path()).expect("open");
    s.set_now(Some(day().and_hms_opt(9, 30, 0).expect("valid time")));
    let village = s.add_village("红星村").expect("village");
    let id = idn(12);
    let (_, person) = s
        .add_household(&NewHousehold {
            village_id: village.clone(),
            address: "一组1号".into(),
            head: NewPerson {
                name: "王秀英".into(),
                id_number: id.clone(),
                ..NewPerson::default()
            },
            ..NewHousehold::default()
        })
        .expect("household");
    let checkpoint = s
        .add_checkpoint(&village, "村口卡点", None)
        .expect("checkpoint");
    (s, checkpoint, id, person)
}

fn form(checkpoint: &str, temp: &str, code: &str) -> EntryForm {
    EntryForm {
        checkpoint: checkpoint.to_owned(),
        direction: "in".into(),
        temp: temp.into(),
        code: code.into(),
        ..EntryForm::default()
    }
}

fn codes(p: &crate::forms::EntryPreview) -> Vec<&str> {
    p.reasons.iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn a_form_without_identity_is_judged_by_the_townships_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s, checkpoint, _, _) = site(&dir);
    // Nothing to judge yet: no suggestion, no error.
    let p = s
        .preview_entry(&form(&checkpoint, "", ""))
        .expect("preview");
    assert_eq!(
        (p.decision, p.reasons.len(), p.needs_note.len()),
        (None, 0, 0)
    );
    assert_eq!(
        s.preview_entry(&form(&checkpoint, "36.5", ""))
            .expect("preview")
            .decision,
        None
    );

    let p = s
        .preview_entry(&form(&checkpoint, "37.1", "green"))
        .expect("preview");
    assert_eq!((p.decision, codes(&p)), (Some(Allow), vec!["all-clear"]));
    assert!(p.needs_note.is_empty() && !p.fever);
    let p = s
        .preview_entry(&form(&checkpoint, "36.5", "red"))
        .expect("preview");
    assert_eq!(p.decision, Some(Observe));
    assert_eq!(p.needs_note, vec![Allow, TurnBack]);
    assert_eq!(p.person_id, None);

    // The township lowers its fever threshold to 37.0: 37.1 is a fever from then on.
    s.set_rules(&DecisionRules {
        fever_tenths: 370,
        ..DecisionRules::default()
    })
    .expect("rules");
    let p = s
        .preview_entry(&form(&checkpoint, "37.1", "green"))
        .expect("preview");
    assert_eq!((p.decision, codes(&p)), (Some(Observe), vec!["fever"]));
    assert!(p.fever);
    assert_eq!(p.reasons[0].zh, "体温37.1℃，达到发热标准37.0℃");

    // Ticked areas and travel count before the identity is typed.
    let mut f = form(&checkpoint, "36.5", "green");
    f.areas = vec!["旧名单地区".into()];
    let p = s.preview_entry(&f).expect("preview");
    assert_eq!(
        (p.decision, codes(&p)),
        (Some(Observe), vec!["risk-area-unlisted"])
    );
    // An unknown checkpoint is still an error.
    let gone = form(&uuid::Uuid::new_v4().to_string(), "36.5", "green");
    assert!(s.preview_entry(&gone).is_err());
}

#[test]
fn a_valid_id_brings_the_person_and_their_control_state_a_bad_one_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s, checkpoint, id, person) = site(&dir);
    s.start_case(&NewCase {
        person_id: person.clone(),
        policy: "home-isolation".into(),
        start: day() - chrono::Days::new(2),
        place: Place::Home,
        site: None,
        origin: None,
        reason: None,
        team: Vec::new(),
    })
    .expect("case");
    // Only the ID typed (no name yet), going out: turned back by the isolation rule.
    let mut f = form(&checkpoint, "36.5", "green");
    f.direction = "out".into();
    f.id_number = id.clone();
    let p = s.preview_entry(&f).expect("preview");
    assert_eq!(p.person_id.as_deref(), Some(person.as_str()));
    assert_eq!(
        p.isolation.as_ref().map(|i| i.kind.as_str()),
        Some("home-isolation")
    );
    assert_eq!((p.decision, codes(&p)), (Some(TurnBack), vec!["isolation"]));
    // The state shows even before temperature and code are known.
    f.temp.clear();
    let p = s.preview_entry(&f).expect("preview");
    assert_eq!((p.decision, p.isolation.is_some()), (None, true));
    // A mistyped ID finds nobody; the rest is still judged.
    f.temp = "36.5".into();
    f.id_number = format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' });
    let p = s.preview_entry(&f).expect("preview");
    assert_eq!(
        (p.decision, p.person_id, p.isolation.is_none()),
        (Some(Allow), None, true)
    );
}

#[test]
fn entry_rows_say_whether_the_rules_found_a_fever() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s, checkpoint, id, _) = site(&dir);
    let entry = |minute: u32, temp: &str| {
        s.set_now(Some(day().and_hms_opt(10, minute, 0).expect("valid time")));
        let mut f = form(&checkpoint, temp, "green");
        f.name = "王秀英".into();
        f.id_number = id.clone();
        s.add_entry_form(&f).expect("entry");
    };
    entry(1, "37.2");
    s.set_rules(&DecisionRules {
        fever_tenths: 370,
        ..DecisionRules::default()
    })
    .expect("rules");
    entry(2, "37.1");
    entry(3, "36.5");
    // Back to 37.3: the entry judged a fever stays one, as it was decided.
    s.set_rules(&DecisionRules::default()).expect("rules");
    let rows = s.entries(&checkpoint, day()).expect("entries");
    let fever: Vec<(f64, bool)> = rows.iter().map(|r| (r.temperature, r.fever)).collect();
    assert_eq!(fever, vec![(37.2, false), (37.1, true), (36.5, false)]);
}
