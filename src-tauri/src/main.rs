//! The desktop entry point of the gridbook app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gridbook_app::run();
}
