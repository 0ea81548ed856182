//! The plan of an import: what each row of the file becomes. The dry run shows it; the
//! import writes exactly it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use gridbook_domain::{Relation, Residency};
use gridbook_store::import::{ImportFill, ImportHousehold, ImportPerson, LedgerPerson};
use gridbook_store::{group_number, NewPerson, Store, VillageRow};
use serde::Serialize;

use crate::compare::compare;
use crate::error::{ImportError, Result};
use crate::header::{find_header, header_at, Field, Header, Overrides, HEADER_SEARCH_ROWS};
use crate::mapping::{check_positions, describe, ListColumn};
use crate::preview::{head_of, HeadRow};
use crate::read::{visit_rows, SheetRow};
use crate::rows::{parse_row, PersonRow, Refusal};
use chrono::NaiveDate;

/// How to read the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Every row goes to this village (else the file's 村（社区） column names it).
    pub village: Option<String>,
    /// Sheet of a workbook (else the first).
    pub sheet: Option<String>,
    /// Header overrides (`--map`).
    pub map: Overrides,
    /// Keep each row's cells as text, for the report sheet.
    pub keep_cells: bool,
    /// The header's row number in the file, as the person chose it (else it is found).
    pub header_row: Option<usize>,
}

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterRowStatus"))]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// Read as it was.
    Ok,
    /// Read after normalizing (the fixes say what).
    Fixed,
    /// Not imported (the refusal says why).
    Refused,
}

/// What happens to the person of a row that is not refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterAction"))]
#[serde(rename_all = "lowercase")]
pub enum PersonAction {
    /// A new person.
    Create,
    /// A ledger person whose empty fields are filled.
    Update,
    /// A ledger person the row adds nothing to (differences, if any, are listed).
    Unchanged,
}

/// One row of the file in the plan.
#[derive(Debug, Clone)]
pub struct RowPlan {
    /// Row number in the file.
    pub row: usize,
    /// Ok, fixed or refused.
    pub status: RowStatus,
    /// What was normalized, in Chinese.
    pub fixes: Vec<&'static str>,
    /// Why it was refused.
    pub refusal: Option<Refusal>,
    /// What happens to its person.
    pub action: Option<PersonAction>,
    /// The ledger person it matched.
    pub person_id: Option<String>,
    /// The row's cells as text (with [`Options::keep_cells`]).
    pub cells: Vec<String>,
}

/// A field where the file and the ledger disagree: listed, never overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterDifference"))]
pub struct Difference {
    /// Row number in the file.
    pub row: usize,
    /// Ledger person.
    pub person_id: String,
    /// Field code.
    pub field: &'static str,
    /// The ledger's value.
    pub ledger: String,
    /// The file's value.
    pub file: String,
}

/// The plan of one import.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The header's row number in the file.
    pub header_row: usize,
    /// The first rows of the sheet as text (for choosing another header row).
    pub head: Vec<HeadRow>,
    /// The header as read: each column's text and field.
    pub columns: Vec<(String, Option<Field>)>,
    /// The columns as the import screen shows them for confirmation (a column with neither a
    /// header nor a value left out).
    pub mapping: Vec<ListColumn>,
    /// Every data row.
    pub rows: Vec<RowPlan>,
    /// Households to create, and persons joining ledger households.
    pub households: Vec<ImportHousehold>,
    /// Empty ledger fields to fill.
    pub fills: Vec<ImportFill>,
    /// Disagreements with the ledger.
    pub differences: Vec<Difference>,
    /// Households the plan creates.
    pub households_added: usize,
    /// Persons the plan creates.
    pub persons_added: usize,
}

/// Where a person belongs: by 户号, else by head and address, else in file order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum HouseholdKey {
    Number(String, String),
    Head(String, String, String),
    Sequence(usize),
}

struct Accepted {
    index: usize,
    person: PersonRow,
    village: String,
    group: Option<String>,
}

/// The villages of the store, and how a row's 村 and 组 are found among them.
struct Grid {
    villages: Vec<VillageRow>,
    forced: Option<String>,
}

impl Grid {
    fn village(&self, name: &str) -> std::result::Result<&VillageRow, Refusal> {
        let found = match &self.forced {
            Some(id) => self.villages.iter().find(|v| v.id == *id),
            None if name.is_empty() => {
                return Err(Refusal::new("village", "缺少村（社区）"));
            }
            None => self.villages.iter().find(|v| v.name == name),
        };
        found.ok_or_else(|| Refusal::new("village", format!("未知的村（社区）：{name}")))
    }

    fn group(v: &VillageRow, name: &str) -> std::result::Result<Option<String>, Refusal> {
        if name.is_empty() {
            return Ok(None);
        }
        let number = group_number(name);
        v.groups
            .iter()
            .find(|g| g.name == name)
            .or_else(|| {
                number.and_then(|n| v.groups.iter().find(|g| group_number(&g.name) == Some(n)))
            })
            .map(|g| Some(g.id.clone()))
            .ok_or_else(|| Refusal::new("group", format!("未知的组：{name}（{}）", v.name)))
    }
}

/// Reads the file and plans it against the ledger of `store`.
pub fn plan_file(store: &Store, path: &Path, opts: &Options) -> Result<Plan> {
    township_only(store)?;
    let villages = store.villages()?;
    if let Some(v) = &opts.village {
        if !villages.iter().any(|x| x.id == *v) {
            return Err(ImportError::Village {
                zh: format!("找不到村（社区）：{v}"),
                en: format!("village not found: {v}"),
            });
        }
    }
    let grid = Grid {
        villages,
        forced: opts.village.clone(),
    };
    let today = store.now_local().date();
    let mut plan = Plan::default();
    let mut pending: Vec<SheetRow> = Vec::new();
    let mut header: Option<Header> = None;
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut place = |parsed: Parsed, plan: &mut Plan| {
        let mut rp = RowPlan {
            row: parsed.row,
            status: RowStatus::Ok,
            fixes: Vec::new(),
            refusal: None,
            action: None,
            person_id: None,
            cells: parsed.cells,
        };
        match parsed.person {
            Ok(None) => return,
            Ok(Some(p)) => {
                rp.fixes.clone_from(&p.fixes);
                let placed = grid.village(&p.village).and_then(|v| {
                    let group = Grid::group(v, &p.group)?;
                    Ok((v.id.clone(), group))
                });
                let placed = placed.and_then(|vg| match first_row_of.get(&p.id_number) {
                    Some(first) => Err(Refusal::new(
                        "id_number",
                        format!("文件内重复（与第{first}行身份证号相同）"),
                    )),
                    None => Ok(vg),
                });
                match placed {
                    Ok((village, group)) => {
                        first_row_of.insert(p.id_number.clone(), p.row);
                        accepted.push(Accepted {
                            index: plan.rows.len(),
                            person: p,
                            village,
                            group,
                        });
                    }
                    Err(refusal) => rp.refusal = Some(refusal),
                }
            }
            Err((fixes, refusal)) => {
                rp.fixes = fixes;
                rp.refusal = Some(refusal);
            }
        }
        plan.rows.push(rp);
    };
    // Data rows are read into chunks, each parsed on two threads and then placed in order.
    let mut chunk: Vec<SheetRow> = Vec::with_capacity(CHUNK);
    let mut flush = |chunk: &mut Vec<SheetRow>, h: &Header, plan: &mut Plan| {
        for parsed in parse_chunk(std::mem::take(chunk), h, today, opts.keep_cells) {
            place(parsed, plan);
        }
    };
    visit_rows(path, opts.sheet.as_deref(), &mut |r| {
        if let Some(h) = &header {
            chunk.push(r);
            if chunk.len() >= CHUNK {
                flush(&mut chunk, h, &mut plan);
            }
            return Ok(());
        }
        pending.push(r);
        if pending.len() >= HEADER_SEARCH_ROWS {
            plan.head = head_of(&pending);
            let h = header_of(&pending, opts)?;
            chunk.extend(pending.drain(h.data_start..));
            header = Some(h);
        }
        Ok(())
    })?;
    let header = match header {
        Some(h) => h,
        None => {
            plan.head = head_of(&pending);
            let h = header_of(&pending, opts)?;
            chunk.extend(pending.drain(h.data_start..));
            h
        }
    };
    flush(&mut chunk, &header, &mut plan);
    if opts.village.is_none() && !header.has(Field::Village) {
        return Err(ImportError::Village {
            zh: "文件中没有“村（社区）”列，请用 --village 指定村".into(),
            en: "the file has no village column: give --village".into(),
        });
    }
    plan.columns.clone_from(&header.columns);
    let fields: Vec<Option<&'static str>> = header
        .columns
        .iter()
        .map(|(_, f)| f.filter(|f| *f != Field::Ignore).map(Field::code))
        .collect();
    plan.mapping = describe(&header, &fields);
    plan.header_row = header.row;
    let numbers: HashSet<String> = accepted
        .iter()
        .map(|a| a.person.id_number.clone())
        .collect();
    let ledger = store.import_snapshot(&numbers)?;
    households(&mut plan, &header, accepted, &ledger, &grid);
    for r in &mut plan.rows {
        r.status = match (&r.refusal, r.fixes.is_empty()) {
            (Some(_), _) => RowStatus::Refused,
            (None, false) => RowStatus::Fixed,
            (None, true) => RowStatus::Ok,
        };
    }
    Ok(plan)
}

/// Data rows parsed at a time: enough that starting a second thread for half of them costs
/// little next to parsing them.
const CHUNK: usize = 8192;

/// A data row read and validated, not yet placed in the plan.
struct Parsed {
    row: usize,
    cells: Vec<String>,
    person: std::result::Result<Option<PersonRow>, (Vec<&'static str>, Refusal)>,
}

fn parse_one(r: &SheetRow, h: &Header, today: NaiveDate, keep_cells: bool) -> Parsed {
    Parsed {
        row: r.row,
        cells: if keep_cells {
            r.cells.iter().map(|c| c.text()).collect()
        } else {
            Vec::new()
        },
        person: parse_row(r, h, today),
    }
}

/// Parses `rows` (each row on its own, nothing shared), the second half on another thread;
/// the results in the order of `rows`.
fn parse_chunk(rows: Vec<SheetRow>, h: &Header, today: NaiveDate, keep: bool) -> Vec<Parsed> {
    let parse = |rows: &[SheetRow]| -> Vec<Parsed> {
        rows.iter().map(|r| parse_one(r, h, today, keep)).collect()
    };
    if rows.len() < 128 {
        return parse(&rows);
    }
    let (first, second) = rows.split_at(rows.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| parse(second));
        let mut out = parse(first);
        out.extend(
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        out
    })
}

/// Only the township imports its roster: any other device is refused (`not_township`).
pub(crate) fn township_only(store: &Store) -> Result<()> {
    Ok(store.township_only(
        "只有镇街设备可以导入户籍台账",
        "Only township devices may import the household roster",
    )?)
}

fn header_of(rows: &[SheetRow], opts: &Options) -> Result<Header> {
    let header = match opts.header_row {
        Some(n) => header_at(rows, n, &opts.map).ok_or_else(|| {
            ImportError::unreadable(
                format!("表头行第{n}行不在文件的前{HEADER_SEARCH_ROWS}行中"),
                format!(
                    "header row {n} is not among the first {HEADER_SEARCH_ROWS} rows of the file"
                ),
            )
        }),
        None => find_header(rows, &opts.map).ok_or_else(|| ImportError::NoHeader {
            head: head_of(rows),
        }),
    }?;
    check_positions(&opts.map, header.columns.len())?;
    Ok(header)
}

/// Groups the accepted rows into households and decides, per person, create / update /
/// unchanged.
fn households(
    plan: &mut Plan,
    header: &Header,
    accepted: Vec<Accepted>,
    ledger: &HashMap<String, LedgerPerson>,
    grid: &Grid,
) {
    let mut order: Vec<Vec<Accepted>> = Vec::new();
    let mut index: HashMap<HouseholdKey, usize> = HashMap::new();
    let mut sequence = 0;
    for a in accepted {
        let p = &a.person;
        let key = if !p.household_no.is_empty() {
            HouseholdKey::Number(a.village.clone(), p.household_no.clone())
        } else if !p.head_name.is_empty() {
            HouseholdKey::Head(a.village.clone(), p.head_name.clone(), p.address.clone())
        } else {
            let starts =
                !header.has(Field::Relation) || p.relation == Some(Relation::Head) || sequence == 0;
            if starts {
                sequence += 1;
            }
            HouseholdKey::Sequence(sequence)
        };
        match index.get(&key) {
            Some(&i) => order[i].push(a),
            None => {
                index.insert(key, order.len());
                order.push(vec![a]);
            }
        }
    }
    let village_name = |id: &str| {
        grid.villages
            .iter()
            .find(|v| v.id == id)
            .map_or_else(|| id.to_owned(), |v| v.name.clone())
    };
    for members in order {
        let village = members[0].village.clone();
        let existing = members
            .iter()
            .filter_map(|a| ledger.get(&a.person.id_number))
            .find(|l| l.village_id == village)
            .map(|l| l.household_id.clone());
        let mut new_persons = Vec::new();
        for a in &members {
            let rp = &mut plan.rows[a.index];
            match ledger.get(&a.person.id_number) {
                Some(l) => {
                    let (fields, mut diffs) = compare(&a.person, l);
                    if l.village_id != a.village {
                        diffs.push((
                            "village",
                            village_name(&l.village_id),
                            village_name(&a.village),
                        ));
                    }
                    rp.person_id = Some(l.id.clone());
                    rp.action = Some(if fields.is_empty() {
                        PersonAction::Unchanged
                    } else {
                        PersonAction::Update
                    });
                    for (field, ledger_value, file) in diffs {
                        plan.differences.push(Difference {
                            row: a.person.row,
                            person_id: l.id.clone(),
                            field,
                            ledger: ledger_value,
                            file,
                        });
                    }
                    if !fields.is_empty() {
                        plan.fills.push(ImportFill {
                            village_id: l.village_id.clone(),
                            person_id: l.id.clone(),
                            fields,
                        });
                    }
                }
                None => new_persons.push(a),
            }
        }
        if new_persons.is_empty() {
            continue;
        }
        let head_row = members
            .iter()
            .find(|a| a.person.relation == Some(Relation::Head))
            .unwrap_or(&members[0]);
        let address = std::iter::once(head_row)
            .chain(members.iter())
            .map(|a| a.person.address.clone())
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        if existing.is_none() && address.is_empty() {
            for a in &new_persons {
                plan.rows[a.index].refusal = Some(Refusal::new("address", "缺少住址，无法建户"));
            }
            continue;
        }
        let has_head = members
            .iter()
            .any(|a| a.person.relation == Some(Relation::Head));
        let mut persons = Vec::new();
        for (i, a) in new_persons.iter().enumerate() {
            let p = &a.person;
            let relation = p
                .relation
                .unwrap_or(if existing.is_none() && !has_head && i == 0 {
                    Relation::Head
                } else {
                    Relation::Other
                });
            plan.rows[a.index].action = Some(PersonAction::Create);
            persons.push(ImportPerson {
                person: NewPerson {
                    name: p.name.clone(),
                    id_number: p.id_number.clone(),
                    id_kind: p.id_kind,
                    phone: p.phone.clone(),
                    relation: Some(relation),
                    residency: p.residency.filter(|r| *r != Residency::Registered),
                    tags: p.tags.clone(),
                    vulnerable: p.vulnerable.clone(),
                    plate: p.plate.clone(),
                },
                relation,
                works_away: p.works_away == Some(true),
                address: Some(p.address.clone()).filter(|s| !s.is_empty() && *s != address),
            });
        }
        plan.persons_added += persons.len();
        if existing.is_none() {
            plan.households_added += 1;
        }
        plan.households.push(ImportHousehold {
            village_id: village,
            existing,
            group_id: members.iter().find_map(|a| a.group.clone()),
            address,
            phone: head_row.person.phone.clone(),
            persons,
        });
    }
}
