//! Command-line arguments: the top level here, each group of subcommands in its own module.

mod device;
mod isolation;
mod ledger;
mod relay;

pub use device::{DeviceCmd, DocCmd};
pub use isolation::{CaseCmd, CheckCmd, PolicyCmd, TestCmd};
pub use ledger::{GroupCmd, HouseholdCmd, PersonCmd, VillageCmd};
pub use relay::{PgTarget, RelayCmd, RelayDeviceCmd, RelayTlsCmd};

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Language of the output meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// 简体中文.
    #[value(name = "zh-CN", alias = "zh")]
    Zh,
    /// English (`--lang en`).
    #[value(name = "en")]
    En,
}

/// gridbook: offline-first ledger for township epidemic-control grid work.
#[derive(Debug, Parser)]
#[command(name = "gridbook", version, about)]
pub struct Cli {
    /// Data directory of this device or relay (SQLite file and settings).
    #[arg(
        long,
        global = true,
        env = "GRIDBOOK_DATA",
        default_value = "gridbook-data"
    )]
    pub data: PathBuf,
    /// Print one JSON value on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages for people.
    #[arg(long, global = true, value_enum, default_value = "zh-CN")]
    pub lang: Lang,
    /// PIN of an encrypted device store; a device store opened with it and no key file yet
    /// is encrypted with it.
    #[arg(long, global = true, env = "GRIDBOOK_PIN", hide_env_values = true)]
    pub pin: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The command to run.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Create a realistic demo township (idempotent per seed).
    Demo {
        /// Number of villages.
        #[arg(long, default_value_t = 3)]
        villages: usize,
        /// Number of households in the whole township.
        #[arg(long, default_value_t = 300)]
        households: usize,
        /// Seed: the same seed gives the same township.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the recent weeks (once per store): households checked, isolation cases
        /// at every stage, a checkpoint with today's entries and a pass.
        #[arg(long)]
        activity: bool,
    },
    /// Villages (村/社区).
    #[command(subcommand)]
    Village(VillageCmd),
    /// Groups (组/网格) of a village.
    #[command(subcommand)]
    Group(GroupCmd),
    /// Households (一户一档).
    #[command(subcommand)]
    Household(HouseholdCmd),
    /// Persons in the ledger: show and edit.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Find persons by name or part, pinyin initials, ID number or tail, phone or tail, plate.
    /// In JSON, ID numbers and phones in full for a role that may see the person's village,
    /// recorded as one reveal in this device's log (masked for any other role); for people,
    /// masked.
    Search {
        /// What to look for.
        text: String,
        /// Most results.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
    /// Import households and persons from a 一户一档 sheet (.xlsx, .xls, .csv).
    Import(crate::import::ImportArgs),
    /// Pairs of persons that look like one (疑似重复): same ID number, same name and birth
    /// date, same name and phone; pairs dismissed as not one person are not listed.
    Duplicates {
        /// List the pairs dismissed as not one person instead.
        #[arg(long)]
        dismissed: bool,
    },
    /// Households nobody verified in the last N days.
    Coverage {
        /// Households count as covered if verified within this many days.
        #[arg(long)]
        days: u32,
        /// Only this village.
        #[arg(long)]
        village: Option<String>,
        /// Only this group (组).
        #[arg(long)]
        group: Option<String>,
    },
    /// Rebuild projections from documents.
    Reindex {
        /// Only compare; exit 0 iff the rebuilt projections equal the stored ones.
        #[arg(long)]
        check: bool,
    },
    /// Field changes of a record: when, which device, old and new value. ID numbers and
    /// phones as `search` gives them.
    History {
        /// Record id.
        record_id: String,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
    /// Fields set differently on several devices. ID numbers and phones as `search` gives
    /// them.
    Conflicts {
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
    /// Pick a value for a conflict.
    Resolve {
        /// Record id.
        record_id: String,
        /// Field name.
        field: String,
        /// The value to keep.
        value: String,
    },
    /// Documents of this store.
    #[command(subcommand)]
    Doc(DocCmd),
    /// This device.
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Run and administer a relay.
    #[command(subcommand)]
    Relay(RelayCmd),
    /// Store the relay address and this device's token.
    Enroll {
        /// Relay URL, e.g. http://127.0.0.1:7878.
        #[arg(long)]
        relay: String,
        /// The device token given by `relay device add`.
        #[arg(long, required_unless_present = "code", conflicts_with = "code")]
        token: Option<String>,
        /// The one-time enrollment code given by `relay device add --code` (instead of a token).
        #[arg(long)]
        code: Option<String>,
        /// CA certificate (PEM) to trust for a relay with its own certificate.
        #[arg(long, conflicts_with = "ca_fingerprint")]
        ca: Option<PathBuf>,
        /// SHA-256 fingerprint of the township CA (`ca=` of the enrollment QR code): over
        /// https, the relay's certificate must chain to that CA, kept for later syncs.
        #[arg(long)]
        ca_fingerprint: Option<String>,
    },
    /// Sync with the relay now.
    Sync,
    /// Checkpoints (卡口) of a village.
    #[command(subcommand)]
    Checkpoint(crate::checkpoint::CheckpointCmd),
    /// 核查任务: lists pushed from above, checked by the villages, answered back.
    #[command(subcommand)]
    Tasks(crate::tasks::TasksCmd),
    /// Entries recorded at a checkpoint.
    #[command(subcommand)]
    Entry(crate::checkpoint::EntryCmd),
    /// Shifts at a checkpoint: sign-in and handover.
    #[command(subcommand)]
    Shift(crate::checkpoint::ShiftCmd),
    /// Temporary passes (临时通行证).
    #[command(subcommand)]
    Pass(crate::checkpoint::PassCmd),
    /// The township's checkpoint decision rules and risk areas.
    #[command(subcommand)]
    Rules(crate::checkpoint::RulesCmd),
    /// Checks of form fields, with no store.
    #[command(subcommand)]
    Field(FieldCmd),
    /// The township's overview of a day: per village and for the township.
    Overview(crate::reports::OverviewArgs),
    /// Daily reports (日报告/零报告).
    #[command(subcommand)]
    Report(crate::reports::ReportCmd),
    /// Residents of a checkpoint's village matching an ID tail, plate, phone tail or initials.
    /// ID numbers and phones as `search` gives them; a whole ID number typed is shown back as
    /// typed.
    Match {
        /// What was typed.
        text: String,
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Most results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
    /// Isolation policies (township staff edit them; every device reads them).
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Isolation cases (管控对象).
    #[command(subcommand)]
    Case(CaseCmd),
    /// Checks and tests due on a day, with their status now.
    Due {
        /// Day (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
        /// Only the cases of this group (组): those whose household is in it.
        #[arg(long)]
        group: Option<String>,
    },
    /// The follow-ups (随访) of a day by state, of a village or group.
    #[command(subcommand)]
    Followup(crate::unit_lists::FollowupCmd),
    /// Health checks (健康随访).
    #[command(subcommand)]
    Check(CheckCmd),
    /// Nucleic-acid tests of a case.
    #[command(subcommand)]
    Test(TestCmd),
    /// Export the ledger, cases, checks, checkpoint registers, daily reports or coverage
    /// (.xlsx or CSV).
    Export(crate::export::ExportArgs),
    /// The log of exports and printouts (who, what, when): this device's, and on a township
    /// device every device's that synced.
    #[command(name = "export-log")]
    ExportLog {
        /// The newest N entries.
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Print a case's 居家隔离公示单 or 期满证明 (PDF).
    #[command(subcommand)]
    Print(crate::export::PrintCmd),
    /// Records held back instead of projected (an id used elsewhere, a type conflict).
    Quarantine,
    /// A person's full ID number or phone, or a household's full phone, for a role that may
    /// see it (township staff, the grid worker of its village). The reveal is recorded in this
    /// device's log, which syncs to the township (which record, which field; never the value).
    Reveal {
        /// Person or household id.
        record: String,
        /// The field: `id_number` or `phone`.
        #[arg(long)]
        field: String,
    },
    /// The township's name and the reporting phone printed on its notices.
    #[command(subcommand)]
    Township(crate::township::TownshipCmd),
    /// The device store's PIN and recovery code.
    #[command(subcommand)]
    Lock(crate::lock::LockCmd),
}

/// Field commands.
#[derive(Debug, Subcommand)]
pub enum FieldCmd {
    /// Check values as the store would on a write: reads {"today"?, "fields": [{"field",
    /// "value"}]} as JSON and prints, per value, the value as kept or the reason it is
    /// refused.
    Check {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
    },
}
