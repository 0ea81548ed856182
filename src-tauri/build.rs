//! Builds the Tauri context (configuration, capabilities, icons).
fn main() {
    tauri_build::build()
}
