//! Tauri commands: one-line adapters over the crates. Mutations nudge background sync.

use gridbook_store::{
    ConflictRow, CoverageRow, HistoryEntry, Hit, HouseholdDetail, NewHousehold, NewPerson,
    VillageRow,
};
use gridbook_sync::app::{AppStatus, Settings};
use gridbook_sync::client::Hello;
use gridbook_sync::SyncStats;
use serde_json::{json, Value};
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

#[tauri::command(async)]
pub fn app_status(app: State<'_, App>) -> R<AppStatus> {
    Ok(gridbook_sync::app::status(&app.store, &app.last_status())?)
}

#[tauri::command(async)]
pub fn villages(app: State<'_, App>) -> R<Vec<VillageRow>> {
    Ok(app.store.villages()?)
}

#[tauri::command(async)]
pub fn list_households(
    app: State<'_, App>,
    village_id: Option<String>,
    offset: usize,
    limit: usize,
) -> R<Value> {
    Ok(app
        .store
        .households_page(village_id.as_deref(), offset, limit)
        .map(|(total, rows)| json!({ "total": total, "rows": rows }))?)
}

#[tauri::command(async)]
pub fn search_persons(app: State<'_, App>, query: String, limit: usize) -> R<Vec<Hit>> {
    Ok(app.store.search(&query, limit.min(200))?)
}

#[tauri::command(async)]
pub fn household_detail(app: State<'_, App>, id: String) -> R<HouseholdDetail> {
    Ok(app.store.household(&id)?)
}

#[tauri::command(async)]
pub fn add_household(app: State<'_, App>, input: NewHousehold) -> R<Value> {
    app.wrote(
        app.store
            .add_household(&input)
            .map(|(h, p)| json!({ "household_id": h, "person_id": p })),
    )
}

#[tauri::command(async)]
pub fn add_person(app: State<'_, App>, household_id: String, person: NewPerson) -> R<Value> {
    app.wrote(
        app.store
            .add_person(&household_id, &person)
            .map(|p| json!({ "person_id": p })),
    )
}

#[tauri::command(async)]
pub fn set_person(app: State<'_, App>, id: String, edits: Vec<(String, String)>) -> R<Value> {
    app.wrote(
        app.store
            .set_person(&id, &edits)
            .map(|c| json!({ "changed": c })),
    )
}

#[tauri::command(async)]
pub fn set_household(app: State<'_, App>, id: String, edits: Vec<(String, String)>) -> R<Value> {
    app.wrote(
        app.store
            .set_household(&id, &edits)
            .map(|c| json!({ "changed": c })),
    )
}

#[tauri::command(async)]
pub fn verify_household(app: State<'_, App>, id: String) -> R<Value> {
    app.wrote(
        app.store
            .verify_household(&id)
            .map(|v| json!({ "verification_id": v })),
    )
}

#[tauri::command(async)]
pub fn record_history(app: State<'_, App>, id: String) -> R<Vec<HistoryEntry>> {
    Ok(app.store.history(&id)?)
}

#[tauri::command(async)]
pub fn list_conflicts(app: State<'_, App>) -> R<Vec<ConflictRow>> {
    Ok(app.store.conflicts()?)
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
pub fn coverage(app: State<'_, App>, days: u32, village_id: Option<String>) -> R<Vec<CoverageRow>> {
    Ok(app.store.coverage(days, village_id.as_deref())?)
}

#[tauri::command(async)]
pub fn check_field(app: State<'_, App>, field: String, value: String) -> R<Value> {
    Ok(gridbook_sync::app::check_field(&app.store, &field, &value))
}

#[tauri::command(async)]
pub fn settings_get(app: State<'_, App>) -> R<Settings> {
    Ok(gridbook_sync::app::settings(&app.store)?)
}

#[tauri::command(async)]
pub fn set_device_name(app: State<'_, App>, name: String) -> R<()> {
    Ok(app.store.set_device_name(&name)?)
}

#[tauri::command(async)]
pub fn set_language(app: State<'_, App>, lang: String) -> R<()> {
    Ok(gridbook_sync::app::set_language(&app.store, &lang)?)
}

#[tauri::command(async)]
pub fn enroll(app: State<'_, App>, relay_url: String, token: String) -> R<Hello> {
    app.wrote(gridbook_sync::client::enroll(
        &app.store, &relay_url, &token, None,
    ))
}

#[tauri::command(async)]
pub fn sync_now(app: State<'_, App>) -> R<SyncStats> {
    Ok(gridbook_sync::client::sync(&app.store)?)
}
