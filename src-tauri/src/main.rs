//! The desktop entry point of the gridbook app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc, not the C library's allocator: Automerge's many small, short-lived allocations
/// made glibc's malloc a third of an import's CPU time (bench-import, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // WebKitGTK's accelerated compositing costs the web process about 70 MiB on a township
    // laptop without a usable GPU and gains nothing for a page of lists and forms (measured
    // with bench-app, docs/benchmarks.md). Whoever sets the variable keeps their choice.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    gridbook_app::run();
}
