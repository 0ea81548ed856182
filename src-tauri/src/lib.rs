//! gridbook-app: the Tauri 2 shell.
//!
//! Opens the device store, runs sync in the background (whenever a relay is configured and
//! reachable, with backoff when it is not; it never blocks the UI) and emits `sync-status`
//! events. Its commands are one-line adapters over gridbook-store and gridbook-sync; every
//! error reaches the UI as a kind and a Chinese message. This is the only crate that may
//! depend on tauri, and nothing depends on it.

mod commands;
mod devices;
mod duplicates;
mod error;
mod files;
mod lock;
mod roster;
mod tasks;
mod township;
mod window;

use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};

use gridbook_store::Store;
use gridbook_sync::background::{self, SyncStatus};
use tauri::{Emitter, Manager};

pub use error::AppError;

/// State shared by the commands.
pub struct App {
    store: Arc<Store>,
    nudge: Mutex<Sender<()>>,
    status: Arc<Mutex<SyncStatus>>,
}

impl App {
    /// After a write: wake background sync, pass the result on.
    fn wrote<T, E: Into<AppError>>(&self, r: Result<T, E>) -> Result<T, AppError> {
        if r.is_ok() {
            let _ = self.nudge.lock().map(|n| n.send(()));
        }
        r.map_err(Into::into)
    }

    /// After an enrollment: as [`App::wrote`], and the window fits the role the relay gave.
    fn enrolled<E: Into<AppError>>(
        &self,
        window: &tauri::WebviewWindow,
        r: Result<gridbook_sync::identity::Hello, E>,
    ) -> Result<gridbook_sync::identity::Hello, AppError> {
        self.wrote(r)
            .inspect(|hello| window::fit(window, Some(&hello.role)))
    }

    /// The home screen's figures with the background loop's last state and the refused edits.
    fn status(&self) -> Result<gridbook_store::app::AppStatus, AppError> {
        let refused = gridbook_sync::refusals::list(&self.store)?.len();
        let state = self.last_status().state;
        Ok(gridbook_store::app::status(&self.store, state, refused)?)
    }

    fn last_status(&self) -> SyncStatus {
        self.status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|_| background::current_status(&self.store))
    }
}

/// The data directory: `GRIDBOOK_DATA`, or the platform's app data directory.
fn data_dir(app: &tauri::App) -> PathBuf {
    std::env::var_os("GRIDBOOK_DATA")
        .map(PathBuf::from)
        .or_else(|| app.path().app_data_dir().ok())
        .unwrap_or_else(|| PathBuf::from("gridbook-data"))
}

/// Why the device store could not be opened (a database made by a newer gridbook, an
/// unreadable file): managed instead of [`App`], so that the window opens and says so in
/// Chinese rather than the process dying before it shows anything.
struct Unopened(AppError);

/// The opened app, or the reason it could not open its store.
fn opened(h: &tauri::AppHandle) -> Result<tauri::State<'_, App>, AppError> {
    match h.try_state::<App>() {
        Some(app) => Ok(app),
        None if h.try_state::<lock::Locked>().is_some() => Err(AppError::locked()),
        None => Err(h
            .try_state::<Unopened>()
            .map(|u| u.0.clone())
            .unwrap_or_else(AppError::starting)),
    }
}

/// Starts background sync on the opened store and manages [`App`].
fn start(h: &tauri::AppHandle, store: Store) -> std::io::Result<()> {
    if let Some(w) = h.get_webview_window("main") {
        window::fit(&w, store.setting("role").ok().flatten().as_deref());
    }
    let store = Arc::new(store);
    let status = Arc::new(Mutex::new(background::current_status(&store)));
    let (tx, rx) = channel();
    let handle = h.clone();
    let (bg_store, bg_status) = (store.clone(), status.clone());
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            background::run(bg_store, rx, |s| {
                if let Ok(mut last) = bg_status.lock() {
                    *last = s.clone();
                }
                let _ = handle.emit("sync-status", s);
            });
        })?;
    h.manage(App {
        store,
        nudge: Mutex::new(tx),
        status,
    });
    Ok(())
}

/// Starts the app (desktop `main` and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(roster::Stop::default())
        .setup(|app| {
            let dir = data_dir(app);
            // An encrypted store waits for its PIN (lock::unlock opens it).
            if gridbook_keys::is_encrypted(&dir) {
                app.manage(lock::Locked::new(dir));
                return Ok(());
            }
            let store = match Store::open(&dir) {
                Ok(store) => store,
                Err(e) => {
                    eprintln!("gridbook: cannot open {}: {e}", dir.display());
                    app.manage(Unopened(AppError::unopened(&dir, e)));
                    return Ok(());
                }
            };
            start(app.handle(), store)?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::villages,
            commands::list_households,
            commands::search_persons,
            commands::household_detail,
            commands::reveal,
            commands::person_to_edit,
            commands::household_to_edit,
            commands::add_household,
            commands::add_person,
            commands::set_person,
            commands::set_household,
            commands::verify_household,
            duplicates::duplicates,
            duplicates::merge_preview,
            duplicates::merge_person,
            duplicates::unmerge_person,
            duplicates::merged_persons,
            duplicates::dismiss_duplicate,
            duplicates::restore_duplicate,
            duplicates::dismissed_duplicates,
            commands::record_history,
            commands::list_conflicts,
            commands::resolve_conflict,
            commands::reveal_choice,
            commands::resolve_choice,
            commands::coverage,
            commands::check_field,
            commands::settings_get,
            commands::set_device_name,
            commands::set_language,
            commands::enroll,
            commands::sync_now,
            commands::refused_edits,
            commands::discard_refused,
            commands::quarantine,
            commands::policies,
            commands::add_policy,
            commands::set_policy,
            commands::due_list,
            commands::cases,
            commands::case_detail,
            commands::start_case,
            commands::record_check,
            commands::record_test,
            commands::close_referral,
            commands::release_case,
            commands::close_case,
            commands::checkpoints,
            commands::add_checkpoint,
            commands::checkpoint_today,
            commands::entries,
            commands::match_residents,
            commands::preview_entry,
            commands::add_entry,
            commands::shift_start,
            commands::shift_handover,
            commands::check_pass,
            commands::rules,
            commands::set_rules,
            commands::set_shift_plan,
            commands::issue_pass,
            commands::passes,
            commands::pass_qr,
            township::overview,
            township::persons_listed,
            township::follow_ups,
            township::township_info,
            township::set_township_info,
            township::report_status,
            township::report_rollup,
            township::report_figures,
            township::report_submit,
            township::report_text,
            township::village_add,
            township::village_rename,
            township::group_add,
            township::group_rename,
            lock::lock_status,
            lock::unlock,
            lock::recover,
            lock::set_pin,
            lock::new_recovery_code,
            lock::set_lock_idle,
            lock::require_pin,
            devices::enroll_code,
            devices::devices_list,
            devices::device_add,
            devices::device_revoke,
            files::export_file,
            files::print_notice,
            files::print_certificate,
            files::exports_log,
            tasks::tasks_list,
            tasks::task_close,
            tasks::tasks_import,
            tasks::tasks_preview,
            tasks::task_assign,
            tasks::tasks_export,
            roster::roster_check,
            roster::roster_report,
            roster::roster_import,
            roster::roster_cancel,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("gridbook: {e}");
        std::process::exit(1);
    }
}
