//! Arguments of the grid and ledger commands: villages, groups, households, persons.

use clap::Subcommand;

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
        /// Only this group (组).
        #[arg(long)]
        group: Option<String>,
    },
    /// One household with its residents. In JSON, ID numbers and phones in full for a role
    /// that may see the village, each recorded as a reveal in this device's log (masked for
    /// any other role); for people, masked as the app's card shows them (`gridbook reveal`
    /// shows one value in full).
    Show {
        /// Household id.
        id: String,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
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
    /// Persons carrying a risk tag (any, or --tag) or a 七类人 category (--vulnerable), of a
    /// village or group; ID numbers and phones masked.
    List(crate::unit_lists::PersonListArgs),
    /// One person, its ID number and phone as `household show` gives them.
    Show {
        /// Person id.
        id: String,
        /// Masked ID number and phone in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
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
    /// Pairs that look like one person, with no store: reads {"persons": [{"id", "name",
    /// "id_number", "birth_date", "phone"}], "dismissed"?: [[a, b]]} as JSON and prints the
    /// pairs as `duplicates --json` does.
    #[command(name = "duplicate-check")]
    DuplicateCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
}
