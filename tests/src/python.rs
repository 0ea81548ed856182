//! Files read back by Python programs (openpyxl for spreadsheets, the csv module), readers that
//! are not ours. Debian's python3-openpyxl is on the path of the system's python3
//! (`/usr/bin/python3`), which a pyenv or venv python3 earlier on PATH would not see.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Runs the Python program `program` with `args`; its stdout is one JSON value, returned.
/// Panics with Python's stderr when it fails.
pub fn python_json(program: &str, args: &[&Path]) -> Value {
    let exe = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let out = Command::new(exe)
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("python3 (scripts/setup.sh installs python3-openpyxl)");
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python printed JSON")
}
