//! `ui/src/generated/types.ts` holds the TypeScript declarations of the Rust types the app's
//! commands return and accept, generated with ts-rs (each crate's `ts` feature). This test
//! builds the file from the list below and fails when the committed one differs; run
//! `GRIDBOOK_WRITE_TS=1 cargo test -p gridbook-tests --test ts_types` to rewrite it.

use std::path::PathBuf;

use ts_rs::{Config, TS};

const REGENERATE: &str = "GRIDBOOK_WRITE_TS=1 cargo test -p gridbook-tests --test ts_types";

/// Appends `export type …` of `T` with its doc comment.
fn decl<T: TS + ?Sized>(cfg: &Config, out: &mut String) {
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str(&tidy(&format!("export {}", T::decl(cfg))));
    out.push_str("\n\n");
}

/// An object type one member a line, indented: ts-rs writes `type T = { ` and then each
/// member as its doc comment and `name: type, `, the last one closing with `};`. A
/// declaration of another form is left as it is.
fn tidy(decl: &str) -> String {
    let mut lines = decl.lines();
    let Some(head) = lines.next().filter(|l| l.ends_with("= { ")) else {
        return decl.to_owned();
    };
    let mut out = vec![head.trim_end().to_owned()];
    for line in lines {
        let doc = line == "/**" || line.starts_with(" * ") || line == " *" || line == " */";
        if doc {
            out.push(format!("  {line}"));
        } else if let Some(member) = line.strip_suffix(", };") {
            out.push(format!("  {member};"));
            out.push("};".to_owned());
        } else if let Some(member) = line.strip_suffix(", ") {
            out.push(format!("  {member};"));
        } else {
            return decl.to_owned();
        }
    }
    out.join("\n")
}

macro_rules! section {
    ($cfg:expr, $out:expr, $title:literal: $($t:ty),+ $(,)?) => {
        $out.push_str(concat!("// ---- ", $title, "\n\n"));
        $(decl::<$t>($cfg, $out);)+
    };
}

/// The whole file.
fn generated() -> String {
    // Every integer the app exchanges (counts, sizes, milliseconds, seconds since the epoch)
    // is far below 2^53: a JSON number, not a bigint.
    let cfg = &Config::new().with_large_int("number");
    let mut out = format!(
        "// Generated from the Rust types by tests/tests/ts_types.rs: do not edit.\n\
         // Regenerate with `{REGENERATE}`.\n\n"
    );
    let out = &mut out;
    use gridbook_domain as d;
    use gridbook_store as s;
    use gridbook_sync as y;
    section!(cfg, out, "The device":
        s::app::AppStatus, s::app::Settings, y::identity::Hello, y::SyncStats,
        y::background::SyncStatus, y::refusals::RefusedEdit, s::Unacknowledged,
        s::DiscardedRecord, s::owner::QuarantineRow);
    section!(cfg, out, "Grid and ledger":
        s::VillageRow, s::GroupRow, s::Named, s::TownshipInfo, s::HouseholdRow, s::PersonRow,
        s::HouseholdDetail, s::HouseholdPage, s::CoverageRow, s::Hit, s::NewPerson,
        s::NewHousehold, s::HouseholdAdded, s::PersonAdded, s::Changed, s::Verified,
        s::app::FieldCheck,
        s::HistoryEntry, s::ConflictRow, s::Duplicate, s::DuplicateReason, s::Dismissed,
        s::MergePreview, s::PersonMerged, s::PersonUnmerged, s::PairDismissed,
        s::PairRestored, d::Gender, d::IdKind, d::Relation, d::Residency, d::RiskTag,
        d::Vulnerable, d::TestResult);
    section!(cfg, out, "Isolation follow-ups":
        s::IsolationRow, s::DueRow, s::CaseRow, s::CaseDetail, s::CasePhase, s::CaseVisit,
        s::CaseTest, s::CaseReferral, s::CaseEntry, s::PolicyRow, d::isolation::Policy, d::isolation::Phase,
        d::isolation::PhaseKind, d::isolation::Window, d::isolation::ReleaseRule,
        d::isolation::Certificate, d::isolation::TestLine, d::isolation::SlotKind,
        d::isolation::SlotStatus, d::isolation::CaseStatus, s::forms::CaseForm,
        s::forms::TeamForm, s::forms::CheckForm, s::forms::FollowUpOutcome);
    section!(cfg, out, "Checkpoints":
        s::CheckpointRow, d::checkpoint::ShiftPlan, d::checkpoint::Shift, s::ShiftTimes,
        s::ShiftRow, s::ShiftNow, s::CheckpointDay, s::DayCounts, s::EntryRow,
        s::forms::EntryForm, s::forms::EntryPreview, s::EntryResult, d::checkpoint::Reason,
        d::checkpoint::Decision, d::checkpoint::Direction, d::checkpoint::HealthCode,
        d::checkpoint::DecisionRules, d::checkpoint::RiskArea, d::checkpoint::RiskLevel,
        s::PassRow, s::PassUseRow, s::ExcludedMember);
    section!(cfg, out, "Township: overview, daily reports, tasks, devices, files":
        s::Overview, s::OverviewVillage, s::OverviewGroup, s::CheckpointCounts,
        s::RiskPersonRow, s::PersonQuery,
        d::report::ReportState, d::report::Level, s::ReportStatus, s::Rollup, s::RollupVillage,
        s::RollupTotals, d::report::Figures, s::FiguresPreview, s::Submitted, s::TaskRow,
        d::task::Outcome, s::Answered, s::TaskImport, s::ImportedRow, s::MatchBy,
        gridbook_import::ImportedList, gridbook_import::ListColumn,
        gridbook_import::ListPreview, gridbook_import::ColumnChoice, gridbook_import::Report,
        gridbook_import::ReportRow, gridbook_import::HeadRow, gridbook_import::Summary,
        gridbook_import::RefusedRow, gridbook_import::Difference, gridbook_import::RowStatus,
        gridbook_import::PersonAction, gridbook_import::Progress, s::TaskAssigned,
        y::enrollment::ListedDevice, y::enrollment::NewDevice, gridbook_export::Form,
        gridbook_export::Outcome, s::ExportRecord, gridbook_print::Printed);
    out.truncate(out.trim_end().len());
    out.push('\n');
    std::mem::take(out)
}

#[test]
fn generated_types_match_the_rust_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated/types.ts");
    let want = generated();
    if std::env::var_os("GRIDBOOK_WRITE_TS").is_some() {
        std::fs::write(&path, &want).expect("write ui/src/generated/types.ts");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
        panic!(
            "ui/src/generated/types.ts differs from the Rust types (first at line {}); \
             regenerate it with `{REGENERATE}`",
            line + 1
        );
    }
}
