//! Command-line arguments.

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
    Search {
        /// What to look for.
        text: String,
        /// Most results.
        #[arg(long, default_value_t = 50)]
        limit: usize,
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
    },
    /// Rebuild projections from documents.
    Reindex {
        /// Only compare; exit 0 iff the rebuilt projections equal the stored ones.
        #[arg(long)]
        check: bool,
    },
    /// Field changes of a record: when, which device, old and new value.
    History {
        /// Record id.
        record_id: String,
    },
    /// Fields set differently on several devices.
    Conflicts,
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
        #[arg(long)]
        ca: Option<PathBuf>,
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
    /// The township's overview of a day: per village and for the township.
    Overview(crate::reports::OverviewArgs),
    /// Daily reports (日报告/零报告).
    #[command(subcommand)]
    Report(crate::reports::ReportCmd),
    /// Residents of a checkpoint's village matching an ID tail, plate, phone tail or initials.
    Match {
        /// What was typed.
        text: String,
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Most results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
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
    },
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
    /// The township's name and the reporting phone printed on its notices.
    #[command(subcommand)]
    Township(crate::township::TownshipCmd),
    /// The device store's PIN and recovery code.
    #[command(subcommand)]
    Lock(crate::lock::LockCmd),
}

/// Policy commands.
#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Built-in and township policies.
    List,
    /// Add a policy from a JSON file.
    Add {
        /// The policy as JSON (the shape `policy list --json` shows under `spec`).
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a policy (running cases keep the policy they started with).
    Set {
        /// Policy id (or a built-in policy's code).
        id: String,
        /// The policy as JSON.
        #[arg(long)]
        file: PathBuf,
    },
}

/// Case commands.
#[derive(Debug, Subcommand)]
pub enum CaseCmd {
    /// Open a case for a person of the ledger.
    Start {
        /// Person id.
        #[arg(long)]
        person: String,
        /// Policy id (or a built-in policy's code).
        #[arg(long)]
        policy: String,
        /// Day 1 (YYYY-MM-DD).
        #[arg(long)]
        start: String,
        /// home or centralized.
        #[arg(long, default_value = "home")]
        place: String,
        /// Name of the centralized site.
        #[arg(long)]
        site: Option<String>,
        /// Where the person stayed or came from (旅居地), printed on the 公示单.
        #[arg(long)]
        origin: Option<String>,
        /// Reason (risk tag code); the person's first risk tag if absent.
        #[arg(long)]
        reason: Option<String>,
        /// A 包保 team member, ROLE=NAME[:PHONE] (role: cadre, grid-worker, doctor, police,
        /// volunteer); repeatable.
        #[arg(long)]
        team: Vec<String>,
    },
    /// Cases, optionally by status.
    List {
        /// active, escalated, released, ...
        #[arg(long)]
        status: Option<String>,
    },
    /// One case with phases, visits and tests.
    Show {
        /// Case id.
        id: String,
    },
    /// Release a case (期满解除) and print the certificate data.
    Release {
        /// Case id.
        id: String,
        /// Release date; today if absent.
        #[arg(long)]
        on: Option<String>,
        /// Why the case is released despite missed follow-up days (kept on the certificate).
        #[arg(long)]
        reason: Option<String>,
    },
    /// End a case without release: transferred elsewhere or cancelled (opened by mistake).
    Close {
        /// Case id.
        id: String,
        /// transferred (转出) or cancelled (撤销).
        #[arg(long)]
        status: String,
        /// Where to, or why (required).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record the fever clinic's outcome, closing the open escalation.
    Referral {
        /// Case id.
        id: String,
        /// cleared (排除) or admitted (收治).
        #[arg(long)]
        outcome: String,
        /// What the referral is about (free text, may be empty).
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// Check commands.
#[derive(Debug, Subcommand)]
pub enum CheckCmd {
    /// Record a health check of a case.
    Record {
        /// Case id.
        case_id: String,
        /// Temperature (°C).
        #[arg(long)]
        temp: String,
        /// Symptoms, comma-separated codes or Chinese names.
        #[arg(long)]
        symptoms: Option<String>,
        /// phone, video or visit.
        #[arg(long, default_value = "phone")]
        method: String,
        /// When (YYYY-MM-DDTHH:MM); now if absent.
        #[arg(long)]
        at: Option<String>,
        /// Who made the check; this device's name if absent.
        #[arg(long)]
        by: Option<String>,
    },
}

/// Test commands.
#[derive(Debug, Subcommand)]
pub enum TestCmd {
    /// Record a sample of a case.
    Record {
        /// Case id.
        case_id: String,
        /// Sample date (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// negative, positive or pending.
        #[arg(long)]
        result: String,
    },
}

/// Relay commands.
#[derive(Debug, Subcommand)]
pub enum RelayCmd {
    /// Serve the store in --data to enrolled devices.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:7878 (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: String,
        /// TLS certificate chain (PEM).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Admin address serving /health and /metrics, e.g. 127.0.0.1:9878 (not the devices').
        #[arg(long)]
        admin: Option<String>,
        /// Log lines on stderr: text or json.
        #[arg(long, default_value = "text", env = "GRIDBOOK_LOG_FORMAT")]
        log_format: String,
        /// Log level or filter, e.g. info, debug, warn,gridbook_relay=debug (default: $GRIDBOOK_LOG, else info).
        #[arg(long)]
        log_level: Option<String>,
        /// Serve every township in this PostgreSQL database instead of the store in --data.
        #[arg(long, env = "GRIDBOOK_RELAY_POSTGRES", hide_env_values = true)]
        postgres: Option<String>,
    },
    /// Copy the relay in --data into PostgreSQL (documents, devices, sync states); safe to repeat.
    Migrate {
        /// The PostgreSQL database, e.g. postgres://gridbook@127.0.0.1/gridbook.
        #[arg(long)]
        to_postgres: String,
    },
    /// Enrolled devices.
    #[command(subcommand)]
    Device(RelayDeviceCmd),
    /// Copy the relay in --data (serving or not) into one backup file.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup file into the empty data directory --data.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Rebuild a lost relay in the empty data directory --data from a township device's data.
    Seed {
        /// The township device's data directory.
        #[arg(long)]
        from: PathBuf,
    },
}

/// Relay device commands.
#[derive(Debug, Subcommand)]
pub enum RelayDeviceCmd {
    /// Enroll a device; prints its token once.
    Add {
        /// The device's village.
        #[arg(
            long,
            conflicts_with = "township",
            required_unless_present = "township"
        )]
        village: Option<String>,
        /// The device works for the whole township.
        #[arg(long)]
        township: bool,
        /// grid-worker, volunteer, doctor or township.
        #[arg(long)]
        role: String,
        /// Name, e.g. 桂花村网格员手机.
        #[arg(long)]
        name: String,
        /// Give a one-time enrollment code (short, expires, works once) instead of the token.
        #[arg(long)]
        code: bool,
        /// How long the code works, e.g. 30m, 24h, 7d (default 24h).
        #[arg(long, requires = "code")]
        valid_for: Option<String>,
        /// The relay address devices use, put in the QR text with the code.
        #[arg(long, requires = "code")]
        relay_url: Option<String>,
        #[command(flatten)]
        pg: PgTarget,
    },
    /// List devices.
    List {
        #[command(flatten)]
        pg: PgTarget,
    },
    /// Refuse a device from now on.
    Revoke {
        /// Device id.
        device_id: String,
        #[command(flatten)]
        pg: PgTarget,
    },
}

/// The device registry in PostgreSQL rather than in --data.
#[derive(Debug, Clone, clap::Args)]
pub struct PgTarget {
    /// The PostgreSQL database of a relay serving many townships.
    #[arg(long, env = "GRIDBOOK_RELAY_POSTGRES", hide_env_values = true)]
    pub postgres: Option<String>,
    /// The device's township in that database (default: the township of --data).
    #[arg(long, requires = "postgres")]
    pub township_id: Option<String>,
}

/// Village commands.
#[derive(Debug, Subcommand)]
pub enum VillageCmd {
    /// List villages.
    List,
    /// Add a village.
    Add {
        /// Name of the new village (1–40 characters).
        #[arg(long)]
        name: String,
    },
    /// Rename a village (its id, groups and households stay).
    Rename {
        /// Village id.
        id: String,
        /// The new name (1–40 characters, not another village's).
        #[arg(long)]
        name: String,
    },
}

/// Group commands.
#[derive(Debug, Subcommand)]
pub enum GroupCmd {
    /// Add a group to a village.
    Add {
        /// Village id.
        #[arg(long)]
        village: String,
        /// Name, e.g. 三组.
        #[arg(long)]
        name: String,
    },
    /// Groups of the township, or of one village.
    List {
        /// Village id.
        #[arg(long)]
        village: Option<String>,
    },
    /// Rename a group (its id, village and households stay).
    Rename {
        /// Group id.
        id: String,
        /// The new name (1–20 characters, not another group's of the village).
        #[arg(long)]
        name: String,
    },
}

/// Household commands.
#[derive(Debug, Subcommand)]
pub enum HouseholdCmd {
    /// Add a household with its head.
    Add {
        /// Village id.
        #[arg(long)]
        village: String,
        /// Group id.
        #[arg(long)]
        group: Option<String>,
        /// Address within the village, e.g. 3组12号.
        #[arg(long)]
        address: String,
        /// Name of the head of household.
        #[arg(long)]
        head_name: String,
        /// ID number of the head.
        #[arg(long)]
        head_id: String,
        /// The household's contact phone.
        #[arg(long)]
        phone: Option<String>,
    },
    /// List households.
    List {
        /// Only this village.
        #[arg(long)]
        village: Option<String>,
    },
    /// One household with its residents.
    Show {
        /// Household id.
        id: String,
    },
    /// Record that this device checked the household today.
    Verify {
        /// Household id.
        id: String,
    },
    /// Edit fields: address, phone, group_id, head_person_id, deleted.
    Set {
        /// Household id.
        id: String,
        /// FIELD=VALUE pairs.
        #[arg(required = true)]
        edits: Vec<String>,
    },
}

/// Person commands.
#[derive(Debug, Subcommand)]
pub enum PersonCmd {
    /// Add a person to a household.
    Add {
        /// Household id.
        #[arg(long)]
        household: String,
        /// The person's name as on the ID document.
        #[arg(long)]
        name: String,
        /// ID number.
        #[arg(long)]
        id_number: String,
        /// The person's mobile phone.
        #[arg(long)]
        phone: Option<String>,
        /// Risk tags, comma-separated (密接, 次密接, 境外返乡, …).
        #[arg(long)]
        tags: Option<String>,
        /// 七类人, comma-separated (独居老人, 孕产妇, …).
        #[arg(long)]
        vulnerable: Option<String>,
        /// Relation to the head (配偶, 子女, …).
        #[arg(long)]
        relation: Option<String>,
        /// 户籍/常住/流动/租户.
        #[arg(long)]
        residency: Option<String>,
        /// Vehicle plate, e.g. 京A12345.
        #[arg(long)]
        plate: Option<String>,
    },
    /// Edit fields, e.g. phone=13800138000 tags=+密接 address=...
    Set {
        /// Person id.
        id: String,
        /// FIELD=VALUE pairs.
        #[arg(required = true)]
        edits: Vec<String>,
    },
    /// One person.
    Show {
        /// Person id.
        id: String,
    },
    /// Merge a duplicate person into another (it leaves lists; its events count there).
    Merge(crate::person_merge::MergeArgs),
    /// Undo the merge of a person.
    Unmerge {
        /// Person id (the merged one).
        id: String,
    },
    /// Mark two persons listed as 疑似重复 as not one person: the pair leaves the list on
    /// every device (`--undo`: it comes back).
    DismissDuplicate(crate::person_merge::DismissArgs),
}

/// Document commands.
#[derive(Debug, Subcommand)]
pub enum DocCmd {
    /// List documents.
    List,
    /// Write the raw Automerge bytes of one document to a file.
    Export {
        /// Document id.
        doc_id: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Device commands.
#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Show this device's name and actor id.
    Show,
    /// Rename this device.
    Rename {
        /// New name.
        name: String,
    },
}
