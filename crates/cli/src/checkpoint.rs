//! The "Checkpoints" commands: checkpoints, entries, shifts, passes, decision rules, and
//! matching what a volunteer types against the village's ledger.

use chrono::{NaiveDate, NaiveDateTime};
use clap::Subcommand;
use gridbook_domain::checkpoint::{
    pass_qr_svg, Decision, DecisionRules, Direction, EntryInput, ShiftPlan,
};
use gridbook_store::{NewEntry, Store};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, t, Failure};

type R = Result<(), Failure>;

/// Checkpoint commands.
#[derive(Debug, Subcommand)]
pub enum CheckpointCmd {
    /// Add a checkpoint to a village.
    Add {
        /// Village id.
        #[arg(long)]
        village: String,
        /// Name, e.g. 村口卡点.
        #[arg(long)]
        name: String,
        /// Where it is.
        #[arg(long)]
        place: Option<String>,
        /// Shifts, e.g. 00:00-08:00,08:00-16:00,16:00-00:00 (default: three 8-hour shifts).
        #[arg(long)]
        shifts: Option<String>,
        /// Staff per shift (default 2).
        #[arg(long)]
        staff_per_shift: Option<u32>,
    },
    /// List checkpoints.
    List,
    /// Set a checkpoint's shift plan.
    Shifts {
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Shifts, e.g. 06:00-12:00,12:00-18:00,18:00-00:00,00:00-06:00.
        #[arg(long)]
        shifts: String,
        /// Staff per shift.
        #[arg(long, default_value_t = 2)]
        staff_per_shift: u32,
    },
    /// The township's rules applied to what is known of a form, with no store: reads
    /// {"rules", "form", "isolation"?, "at"?} as JSON and prints the suggestion, the choices
    /// needing a note and whether the temperature is a fever.
    Judge {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
}

/// Entry commands.
#[derive(Debug, Subcommand)]
pub enum EntryCmd {
    /// Record a person crossing; prints the decision and its reasons.
    Add(Box<EntryArgs>),
    /// Entries of a checkpoint on a day, in the same order on every device. ID numbers and
    /// phones as `search` gives them.
    List {
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Masked ID numbers and phones in JSON too: nothing is revealed or recorded.
        #[arg(long)]
        masked: bool,
    },
}

/// The entry form.
#[derive(Debug, clap::Args)]
pub struct EntryArgs {
    /// Checkpoint id.
    #[arg(long)]
    checkpoint: String,
    /// in or out (进/出).
    #[arg(long)]
    direction: String,
    /// The person's name as on the ID document.
    #[arg(long)]
    name: String,
    /// ID document number (not needed with --person).
    #[arg(long, required_unless_present = "person")]
    id_number: Option<String>,
    /// The ledger resident crossing, by person id (as `match` lists it): the ID number is
    /// taken from the ledger. Refused unless a person of the checkpoint's village.
    #[arg(long)]
    person: Option<String>,
    /// The person's mobile phone.
    #[arg(long)]
    phone: Option<String>,
    /// Vehicle plate, e.g. 京A12345.
    #[arg(long)]
    plate: Option<String>,
    /// Temperature in °C.
    #[arg(long)]
    temp: String,
    /// Health code colour: green, yellow or red.
    #[arg(long)]
    code: String,
    /// Travel in the last 14 days.
    #[arg(long)]
    travel: Option<String>,
    /// 户口所在地.
    #[arg(long)]
    hukou: Option<String>,
    /// 常住地.
    #[arg(long)]
    residence: Option<String>,
    /// 事由.
    #[arg(long)]
    purpose: Option<String>,
    /// Risk areas ticked from the list, comma-separated.
    #[arg(long)]
    areas: Option<String>,
    /// The volunteer's decision when not the suggestion: allow, turn-back or observe.
    #[arg(long)]
    decision: Option<String>,
    /// Why (required to decide less strictly than suggested).
    #[arg(long)]
    note: Option<String>,
    /// Who decided (defaults to the staff signed in).
    #[arg(long)]
    volunteer: Option<String>,
    /// Temporary pass number.
    #[arg(long)]
    pass: Option<String>,
    /// When, YYYY-MM-DDTHH:MM (default now).
    #[arg(long)]
    at: Option<String>,
}

/// Shift commands.
#[derive(Debug, Subcommand)]
pub enum ShiftCmd {
    /// Sign in to the shift on duty now.
    Start {
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Names, comma-separated.
        #[arg(long)]
        staff: String,
    },
    /// Hand the shift on duty over with a note.
    Handover {
        /// Checkpoint id.
        #[arg(long)]
        checkpoint: String,
        /// Handover note.
        #[arg(long)]
        note: String,
    },
    /// A shift plan and the shift on at a time, with no store: reads {"shifts": [{"start",
    /// "end"}], "staff_per_shift", "at"?, "staff"?, "note"?} as JSON and prints the plan as
    /// kept, the shift on duty, and the sign-in of `staff` or the handover of `note` at `at`.
    Judge {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
}

/// Pass commands.
#[derive(Debug, Subcommand)]
pub enum PassCmd {
    /// Issue a pass to a household for a window.
    Issue {
        /// Household id.
        #[arg(long)]
        household: String,
        /// Start, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        from: String,
        /// End, YYYY-MM-DDTHH:MM.
        #[arg(long)]
        to: String,
        /// Also write the pass's QR code to this SVG file.
        #[arg(long)]
        qr: Option<std::path::PathBuf>,
    },
    /// The passes of a household, with their uses.
    List {
        /// Household id.
        #[arg(long)]
        household: String,
    },
    /// Check a pass now; exit 3 with the reason if it is refused.
    Check {
        /// Pass number.
        number: String,
        /// out (a use) or in (coming back).
        #[arg(long, default_value = "out")]
        direction: String,
        /// ID number of the person (needed to come back in).
        #[arg(long, default_value = "")]
        id_number: String,
    },
    /// Issue a pass as `issue` would, with no store: reads {"from", "to", "issued_by"?} as
    /// JSON and prints the pass with a fresh number, or exits 2 with the window's problem.
    #[command(name = "issue-check")]
    IssueCheck {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
    /// A pass number read as typed or scanned and, with a crossing, whether the person may
    /// cross on that pass, with no store: reads {"number", "crossing"?: {"valid_from",
    /// "valid_to", "at", "direction", "id_number", "uses"}} as JSON.
    Verify {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
    /// A pass's QR code as the app shows it, with no store: reads {"number"} (as typed or
    /// scanned) as JSON and prints the SVG document.
    Qr {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        input: std::path::PathBuf,
    },
}

/// Rules commands.
#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Show the rules in force.
    Show,
    /// The work plan's rules, as `show` shows them before the township sets any, with no
    /// store.
    Builtin,
    /// Replace the rules from a JSON file (township staff).
    Set {
        /// JSON file.
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Check rules as `set` would, with no store: prints them, or exits 2 with the first
    /// problem.
    Check {
        /// JSON file, or - for stdin.
        #[arg(long, default_value = "-")]
        file: std::path::PathBuf,
    },
}

fn parse_time(s: &str) -> Result<NaiveDateTime, Failure> {
    Ok(gridbook_store::forms::parse_time("at", s)?)
}

/// A shift plan from `--shifts` (default: the three 8-hour shifts) and `--staff-per-shift`.
fn shift_plan(shifts: Option<&str>, staff: u32) -> Result<ShiftPlan, Failure> {
    let text = shifts.unwrap_or("00:00-08:00,08:00-16:00,16:00-00:00");
    ShiftPlan::parse_list(text, staff).map_err(|errors| {
        store_err(errors.into_iter().next().unwrap_or_else(|| {
            gridbook_domain::FieldError::new(
                "shifts",
                "invalid",
                "班次设置无效",
                "invalid shift plan",
            )
        }))
    })
}

fn store_err(e: gridbook_domain::FieldError) -> Failure {
    Failure::from(gridbook_store::StoreError::from(e))
}

/// Runs `checkpoint …`.
pub fn checkpoint(store: &Store, cmd: &CheckpointCmd, json: bool, lang: Lang) -> R {
    match cmd {
        // Run before a store is opened (records::run); here for completeness only.
        CheckpointCmd::Judge { input } => crate::judge::run_judge(input, json, lang)?,
        CheckpointCmd::Add {
            village,
            name,
            place,
            shifts,
            staff_per_shift,
        } => {
            let plan = match (shifts, staff_per_shift) {
                (None, None) => None,
                (shifts, staff) => Some(shift_plan(shifts.as_deref(), staff.unwrap_or(2))?),
            };
            let id = store.add_checkpoint_with(village, name, place.as_deref(), plan.as_ref())?;
            emit(json, &json!({ "id": id }), || id.clone());
        }
        CheckpointCmd::Shifts {
            checkpoint,
            shifts,
            staff_per_shift,
        } => {
            let plan = shift_plan(Some(shifts), *staff_per_shift)?;
            let row = store.set_shift_plan(checkpoint, &plan)?;
            emit(json, &row, || {
                let shifts: Vec<String> = row
                    .shift_plan
                    .shifts
                    .iter()
                    .map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M")))
                    .collect();
                format!("{} × {}", shifts.join(","), row.shift_plan.staff_per_shift)
            });
        }
        CheckpointCmd::List => {
            let rows = store.checkpoints()?;
            emit(json, &rows, || {
                if rows.is_empty() {
                    return t(lang, "还没有卡口", "no checkpoints yet");
                }
                let line = |c: &gridbook_store::CheckpointRow| {
                    format!("{}  {}  {}", c.id, c.name, c.place.as_deref().unwrap_or(""))
                };
                rows.iter().map(line).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}

/// Runs `entry …`.
pub fn entry(store: &Store, cmd: &EntryCmd, json: bool, lang: Lang) -> R {
    match cmd {
        EntryCmd::Add(a) => {
            let at = a.at.as_deref().map(parse_time).transpose()?;
            let decision = a
                .decision
                .as_deref()
                .map(Decision::parse)
                .transpose()
                .map_err(store_err)?;
            let areas = a.areas.as_deref().unwrap_or_default();
            let input = EntryInput {
                at: at.unwrap_or_default(),
                direction: a.direction.clone(),
                name: a.name.clone(),
                id_kind: None,
                id_number: a.id_number.clone().unwrap_or_default(),
                hukou_place: a.hukou.clone().unwrap_or_default(),
                residence: a.residence.clone().unwrap_or_default(),
                phone: a.phone.clone().unwrap_or_default(),
                plate: a.plate.clone().unwrap_or_default(),
                temperature: a.temp.clone(),
                health_code: a.code.clone(),
                travel: a.travel.clone().unwrap_or_default(),
                declared_areas: areas
                    .split([',', '，', '、'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                purpose: a.purpose.clone().unwrap_or_default(),
            };
            let r = store.add_entry(&NewEntry {
                checkpoint: a.checkpoint.clone(),
                input,
                at_now: at.is_none(),
                decision,
                note: a.note.clone(),
                volunteer: a.volunteer.clone(),
                pass: a.pass.clone(),
                person: a.person.clone(),
            })?;
            let v = json!({
                "entry_id": r.entry_id,
                "decision": r.decision.code(),
                "suggested": r.suggested.code(),
                "reasons": r.reasons,
                "person_id": r.person_id,
                "isolation": r.isolation,
            });
            emit(json, &v, || {
                let why: Vec<&str> = r.reasons.iter().map(|x| x.zh.as_str()).collect();
                match lang {
                    Lang::Zh => format!("{}  {}", r.decision.zh(), why.join("；")),
                    Lang::En => format!("{}  {}", r.decision.en(), r.reasons.len()),
                }
            });
        }
        EntryCmd::List {
            checkpoint,
            date,
            masked,
        } => {
            let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| {
                Failure::invalid(
                    format!("日期“{date}”应为 YYYY-MM-DD"),
                    format!("date '{date}' must be YYYY-MM-DD"),
                )
            })?;
            let rows = store.entries_shown(checkpoint, day, json && !masked)?;
            emit(json, &rows, || {
                let line = |e: &gridbook_store::EntryRow| {
                    let hm = e.at.get(11..16).unwrap_or_default();
                    format!(
                        "{hm}  {}  {}  {}  {}",
                        e.direction, e.name, e.temperature, e.decision
                    )
                };
                rows.iter().map(line).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}

/// Runs `shift …`.
pub fn shift(store: &Store, cmd: &ShiftCmd, json: bool) -> R {
    let row = match cmd {
        ShiftCmd::Start { checkpoint, staff } => {
            let names: Vec<&str> = staff
                .split([',', '，', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            store.shift_start(checkpoint, &names)?
        }
        ShiftCmd::Handover { checkpoint, note } => store.shift_handover(checkpoint, note)?,
        // Run before a store is opened (main); here for completeness only.
        ShiftCmd::Judge { input } => return crate::checkpoint_rules::run_shift_judge(input, json),
    };
    emit(json, &row, || {
        format!("{} {} {}", row.date, row.index + 1, row.staff)
    });
    Ok(())
}

/// Runs `pass …`.
pub fn pass(store: &Store, cmd: &PassCmd, json: bool, lang: Lang) -> R {
    match cmd {
        PassCmd::Issue {
            household,
            from,
            to,
            qr,
        } => {
            let pass = store.issue_pass(household, from, to)?;
            if let Some(path) = qr {
                std::fs::write(path, pass_qr_svg(&pass.number))?;
            }
            let out = json!({
                "pass_id": pass.id,
                "number": pass.number,
                "payload": pass.payload,
                "valid_from": pass.valid_from,
                "valid_to": pass.valid_to,
                "excluded": pass.excluded,
            });
            emit(json, &out, || {
                if pass.excluded.is_empty() {
                    return pass.number.clone();
                }
                let who: Vec<String> = pass
                    .excluded
                    .iter()
                    .map(|m| match lang {
                        Lang::Zh => format!("{}（{}）", m.name, m.isolation.label),
                        Lang::En => format!("{} ({})", m.name, m.isolation.label_en),
                    })
                    .collect();
                match lang {
                    Lang::Zh => format!(
                        "{}\n本户有人在管控中，通行证不含：{}",
                        pass.number,
                        who.join("、")
                    ),
                    Lang::En => format!(
                        "{}\nmembers under control, not covered by the pass: {}",
                        pass.number,
                        who.join(", ")
                    ),
                }
            });
        }
        PassCmd::List { household } => {
            let passes = store.passes(household)?;
            emit(json, &passes, || {
                if passes.is_empty() {
                    return t(lang, "本户还没有通行证", "no passes for this household");
                }
                let line = |p: &gridbook_store::PassRow| {
                    format!(
                        "{}  {} – {}  {}",
                        p.number,
                        p.valid_from,
                        p.valid_to,
                        p.uses.len()
                    )
                };
                passes.iter().map(line).collect::<Vec<_>>().join("\n")
            });
        }
        PassCmd::Check {
            number,
            direction,
            id_number,
        } => {
            let direction = Direction::parse(direction).map_err(store_err)?;
            match store.check_pass(number, direction, id_number.trim())? {
                Ok(()) => emit(json, &json!({ "ok": true }), || {
                    t(lang, "通行证有效", "pass valid")
                }),
                Err(refusal) => {
                    return Err(Failure::from(gridbook_store::StoreError::Refused {
                        code: refusal.code().to_owned(),
                        zh: refusal.zh(),
                        en: refusal.en(),
                    }))
                }
            }
        }
        // Run before a store is opened (main); here for completeness only.
        PassCmd::IssueCheck { input } => crate::checkpoint_rules::run_issue_check(input, json)?,
        PassCmd::Verify { input } => crate::checkpoint_rules::run_pass_verify(input, json)?,
        PassCmd::Qr { input } => crate::checkpoint_rules::run_pass_qr(input, json)?,
    }
    Ok(())
}

/// Runs `rules …`.
pub fn rules(store: &Store, cmd: &RulesCmd, json: bool) -> R {
    match cmd {
        RulesCmd::Show => {
            let r = store.rules()?;
            emit(json, &r, || {
                serde_json::to_string_pretty(&r).unwrap_or_default()
            });
        }
        RulesCmd::Set { file } => {
            let text = std::fs::read_to_string(file)?;
            let r: DecisionRules = serde_json::from_str(&text).map_err(|e| {
                Failure::invalid(
                    format!("规则文件格式有误：{e}"),
                    format!("rules file is not valid: {e}"),
                )
            })?;
            store.set_rules(&r)?;
            emit(json, &json!({ "ok": true }), String::new);
        }
        // Run before a store is opened (records::run); here for completeness only.
        RulesCmd::Check { file } => crate::judge::run_rules_check(file, json)?,
        RulesCmd::Builtin => crate::state_check::run_rules_builtin(json)?,
    }
    Ok(())
}

/// What `match` was asked.
pub struct Match<'a> {
    pub text: &'a str,
    pub checkpoint: &'a str,
    pub limit: usize,
    pub masked: bool,
}

/// Runs `match`.
pub fn matches(store: &Store, m: &Match<'_>, json: bool) -> R {
    let hits = store.match_shown(m.checkpoint, m.text, m.limit, json && !m.masked)?;
    emit(json, &hits, || {
        let line = |h: &gridbook_store::Hit| match &h.isolation {
            // Only the township control list knows this person: no name, no address.
            Some(i) if h.matched == "control" => {
                format!("{}  【{}】", crate::masking::id(&h.id_number), i.label)
            }
            Some(i) => format!(
                "{}  {}  {}  【{}】",
                h.person_id, h.name, h.address, i.label
            ),
            None => format!("{}  {}  {}", h.person_id, h.name, h.address),
        };
        hits.iter().map(line).collect::<Vec<_>>().join("\n")
    });
    Ok(())
}
