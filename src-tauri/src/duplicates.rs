//! Tauri commands for duplicate persons (疑似重复): the list, two persons side by side, merge
//! and its undoing, "not the same person" and its undoing. One-line adapters over
//! gridbook-store.

use gridbook_store::{
    masked, Dismissed, Duplicate, MergePreview, PairDismissed, PairRestored, PersonMerged,
    PersonRow, PersonUnmerged,
};
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

#[tauri::command(async)]
pub fn duplicates(app: State<'_, App>) -> R<Vec<Duplicate>> {
    Ok(app.store.duplicates()?)
}

#[tauri::command(async)]
pub fn merge_preview(app: State<'_, App>, a: String, b: String) -> R<MergePreview> {
    Ok(masked(app.store.merge_preview(&a, &b)?))
}

#[tauri::command(async)]
pub fn merge_person(
    app: State<'_, App>,
    id: String,
    into: String,
    fill: Vec<String>,
) -> R<PersonMerged> {
    app.wrote(
        app.store
            .merge_person(&id, &into, &fill)
            .map(|()| PersonMerged { merged: id, into }),
    )
}

#[tauri::command(async)]
pub fn unmerge_person(app: State<'_, App>, id: String) -> R<PersonUnmerged> {
    app.wrote(
        app.store
            .unmerge_person(&id)
            .map(|()| PersonUnmerged { unmerged: id }),
    )
}

#[tauri::command(async)]
pub fn merged_persons(app: State<'_, App>) -> R<Vec<PersonRow>> {
    Ok(masked(app.store.merged_persons()?))
}

#[tauri::command(async)]
pub fn dismiss_duplicate(
    app: State<'_, App>,
    a: String,
    b: String,
    reason: Option<String>,
) -> R<PairDismissed> {
    app.wrote(
        app.store
            .dismiss_duplicate(&a, &b, reason.as_deref())
            .map(|()| PairDismissed { dismissed: [a, b] }),
    )
}

#[tauri::command(async)]
pub fn restore_duplicate(app: State<'_, App>, a: String, b: String) -> R<PairRestored> {
    app.wrote(
        app.store
            .restore_duplicate(&a, &b)
            .map(|()| PairRestored { restored: [a, b] }),
    )
}

#[tauri::command(async)]
pub fn dismissed_duplicates(app: State<'_, App>) -> R<Vec<Dismissed>> {
    Ok(app.store.dismissed_duplicates()?)
}
