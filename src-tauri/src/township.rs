//! Tauri commands of the township's day: the overview and the daily reports. One-line
//! adapters over the store, like `commands.rs`.

use chrono::NaiveDate;
use gridbook_domain::report::Level;
use gridbook_store::{
    DueRow, FiguresPreview, Named, Overview, PersonQuery, ReportStatus, RiskPersonRow, Rollup,
    Submitted, TownshipInfo,
};
use tauri::State;

use crate::error::AppError;
use crate::App;

type R<T> = Result<T, AppError>;

#[tauri::command(async)]
pub fn overview(app: State<'_, App>, date: Option<NaiveDate>) -> R<Overview> {
    Ok(app
        .store
        .overview(date.unwrap_or_else(|| app.store.now_local().date()))?)
}

/// Persons carrying a risk tag (any, or the one asked for) or a 七类人 category, of a village
/// or group: the list behind the overview's figures of persons, masked.
#[tauri::command(async)]
pub fn persons_listed(app: State<'_, App>, query: PersonQuery) -> R<Vec<RiskPersonRow>> {
    Ok(app.store.persons_listed(&query)?)
}

/// The follow-ups of a day (today if absent) in one state, of a village or group: the list
/// behind the overview's follow-up figures.
#[tauri::command(async)]
pub fn follow_ups(
    app: State<'_, App>,
    date: Option<NaiveDate>,
    village_id: Option<String>,
    group_id: Option<String>,
    state: Option<String>,
) -> R<Vec<DueRow>> {
    Ok(app.store.follow_ups(
        date.unwrap_or_else(|| app.store.now_local().date()),
        village_id.as_deref(),
        group_id.as_deref(),
        state.as_deref(),
    )?)
}

#[tauri::command(async)]
pub fn report_status(app: State<'_, App>, date: NaiveDate) -> R<Vec<ReportStatus>> {
    Ok(app.store.report_status(date)?)
}

#[tauri::command(async)]
pub fn report_rollup(app: State<'_, App>, date: NaiveDate, to: Option<NaiveDate>) -> R<Rollup> {
    Ok(app.store.report_rollup(date, to.unwrap_or(date))?)
}

#[tauri::command(async)]
pub fn report_figures(
    app: State<'_, App>,
    level: Level,
    unit_id: String,
    date: NaiveDate,
) -> R<FiguresPreview> {
    Ok(FiguresPreview {
        figures: app.store.report_figures(level, &unit_id, date)?,
    })
}

#[tauri::command(async)]
pub fn report_submit(
    app: State<'_, App>,
    level: Level,
    unit_id: String,
    date: NaiveDate,
    zero: bool,
    note: Option<String>,
) -> R<Submitted> {
    app.wrote(
        app.store
            .submit_report(level, &unit_id, date, zero, note.as_deref(), None),
    )
}

/// The WeChat text of a group's or village's report, or (level `township`) of the township's
/// roll-up of the day.
#[tauri::command(async)]
pub fn report_text(
    app: State<'_, App>,
    level: String,
    unit_id: String,
    date: NaiveDate,
) -> R<String> {
    match level.as_str() {
        "township" => Ok(app.store.rollup_text(date, date)?),
        other => Ok(app
            .store
            .report_text(Level::parse(other)?, &unit_id, date)?),
    }
}

#[tauri::command(async)]
pub fn township_info(app: State<'_, App>) -> R<Option<TownshipInfo>> {
    Ok(app.store.township_info()?)
}

#[tauri::command(async)]
pub fn set_township_info(
    app: State<'_, App>,
    name: Option<String>,
    hotline: Option<String>,
) -> R<TownshipInfo> {
    app.wrote(
        app.store
            .set_township_info(name.as_deref(), hotline.as_deref()),
    )
}

#[tauri::command(async)]
pub fn village_add(app: State<'_, App>, name: String) -> R<String> {
    app.wrote(app.store.add_village(&name))
}

#[tauri::command(async)]
pub fn village_rename(app: State<'_, App>, id: String, name: String) -> R<Named> {
    app.wrote(app.store.rename_village(&id, &name))
}

#[tauri::command(async)]
pub fn group_add(app: State<'_, App>, village_id: String, name: String) -> R<String> {
    app.wrote(app.store.add_group(&village_id, &name))
}

#[tauri::command(async)]
pub fn group_rename(app: State<'_, App>, id: String, name: String) -> R<Named> {
    app.wrote(app.store.rename_group(&id, &name))
}
