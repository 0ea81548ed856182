//! gridbook: the command line of township staff and relay operators.
//!
//! Every feature can be exercised here without a window; `../shared/cli.md` in the project
//! describes the contract (names, JSON shapes, exit codes: 0 ok, 2 invalid input with nothing
//! written, 3 refused, 1 anything else). This binary may depend on every library crate of
//! gridbook except the tauri shell.

mod args;
mod output;
mod records;
mod sync_cmds;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Lang};
use output::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let (json, lang) = (cli.json, cli.lang);
    match records::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            report(&f, json, lang);
            ExitCode::from(f.code)
        }
    }
}

fn report(f: &Failure, json: bool, lang: Lang) {
    if json {
        eprintln!("{}", serde_json::json!({ "error": f.to_json() }));
    } else {
        let prefix = if lang == Lang::En { "error" } else { "错误" };
        eprintln!("{prefix}: {}", f.message(lang));
    }
}
