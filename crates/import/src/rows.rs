//! One data row of the file: its cells cleaned and validated through gridbook-domain's
//! validators into a person, or refused with the field and the reason in Chinese.

use chrono::NaiveDate;
use gridbook_domain::validate::{parse_id_document, parse_name, parse_phone, parse_plate};
use gridbook_domain::{IdKind, Relation, Residency, RiskTag, Vulnerable};

use crate::header::{Field, Header};
use crate::normalize::{clean, compact, lost_id_number, note, parse_date, FIX_X};
use crate::read::{Cell, SheetRow};

/// A row refused: the field at fault (a [`Field`] code) and the reason in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Field code (`id_number`, `group`, …).
    pub field: &'static str,
    /// Reason in Chinese.
    pub reason: String,
}

impl Refusal {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// A row read and validated: the person and the household columns as the file gives them.
#[derive(Debug, Clone, Default)]
pub struct PersonRow {
    /// Row number in the file.
    pub row: usize,
    /// 村（社区） as written.
    pub village: String,
    /// 组 as written.
    pub group: String,
    /// 户号.
    pub household_no: String,
    /// 户主姓名.
    pub head_name: String,
    /// Validated name.
    pub name: String,
    /// Validated, normalized document number.
    pub id_number: String,
    /// Kind of document (detected unless the file says).
    pub id_kind: Option<IdKind>,
    /// Validated phone.
    pub phone: Option<String>,
    /// Relation, if the file gives it.
    pub relation: Option<Relation>,
    /// Residency, if the file gives it.
    pub residency: Option<Residency>,
    /// Risk tags.
    pub tags: Vec<RiskTag>,
    /// 七类人.
    pub vulnerable: Vec<Vulnerable>,
    /// 外出务工, if the file gives it.
    pub works_away: Option<bool>,
    /// Validated plate.
    pub plate: Option<String>,
    /// 现住址.
    pub address: String,
    /// What was normalized, in Chinese.
    pub fixes: Vec<&'static str>,
}

/// Relations as hand-made sheets write them, mapped to the ledger's.
fn relation_of(s: &str) -> Option<Relation> {
    let r = match s {
        "本人" | "户主本人" => Relation::Head,
        "妻" | "妻子" | "夫" | "丈夫" | "夫妻" => Relation::Spouse,
        "子" | "女" | "儿子" | "女儿" | "长子" | "次子" | "三子" | "长女" | "次女" | "三女"
        | "独生子" | "独生女" | "养子" | "养女" => Relation::Child,
        "父亲" | "母亲" | "父" | "母" | "继父" | "继母" => Relation::Parent,
        "孙子" | "孙女" | "外孙子" | "外孙女" | "外孙" => Relation::Grandchild,
        "祖父" | "祖母" | "爷爷" | "奶奶" | "外祖父" | "外祖母" => {
            Relation::Grandparent
        }
        "兄" | "弟" | "姐" | "妹" | "哥哥" | "弟弟" | "姐姐" | "妹妹" => {
            Relation::Sibling
        }
        "儿媳" | "女婿" => Relation::ChildInLaw,
        _ => return Relation::parse(s).ok(),
    };
    Some(r)
}

fn yes_no(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "有" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Splits a list cell (`密接、红码`) into its values.
fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', ',', '，', ';', '；', '/', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

/// Reads and validates one data row. `Ok(None)`: the row holds neither a name nor an ID
/// number (a blank line, a signature line under the table), and is not counted.
pub fn parse_row(
    r: &SheetRow,
    header: &Header,
    today: NaiveDate,
) -> Result<Option<PersonRow>, (Vec<&'static str>, Refusal)> {
    let cell = |f: Field| -> &Cell {
        header
            .columns_of(f)
            .iter()
            .filter_map(|c| r.cells.get(*c))
            .find(|c| !c.is_blank())
            .unwrap_or(&Cell::Empty)
    };
    let mut fixes = Vec::new();
    let text = |f: Field, fixes: &mut Vec<&'static str>| clean(cell(f), fixes);
    let raw_name = text(Field::Name, &mut fixes);
    let id_cell = cell(Field::IdNumber);
    if raw_name.is_empty() && id_cell.is_blank() {
        return Ok(None);
    }
    let refuse = |fixes: &Vec<&'static str>, field: &'static str, reason: String| {
        Err((fixes.clone(), Refusal::new(field, reason)))
    };
    // A Chinese name loses its spaces (张 三); a Latin one keeps single spaces.
    let name_in = if !raw_name.is_ascii() {
        compact(&raw_name, &mut fixes)
    } else {
        raw_name
    };
    let name = match parse_name(&name_in) {
        Ok(n) => n,
        Err(e) => return refuse(&fixes, "name", e.zh),
    };
    if let Some(why) = lost_id_number(id_cell) {
        return refuse(&fixes, "id_number", why);
    }
    let id_kind = match text(Field::IdKind, &mut fixes).as_str() {
        "" | "身份证" | "居民身份证" => None,
        k => match IdKind::parse(k) {
            Ok(k) => Some(k),
            Err(e) => return refuse(&fixes, "id_kind", e.zh),
        },
    };
    let id_text = compact(&clean(id_cell, &mut fixes), &mut fixes);
    if id_text.ends_with('x') && id_kind.is_none_or(|k| k == IdKind::Mainland) {
        note(&mut fixes, FIX_X);
    }
    let doc = match parse_id_document(&id_text, id_kind, today) {
        Ok(d) => d,
        Err(e) => return refuse(&fixes, "id_number", e.zh),
    };
    let phone = match compact(&text(Field::Phone, &mut fixes), &mut fixes).as_str() {
        "" => None,
        p => match parse_phone(p) {
            Ok(p) => Some(p.number),
            Err(e) => return refuse(&fixes, "phone", e.zh),
        },
    };
    let plate = match text(Field::Plate, &mut fixes).as_str() {
        "" => None,
        p => match parse_plate(p) {
            Ok(p) => Some(p),
            Err(e) => return refuse(&fixes, "plate", e.zh),
        },
    };
    let relation = match text(Field::Relation, &mut fixes).as_str() {
        "" => None,
        s => match relation_of(s) {
            Some(r) => Some(r),
            None => return refuse(&fixes, "relation", format!("与户主关系“{s}”无法识别")),
        },
    };
    let residency = match text(Field::Residency, &mut fixes).as_str() {
        "" => None,
        s => match Residency::parse(s) {
            Ok(r) => Some(r),
            Err(e) => return refuse(&fixes, "residency", e.zh),
        },
    };
    let mut tags = Vec::new();
    for t in list(&text(Field::Tags, &mut fixes)) {
        match RiskTag::parse(t) {
            Ok(t) if !tags.contains(&t) => tags.push(t),
            Ok(_) => {}
            Err(e) => return refuse(&fixes, "tags", e.zh),
        }
    }
    let mut vulnerable = Vec::new();
    for v in list(&text(Field::Vulnerable, &mut fixes)) {
        match Vulnerable::parse(v) {
            Ok(v) if !vulnerable.contains(&v) => vulnerable.push(v),
            Ok(_) => {}
            Err(e) => return refuse(&fixes, "vulnerable", e.zh),
        }
    }
    let works_away = if header.has(Field::WorksAway) {
        let s = text(Field::WorksAway, &mut fixes);
        match yes_no(&s) {
            Some(b) => Some(b),
            None => {
                return refuse(
                    &fixes,
                    "works_away",
                    format!("外出务工应填“是”或“否”，而不是“{s}”"),
                )
            }
        }
    } else {
        None
    };
    let birth = cell(Field::BirthDate);
    if !birth.is_blank() {
        match parse_date(birth) {
            None => {
                return refuse(
                    &fixes,
                    "birth_date",
                    format!("出生日期“{}”无法识别", birth.text().trim()),
                )
            }
            Some(d) if doc.birth_date.is_some_and(|b| b != d) => {
                note(&mut fixes, "出生日期与身份证号不符，以身份证号为准");
            }
            Some(d) => {
                // A date cell is a date already; a serial number or other text shape is not.
                let iso = match birth {
                    Cell::Date(_) => true,
                    Cell::Text(t) => t.trim() == d.format("%Y-%m-%d").to_string(),
                    _ => false,
                };
                if !iso {
                    note(&mut fixes, "出生日期已规范为年-月-日");
                }
            }
        }
    }
    let gender = text(Field::Gender, &mut fixes);
    if let (Some(g), false) = (doc.gender, gender.is_empty()) {
        if gender != g.zh() && gender != g.code() {
            note(&mut fixes, "性别与身份证号不符，以身份证号为准");
        }
    }
    let village = text(Field::Village, &mut fixes);
    let group = text(Field::Group, &mut fixes);
    let household_no = text(Field::HouseholdNo, &mut fixes);
    let head_name = compact(&text(Field::HeadName, &mut fixes), &mut fixes);
    let address = text(Field::Address, &mut fixes);
    if address.chars().count() > 100 {
        return refuse(&fixes, "address", "地址不能超过100个字".into());
    }
    Ok(Some(PersonRow {
        row: r.row,
        village,
        group,
        household_no,
        head_name,
        name,
        id_number: doc.number,
        id_kind: Some(doc.kind),
        phone,
        relation,
        residency,
        tags,
        vulnerable,
        works_away,
        plate,
        address,
        fixes,
    }))
}
