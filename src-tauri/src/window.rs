//! The window's size by role. The shell opens at a phone's size, the size of the field's
//! devices; a township device works at a desk, and its screens (总览, 报告, the registers)
//! need the wide layout, which the UI shows from [`WIDE_FROM`] CSS pixels up. A township
//! device's window is widened to a laptop's size, within its screen, when its store opens and
//! when it enrolls; a window already wide enough is left as its user made it.

use tauri::{LogicalPosition, LogicalSize, Runtime, WebviewWindow};

/// The width (CSS pixels) from which the UI shows the wide layout (`ui/src/composables.ts`).
const WIDE_FROM: f64 = 768.0;
/// The size a township device's window is given, screen permitting.
const DESK: (f64, f64) = (1280.0, 800.0);

/// Widens `window` to [`DESK`] (at most 95 % of its screen), centred on its screen, when `role`
/// works at a desk and the window is narrower than the wide layout. Sizing is a courtesy: a
/// platform that cannot resize (a phone) keeps its window.
pub(crate) fn fit<R: Runtime>(window: &WebviewWindow<R>, role: Option<&str>) {
    if role != Some("township") {
        return;
    }
    let Ok(scale) = window.scale_factor() else {
        return;
    };
    match window.inner_size() {
        Ok(size) if size.to_logical::<f64>(scale).width < WIDE_FROM => {}
        _ => return,
    }
    let (mut width, mut height) = DESK;
    let mut centred = None;
    if let Ok(Some(screen)) = window.current_monitor() {
        let scale = screen.scale_factor();
        let size = screen.size().to_logical::<f64>(scale);
        let origin = screen.position().to_logical::<f64>(scale);
        width = width.min(size.width * 0.95);
        height = height.min(size.height * 0.95);
        // From the screen's size, not the window's: a window not yet shown (at start) reports
        // a size of its own that `center` would use.
        centred = Some(LogicalPosition::new(
            origin.x + (size.width - width) / 2.0,
            origin.y + (size.height - height) / 2.0,
        ));
    }
    if window.set_size(LogicalSize::new(width, height)).is_ok() {
        if let Some(at) = centred {
            let _ = window.set_position(at);
        }
    }
}
