//! Arguments of the isolation commands: policies, cases, checks and tests.

use std::path::PathBuf;

use clap::Subcommand;

/// Policy commands.
#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Built-in and township policies.
    List,
    /// The built-in policies as shipped, as `list` shows them before the township edits any,
    /// with no store.
    Builtin,
    /// Add a policy from a JSON file.
    Add {
        /// The policy as JSON (the shape `policy list --json` shows under `spec`).
        #[arg(long)]
        file: PathBuf,
    },
    /// Check a policy as `add` and `set` would, with no store: reads the policy as JSON and
    /// prints it as kept, or exits 2 with its first problem.
    Check {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
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
        /// Only the cases of this group (组): those whose household is in it.
        #[arg(long)]
        group: Option<String>,
        /// Only the cases of this village.
        #[arg(long)]
        village: Option<String>,
        /// Only open cases in this kind of isolation on --date: centralized, home-isolation,
        /// home-monitoring, daily-monitoring (or their labels), or none (outside every phase).
        #[arg(long)]
        kind: Option<String>,
        /// The day --kind is read on (YYYY-MM-DD); today if absent.
        #[arg(long)]
        date: Option<String>,
        /// Only the cases counted under 升级: escalated or referred.
        #[arg(long)]
        escalation: bool,
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
    /// Whether a case could be released, with no store: reads {"policy", "start", "on",
    /// "tests"?, "checks"?, "open_escalation"?, "reason"?, "person_name"?, "id_number"?} as
    /// JSON and prints whether it is releasable with the certificate data release issues, else
    /// the refusal's codes and reasons.
    #[command(name = "release-check")]
    ReleaseCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
    },
    /// What is due on a day for cases, with no store: reads {"date", "now", "cases":
    /// [{"policy", "start", "checks"?, "tested"?}]} as JSON and prints per case the phase of
    /// the day, the last day and the day's checks and tests with their status at `now`, as
    /// `due` lists them.
    #[command(name = "due-check")]
    DueCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
    },
    /// Cases on a day, with no store: reads {"on", "cases": [{"id"?, "policy", "start",
    /// "escalated"?}]} as JSON and prints per case its last day and dated phases as `case
    /// show` gives them, and its control state on `on` as the checkpoint's `match` shows it.
    #[command(name = "state-check")]
    StateCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
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
    /// Checks' forms read as `record` would, with no store: reads {"checks": [{"fever_tenths",
    /// "form": {"case_id", "temp", "symptoms"?, "method", "at"?}}]} as JSON and prints, per
    /// check, the values as kept and whether it escalates the case, and why.
    Review {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
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
    /// A sample read as `record` would, with no store: reads {"date", "result"} as JSON and
    /// prints it as kept and whether it escalates the case, and why.
    Review {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: PathBuf,
    },
}
