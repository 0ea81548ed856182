//! gridbook: the command line of township staff and relay operators.
//!
//! Every feature can be exercised here without a window. Names, JSON shapes and exit codes are
//! a contract that scripts rely on (exit codes: 0 ok, 2 invalid input with nothing
//! written, 3 refused, 1 anything else). This binary may depend on every library crate of
//! gridbook except the tauri shell.

/// mimalloc, not the C library's allocator: Automerge's many small, short-lived allocations
/// made glibc's malloc a third of an import's CPU time (bench-import, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod case_rules;
mod checkpoint;
mod checkpoint_rules;
mod due_check;
mod duplicate_check;
mod enroll_code;
mod export;
mod field_check;
mod import;
mod isolation;
mod judge;
mod lock;
mod masking;
mod output;
mod person_merge;
mod quarantine;
mod records;
mod relay_ops;
mod relay_pg;
mod relay_tls;
mod release_check;
mod reports;
mod state_check;
mod sync_cmds;
mod tasks;
mod township;
mod unit_lists;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Lang};
use output::Failure;

fn main() -> ExitCode {
    let raw: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args: Vec<String> = raw
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match Cli::try_parse_from(&raw) {
        Ok(c) => c,
        Err(e) => return bad_args(e, &args),
    };
    let (json, lang) = (cli.json, cli.lang);
    finish(run(cli), json, lang)
}

/// Runs one command: the pure rule commands (no store) here, everything else in `records`.
fn run(cli: Cli) -> Result<(), Failure> {
    use args::{CaseCmd, CheckCmd, Cmd, PersonCmd, PolicyCmd, TestCmd};
    use checkpoint::{PassCmd, RulesCmd, ShiftCmd};
    let json = cli.json;
    match &cli.cmd {
        Cmd::Case(CaseCmd::DueCheck { input }) => due_check::run_due_check(input, json),
        Cmd::Case(CaseCmd::StateCheck { input }) => state_check::run_state_check(input, json),
        Cmd::Person(PersonCmd::DuplicateCheck { input }) => {
            duplicate_check::run_duplicate_check(input, json)
        }
        Cmd::Policy(PolicyCmd::Check { input }) => case_rules::run_policy_check(input, json),
        Cmd::Policy(PolicyCmd::Builtin) => state_check::run_policy_builtin(json),
        Cmd::Rules(RulesCmd::Builtin) => state_check::run_rules_builtin(json),
        Cmd::Pass(PassCmd::Qr { input }) => checkpoint_rules::run_pass_qr(input, json),
        Cmd::Check(CheckCmd::Review { input }) => case_rules::run_check_review(input, json),
        Cmd::Test(TestCmd::Review { input }) => case_rules::run_test_review(input, json),
        Cmd::Pass(PassCmd::IssueCheck { input }) => checkpoint_rules::run_issue_check(input, json),
        Cmd::Pass(PassCmd::Verify { input }) => checkpoint_rules::run_pass_verify(input, json),
        Cmd::Shift(ShiftCmd::Judge { input }) => checkpoint_rules::run_shift_judge(input, json),
        _ => records::run(cli),
    }
}

fn finish(result: Result<(), Failure>, json: bool, lang: Lang) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            report(&f, json, lang);
            ExitCode::from(f.code)
        }
    }
}

/// Bad flags are invalid input like any other: exit 2, in the requested format (`--help` and
/// `--version` print and succeed).
fn bad_args(e: clap::Error, args: &[String]) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let json = args.iter().any(|a| a == "--json");
    let en = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en");
    let detail = e.render().to_string();
    let first = detail
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    use clap::error::ErrorKind as K;
    let what = match e.kind() {
        K::UnknownArgument => "未知参数",
        K::MissingRequiredArgument => "缺少必填参数",
        K::InvalidValue | K::ValueValidation => "参数值无效",
        K::InvalidSubcommand | K::MissingSubcommand => "未知或缺少子命令",
        K::ArgumentConflict => "参数不能同时使用",
        _ => "命令行参数有误",
    };
    let f = Failure::invalid(format!("{what}（{first}）"), first.clone());
    report(&f, json, if en { Lang::En } else { Lang::Zh });
    if !json {
        eprintln!("{}", detail.trim_end());
    }
    ExitCode::from(2)
}

fn report(f: &Failure, json: bool, lang: Lang) {
    if json {
        eprintln!("{}", serde_json::json!({ "error": f.to_json() }));
    } else {
        let prefix = if lang == Lang::En { "error" } else { "错误" };
        eprintln!("{prefix}: {}", f.message(lang));
    }
}
