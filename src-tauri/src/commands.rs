//! Tauri commands: one-line adapters over the crates. Mutations nudge background sync. Lists
//! go out with ID numbers and phones masked (`gridbook_store::masked`), a household's card too;
//! `reveal` shows one value in full and records it, and the edit forms load their full values
//! through `person_to_edit` and `household_to_edit`, which record them as reveals.

use gridbook_domain::checkpoint::DecisionRules;
use gridbook_domain::isolation::{Certificate, Policy};
use gridbook_store::app::FieldCheck;
use gridbook_store::app::{AppStatus, Settings};
use gridbook_store::forms::{CaseForm, CheckForm, EntryForm, EntryPreview, FollowUpOutcome};
use gridbook_store::{
    masked, CaseDetail, CaseRow, Changed, CheckpointDay, CheckpointRow, ConflictRow, CoverageRow,
    DueRow, EntryResult, EntryRow, HistoryEntry, Hit, HouseholdAdded, HouseholdDetail,
    HouseholdPage, NewHousehold, NewPerson, PassRow, PersonAdded, PersonRow, PolicyRow, ShiftRow,
    ShiftTimes, Verified, VillageRow,
};
use gridbook_sync::identity::Hello;
use gridbook_sync::SyncStats;
use tauri::{AppHandle, State};

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

/// The first call of the UI: fails with the reason when the store could not be opened.
#[tauri::command(async)]
pub fn app_status(h: AppHandle) -> R<AppStatus> {
    crate::opened(&h).and_then(|app| app.status())
}

#[tauri::command(async)]
pub fn villages(app: State<'_, App>) -> R<Vec<VillageRow>> {
    Ok(app.store.villages()?)
}

#[tauri::command(async)]
pub fn list_households(
    app: State<'_, App>,
    village_id: Option<String>,
    group_id: Option<String>,
    offset: usize,
    limit: usize,
) -> R<HouseholdPage> {
    Ok(app
        .store
        .households_page(village_id.as_deref(), group_id.as_deref(), offset, limit)
        .map(|(total, rows)| masked(HouseholdPage { total, rows }))?)
}

#[tauri::command(async)]
pub fn search_persons(app: State<'_, App>, query: String, limit: usize) -> R<Vec<Hit>> {
    Ok(masked(app.store.search(&query, limit.min(200))?))
}

#[tauri::command(async)]
pub fn household_detail(app: State<'_, App>, id: String) -> R<HouseholdDetail> {
    Ok(app.store.household_card(&id)?)
}

/// A person's full ID number or phone, or a household's phone, for a role that needs it; the
/// reveal is logged.
#[tauri::command(async)]
pub fn reveal(app: State<'_, App>, record_id: String, field: String) -> R<String> {
    app.wrote(app.store.reveal(&record_id, &field))
}

/// A person as its edit form needs it: ID number and phone in full, each recorded as a reveal.
#[tauri::command(async)]
pub fn person_to_edit(app: State<'_, App>, id: String) -> R<PersonRow> {
    app.wrote(app.store.person_to_edit(&id))
}

/// A household as its edit form needs it: its phone in full (recorded as a reveal).
#[tauri::command(async)]
pub fn household_to_edit(app: State<'_, App>, id: String) -> R<HouseholdDetail> {
    app.wrote(app.store.household_to_edit(&id))
}

#[tauri::command(async)]
pub fn add_household(app: State<'_, App>, input: NewHousehold) -> R<HouseholdAdded> {
    app.wrote(
        app.store
            .add_household(&input)
            .map(|(household_id, person_id)| HouseholdAdded {
                household_id,
                person_id,
            }),
    )
}

#[tauri::command(async)]
pub fn add_person(app: State<'_, App>, household_id: String, person: NewPerson) -> R<PersonAdded> {
    app.wrote(
        app.store
            .add_person(&household_id, &person)
            .map(|person_id| PersonAdded { person_id }),
    )
}

#[tauri::command(async)]
pub fn set_person(app: State<'_, App>, id: String, edits: Vec<(String, String)>) -> R<Changed> {
    app.wrote(
        app.store
            .set_person(&id, &edits)
            .map(|changed| Changed { changed }),
    )
}

#[tauri::command(async)]
pub fn set_household(app: State<'_, App>, id: String, edits: Vec<(String, String)>) -> R<Changed> {
    app.wrote(
        app.store
            .set_household(&id, &edits)
            .map(|changed| Changed { changed }),
    )
}

#[tauri::command(async)]
pub fn verify_household(app: State<'_, App>, id: String) -> R<Verified> {
    app.wrote(
        app.store
            .verify_household(&id)
            .map(|verification_id| Verified { verification_id }),
    )
}

#[tauri::command(async)]
pub fn record_history(app: State<'_, App>, id: String) -> R<Vec<HistoryEntry>> {
    Ok(masked(app.store.history(&id)?))
}

#[tauri::command(async)]
pub fn list_conflicts(app: State<'_, App>) -> R<Vec<ConflictRow>> {
    Ok(masked(app.store.conflicts()?))
}

/// One of the concurrent values of a conflicting ID number or phone in full, for a role that
/// needs it; the reveal is logged.
#[tauri::command(async)]
pub fn reveal_choice(
    app: State<'_, App>,
    record_id: String,
    field: String,
    index: usize,
) -> R<String> {
    app.wrote(app.store.reveal_choice(&record_id, &field, index))
}

/// Picks the `index`th value of a conflict as the screen showed the values (masked).
#[tauri::command(async)]
pub fn resolve_choice(
    app: State<'_, App>,
    record_id: String,
    field: String,
    index: usize,
    shown: Vec<serde_json::Value>,
) -> R<()> {
    app.wrote(app.store.resolve_choice(&record_id, &field, index, &shown))
}

#[tauri::command(async)]
pub fn resolve_conflict(
    app: State<'_, App>,
    record_id: String,
    field: String,
    value: String,
) -> R<()> {
    app.wrote(app.store.resolve(&record_id, &field, &value))
}

#[tauri::command(async)]
pub fn coverage(
    app: State<'_, App>,
    days: u32,
    village_id: Option<String>,
    group_id: Option<String>,
) -> R<Vec<CoverageRow>> {
    Ok(app
        .store
        .coverage(days, village_id.as_deref(), group_id.as_deref())?)
}

#[tauri::command(async)]
pub fn check_field(app: State<'_, App>, field: String, value: String) -> R<FieldCheck> {
    Ok(gridbook_store::app::check_field(&app.store, &field, &value))
}

#[tauri::command(async)]
pub fn settings_get(app: State<'_, App>) -> R<Settings> {
    Ok(gridbook_store::app::settings(&app.store)?)
}

#[tauri::command(async)]
pub fn set_device_name(app: State<'_, App>, name: String) -> R<()> {
    Ok(app.store.set_device_name(&name)?)
}

#[tauri::command(async)]
pub fn set_language(app: State<'_, App>, lang: String) -> R<()> {
    Ok(gridbook_store::app::set_language(&app.store, &lang)?)
}

#[tauri::command(async)]
pub fn enroll(
    app: State<'_, App>,
    window: tauri::WebviewWindow,
    relay_url: String,
    token: String,
    ca: Option<String>,
) -> R<Hello> {
    app.enrolled(
        &window,
        gridbook_sync::client_pin::enroll_with_token(&app.store, &relay_url, &token, ca.as_deref()),
    )
}

#[tauri::command(async)]
pub fn sync_now(app: State<'_, App>) -> R<SyncStats> {
    Ok(gridbook_sync::client::sync(&app.store)?)
}

#[tauri::command(async)]
pub fn refused_edits(app: State<'_, App>) -> R<Vec<gridbook_sync::refusals::RefusedEdit>> {
    Ok(gridbook_sync::refusals::list(&app.store)?)
}

#[tauri::command(async)]
pub fn discard_refused(app: State<'_, App>, doc_id: String) -> R<usize> {
    Ok(gridbook_sync::refusals::discard(&app.store, &doc_id)?)
}

#[tauri::command(async)]
pub fn quarantine(app: State<'_, App>) -> R<Vec<gridbook_store::owner::QuarantineRow>> {
    Ok(app.store.quarantine()?)
}

// ---------------------------------------------------------------------------------------------
// Isolation follow-ups

#[tauri::command(async)]
pub fn policies(app: State<'_, App>) -> R<Vec<PolicyRow>> {
    Ok(app.store.policies()?)
}

#[tauri::command(async)]
pub fn add_policy(app: State<'_, App>, policy: Policy) -> R<String> {
    app.wrote(app.store.add_policy(&policy))
}

#[tauri::command(async)]
pub fn set_policy(app: State<'_, App>, id: String, policy: Policy) -> R<String> {
    app.wrote(app.store.set_policy(&id, &policy))
}

#[tauri::command(async)]
pub fn due_list(app: State<'_, App>, date: Option<String>) -> R<Vec<DueRow>> {
    Ok(app.store.due_on(date.as_deref())?)
}

/// Cases, optionally of a village and of a group of it; `escalation`: those counted under 升级
/// (escalated or referred); `kind`: the open cases in that kind of isolation on `date` (today
/// if absent), as the township overview counts them.
#[tauri::command(async)]
pub fn cases(
    app: State<'_, App>,
    status: Option<String>,
    group_id: Option<String>,
    village_id: Option<String>,
    kind: Option<String>,
    date: Option<chrono::NaiveDate>,
    escalation: Option<bool>,
) -> R<Vec<CaseRow>> {
    let on = date.unwrap_or_else(|| app.store.now_local().date());
    Ok(app.store.cases_listed(&gridbook_store::CaseQuery {
        status: status.as_deref(),
        in_escalation: escalation.unwrap_or(false),
        village: village_id.as_deref(),
        group: group_id.as_deref(),
        kind: kind.as_deref().map(|k| (k, on)),
    })?)
}

#[tauri::command(async)]
pub fn case_detail(app: State<'_, App>, id: String) -> R<CaseDetail> {
    Ok(masked(app.store.case_detail(&id)?))
}

#[tauri::command(async)]
pub fn start_case(app: State<'_, App>, form: CaseForm) -> R<String> {
    app.wrote(app.store.start_case_form(&form))
}

#[tauri::command(async)]
pub fn record_check(app: State<'_, App>, form: CheckForm) -> R<FollowUpOutcome> {
    app.wrote(app.store.record_check_form(&form))
}

#[tauri::command(async)]
pub fn record_test(
    app: State<'_, App>,
    case_id: String,
    date: String,
    result: String,
) -> R<FollowUpOutcome> {
    app.wrote(app.store.record_test_form(&case_id, &date, &result))
}

#[tauri::command(async)]
pub fn close_referral(
    app: State<'_, App>,
    case_id: String,
    outcome: String,
    note: String,
) -> R<String> {
    app.wrote(app.store.close_referral(&case_id, &outcome, &note))
}

#[tauri::command(async)]
pub fn close_case(app: State<'_, App>, id: String, status: String, note: String) -> R<()> {
    app.wrote(app.store.close_case(&id, &status, &note))
}

#[tauri::command(async)]
pub fn release_case(app: State<'_, App>, id: String, reason: Option<String>) -> R<Certificate> {
    // The screen names the person; the full ID number is for the printed certificate only.
    app.wrote(
        app.store
            .release_case_with(&id, None, reason.as_deref())
            .map(masked),
    )
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

#[tauri::command(async)]
pub fn checkpoints(app: State<'_, App>) -> R<Vec<CheckpointRow>> {
    Ok(app.store.checkpoints()?)
}

#[tauri::command(async)]
pub fn add_checkpoint(
    app: State<'_, App>,
    village_id: String,
    name: String,
    place: Option<String>,
) -> R<String> {
    app.wrote(
        app.store
            .add_checkpoint(&village_id, &name, place.as_deref()),
    )
}

#[tauri::command(async)]
pub fn checkpoint_today(app: State<'_, App>, checkpoint: String) -> R<CheckpointDay> {
    Ok(masked(app.store.checkpoint_today(&checkpoint, 20)?))
}

#[tauri::command(async)]
pub fn entries(app: State<'_, App>, checkpoint: String, date: String) -> R<Vec<EntryRow>> {
    Ok(masked(app.store.entries_on(&checkpoint, &date)?))
}

#[tauri::command(async)]
pub fn match_residents(
    app: State<'_, App>,
    checkpoint: String,
    query: String,
    limit: usize,
) -> R<Vec<Hit>> {
    // Masked for every role, as the app's lists are; a whole ID number typed is shown back.
    Ok(app
        .store
        .match_shown(&checkpoint, &query, limit.min(50), false)?)
}

#[tauri::command(async)]
pub fn preview_entry(app: State<'_, App>, form: EntryForm) -> R<EntryPreview> {
    Ok(app.store.preview_entry(&form)?)
}

#[tauri::command(async)]
pub fn add_entry(app: State<'_, App>, form: EntryForm) -> R<EntryResult> {
    app.wrote(app.store.add_entry_form(&form))
}

#[tauri::command(async)]
pub fn shift_start(app: State<'_, App>, checkpoint: String, staff: Vec<String>) -> R<ShiftRow> {
    app.wrote(app.store.shift_start(
        &checkpoint,
        &staff.iter().map(String::as_str).collect::<Vec<_>>(),
    ))
}

#[tauri::command(async)]
pub fn shift_handover(app: State<'_, App>, checkpoint: String, note: String) -> R<ShiftRow> {
    app.wrote(app.store.shift_handover(&checkpoint, &note))
}

#[tauri::command(async)]
pub fn check_pass(
    app: State<'_, App>,
    number: String,
    direction: String,
    id_number: String,
    checkpoint: Option<String>,
    person_id: Option<String>,
) -> R<()> {
    let person = checkpoint.as_deref().zip(person_id.as_deref());
    Ok(app
        .store
        .check_pass_form(&number, &direction, &id_number, person)?)
}

#[tauri::command(async)]
pub fn rules(app: State<'_, App>) -> R<DecisionRules> {
    Ok(app.store.rules()?)
}

#[tauri::command(async)]
pub fn set_rules(app: State<'_, App>, rules: DecisionRules) -> R<DecisionRules> {
    app.wrote(app.store.set_rules(&rules))
}

#[tauri::command(async)]
pub fn set_shift_plan(
    app: State<'_, App>,
    checkpoint: String,
    shifts: Vec<ShiftTimes>,
    staff_per_shift: u32,
) -> R<CheckpointRow> {
    app.wrote(
        app.store
            .set_shift_plan_form(&checkpoint, &shifts, staff_per_shift),
    )
}

#[tauri::command(async)]
pub fn issue_pass(app: State<'_, App>, household: String, from: String, to: String) -> R<PassRow> {
    app.wrote(app.store.issue_pass(&household, &from, &to))
}

#[tauri::command(async)]
pub fn passes(app: State<'_, App>, household: String) -> R<Vec<PassRow>> {
    Ok(app.store.passes(&household)?)
}

#[tauri::command(async)]
pub fn pass_qr(number: String) -> R<String> {
    Ok(gridbook_store::pass_qr(&number)?)
}
