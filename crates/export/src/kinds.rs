//! The columns of each kind of export and how a store row becomes cells: Chinese headers
//! and labels, ID numbers masked unless asked otherwise.

use chrono::NaiveDate;
use gridbook_domain::checkpoint::{Decision, Direction, HealthCode};
use gridbook_domain::isolation::{CaseStatus, CheckMethod, Symptom, TeamRole};
use gridbook_domain::privacy::mask_id_number;
use gridbook_domain::{Gender, Relation, Residency, RiskTag, TestResult, Vulnerable};
use gridbook_store::{ExportFilter, Store};

use crate::sink::{Cell, Column, Sink};
use crate::{ExportError, Kind, Request};

const fn col(name: &'static str, width: f64) -> Column {
    Column { name, width }
}

/// The ledger's columns, in the order of the township's ledger sheets.
const LEDGER: [Column; 21] = [
    col("序号", 7.0),
    col("村（社区）", 12.0),
    col("组", 8.0),
    col("户号", 7.0),
    col("户主姓名", 10.0),
    col("与户主关系", 10.0),
    col("姓名", 10.0),
    col("性别", 6.0),
    col("公民身份号码", 21.0),
    col("联系电话", 14.0),
    col("现住址", 28.0),
    col("人员类型", 9.0),
    col("重点人员类别", 16.0),
    col("七类人", 16.0),
    col("疫苗接种剂次", 12.0),
    col("最近核酸日期", 13.0),
    col("最近核酸结果", 12.0),
    col("外出务工", 9.0),
    col("最近核查日期", 13.0),
    col("核查人", 14.0),
    col("备注", 16.0),
];

const CASES: [Column; 18] = [
    col("序号", 7.0),
    col("村（社区）", 12.0),
    col("组", 8.0),
    col("姓名", 10.0),
    col("公民身份号码", 21.0),
    col("联系电话", 14.0),
    col("住址", 26.0),
    col("管控方案", 22.0),
    col("管控原因", 14.0),
    col("开始日期", 12.0),
    col("结束日期", 12.0),
    col("管控地点", 16.0),
    col("状态", 10.0),
    col("解除日期", 12.0),
    col("随访次数", 9.0),
    col("核酸次数", 9.0),
    col("包保人员", 40.0),
    col("备注", 20.0),
];

const CHECKS: [Column; 11] = [
    col("序号", 7.0),
    col("村（社区）", 12.0),
    col("姓名", 10.0),
    col("公民身份号码", 21.0),
    col("管控方案", 22.0),
    col("随访时间", 17.0),
    col("体温（℃）", 10.0),
    col("症状", 18.0),
    col("随访方式", 9.0),
    col("随访人", 12.0),
    col("异常上报", 9.0),
];

const ENTRIES: [Column; 19] = [
    col("序号", 7.0),
    col("日期", 12.0),
    col("村（社区）", 12.0),
    col("卡口", 14.0),
    col("时间", 17.0),
    col("进出", 6.0),
    col("姓名", 10.0),
    col("证件号码", 21.0),
    col("户籍地", 16.0),
    col("现住址", 20.0),
    col("联系电话", 14.0),
    col("车牌", 11.0),
    col("体温（℃）", 10.0),
    col("健康码", 8.0),
    col("旅居史", 20.0),
    col("事由", 14.0),
    col("处置", 10.0),
    col("值守人员", 10.0),
    col("备注", 20.0),
];

const COVERAGE: [Column; 9] = [
    col("序号", 7.0),
    col("村（社区）", 12.0),
    col("组", 8.0),
    col("地址", 28.0),
    col("户主姓名", 10.0),
    col("联系电话", 14.0),
    col("最近核查时间", 17.0),
    col("核查人", 14.0),
    col("近期已核查", 11.0),
];

/// Coverage window when `--from` is absent: the last 7 days, counting today.
const COVERAGE_DAYS: u32 = 7;

/// The Chinese label of a stored code, or the code itself if it is not one.
fn zh<T: Copy>(
    code: &str,
    parse: impl Fn(&str) -> Result<T, gridbook_domain::FieldError>,
    label: impl Fn(T) -> &'static str,
) -> String {
    parse(code).map_or_else(|_| code.to_owned(), |v| label(v).to_owned())
}

fn joined<T: Copy>(
    codes: &[String],
    parse: impl Fn(&str) -> Result<T, gridbook_domain::FieldError>,
    label: impl Fn(T) -> &'static str,
) -> Cell {
    let parts: Vec<String> = codes.iter().map(|c| zh(c, &parse, &label)).collect();
    Cell::opt(Some(parts.join("、")))
}

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

struct Ctx {
    full: bool,
    title_place: String,
}

impl Ctx {
    fn id(&self, id: &str) -> Cell {
        if self.full {
            Cell::opt(Some(id))
        } else {
            Cell::opt(Some(mask_id_number(id)))
        }
    }
}

fn range_text(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("（{}至{}）", cn_date(f), cn_date(t)),
        (Some(f), None) => format!("（{}至{}）", cn_date(f), cn_date(today)),
        (None, Some(t)) => format!("（截至{}）", cn_date(t)),
        (None, None) => format!("（截至{}）", cn_date(today)),
    }
}

/// Writes the kind's sheet into `sink`; returns the data rows.
pub(crate) fn write_kind(
    store: &Store,
    req: &Request,
    filter: &ExportFilter,
    sink: &mut dyn Sink,
) -> Result<u64, ExportError> {
    let today = store.now_local().date();
    let township = store.township_name()?.unwrap_or_else(|| "本镇".to_owned());
    let village = match &filter.village {
        Some(v) => {
            let villages = store.villages()?;
            let found = villages.iter().find(|r| r.id == v.trim()).ok_or_else(|| {
                ExportError::invalid(
                    format!("找不到村（社区）：{v}"),
                    format!("village not found: {v}"),
                )
            })?;
            found.name.clone()
        }
        None => String::new(),
    };
    let ctx = Ctx {
        full: req.full_ids,
        title_place: format!("{township}{village}"),
    };
    let range = range_text(filter.from, filter.to, today);
    let mut seq = 0i64;
    let mut next = || {
        seq += 1;
        Cell::Int(seq)
    };
    match req.kind {
        Kind::Ledger => {
            let title = format!("{}一户一档台账（截至{}）", ctx.title_place, cn_date(today));
            sink.begin("一户一档", &title, &LEDGER)?;
            store.ledger_lines(filter.village.as_deref(), |l| {
                let test = l.last_test_result.as_deref();
                sink.row(&[
                    next(),
                    Cell::Text(l.village.clone()),
                    Cell::opt(l.group.clone()),
                    Cell::Int(l.household_no as i64),
                    Cell::opt(l.head_name.clone()),
                    Cell::Text(zh(&l.relation, Relation::parse, Relation::zh)),
                    Cell::Text(l.name.clone()),
                    Cell::Text(zh(&l.gender, Gender::parse, Gender::zh)),
                    ctx.id(&l.id_number),
                    Cell::opt(l.phone.clone()),
                    Cell::Text(l.address.clone()),
                    Cell::Text(zh(&l.residency, Residency::parse, Residency::zh)),
                    joined(&l.tags, RiskTag::parse, RiskTag::zh),
                    joined(&l.vulnerable, Vulnerable::parse, Vulnerable::zh),
                    Cell::Int(l.doses),
                    l.last_test_date.map_or(Cell::Empty, Cell::Date),
                    Cell::opt(test.map(|t| zh(t, TestResult::parse, TestResult::zh))),
                    Cell::Text(if l.works_away { "是" } else { "否" }.into()),
                    l.last_verified
                        .map_or(Cell::Empty, |t| Cell::Date(t.date())),
                    Cell::opt(l.verified_by.clone()),
                    Cell::Empty,
                ])
            })
        }
        Kind::Cases => {
            let title = format!("{}隔离管控人员台账{range}", ctx.title_place);
            sink.begin("管控人员", &title, &CASES)?;
            store.case_lines(filter, |c| {
                let place = match (c.place.as_str(), c.site.as_deref()) {
                    ("centralized", Some(site)) => format!("集中隔离点：{site}"),
                    ("centralized", None) => "集中隔离点".to_owned(),
                    _ => "居家".to_owned(),
                };
                let team: Vec<String> = c
                    .team
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(role, m)| {
                                let name = m["name"].as_str().unwrap_or_default();
                                let phone = m["phone"].as_str().unwrap_or_default();
                                let role = zh(role, TeamRole::parse, TeamRole::zh);
                                format!("{role} {name} {phone}").trim().to_owned()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                sink.row(&[
                    next(),
                    Cell::Text(c.village.clone()),
                    Cell::opt(c.group.clone()),
                    Cell::Text(c.name.clone()),
                    ctx.id(&c.id_number),
                    Cell::opt(c.phone.clone()),
                    Cell::opt(c.address.clone()),
                    Cell::Text(c.policy.clone()),
                    Cell::opt(
                        c.reason
                            .as_deref()
                            .map(|r| zh(r, RiskTag::parse, RiskTag::zh)),
                    ),
                    c.start.map_or(Cell::Empty, Cell::Date),
                    c.end.map_or(Cell::Empty, Cell::Date),
                    Cell::Text(place),
                    Cell::Text(zh(&c.status, CaseStatus::parse, CaseStatus::zh)),
                    c.released_on.map_or(Cell::Empty, Cell::Date),
                    Cell::Int(c.visits),
                    Cell::Int(c.tests),
                    Cell::opt(Some(team.join("；"))),
                    Cell::opt(c.close_note.clone()),
                ])
            })
        }
        Kind::Checks => {
            let title = format!("{}居家隔离健康随访登记表{range}", ctx.title_place);
            sink.begin("随访登记", &title, &CHECKS)?;
            store.check_lines(filter, |c| {
                sink.row(&[
                    next(),
                    Cell::Text(c.village.clone()),
                    Cell::Text(c.name.clone()),
                    ctx.id(&c.id_number),
                    Cell::Text(c.policy.clone()),
                    c.at.map_or(Cell::Empty, Cell::DateTime),
                    c.temp_tenths
                        .map_or(Cell::Empty, |t| Cell::Decimal(t as f64 / 10.0)),
                    joined(&c.symptoms, Symptom::parse, Symptom::zh),
                    Cell::Text(zh(&c.method, CheckMethod::parse, CheckMethod::zh)),
                    Cell::opt(c.by.clone()),
                    Cell::Text(if c.escalated { "是" } else { "否" }.into()),
                ])
            })
        }
        Kind::Entries => {
            let title = format!("{}卡口实名登记表{range}", ctx.title_place);
            sink.begin("卡口登记", &title, &ENTRIES)?;
            store.entry_lines(filter, |l| {
                let e = &l.entry;
                let at = chrono::NaiveDateTime::parse_from_str(&e.at, "%Y-%m-%dT%H:%M:%S")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(&e.at, "%Y-%m-%dT%H:%M"))
                    .ok();
                sink.row(&[
                    next(),
                    l.day.map_or(Cell::Empty, Cell::Date),
                    Cell::Text(l.village.clone()),
                    Cell::Text(l.checkpoint.clone()),
                    at.map_or_else(|| Cell::Text(e.at.clone()), Cell::DateTime),
                    Cell::Text(zh(&e.direction, Direction::parse, Direction::zh)),
                    Cell::Text(e.name.clone()),
                    ctx.id(&e.id_number),
                    Cell::opt(e.hukou_place.clone()),
                    Cell::opt(e.residence.clone()),
                    Cell::opt(e.phone.clone()),
                    Cell::opt(e.plate.clone()),
                    Cell::Decimal(e.temperature),
                    Cell::Text(zh(&e.health_code, HealthCode::parse, HealthCode::zh)),
                    Cell::opt(Some(e.travel.clone())),
                    Cell::opt(e.purpose.clone()),
                    Cell::Text(zh(&e.decision, Decision::parse, Decision::zh)),
                    Cell::Text(e.volunteer.clone()),
                    Cell::opt(e.note.clone()),
                ])
            })
        }
        Kind::Coverage => {
            let days = match filter.from {
                Some(f) if f > today => {
                    return Err(ExportError::invalid(
                        format!("起始日期 {f} 晚于今天"),
                        format!("--from {f} is after today"),
                    ))
                }
                Some(f) => u32::try_from((today - f).num_days() + 1).unwrap_or(u32::MAX),
                None => COVERAGE_DAYS,
            };
            let from = today - chrono::Duration::days(i64::from(days) - 1);
            let title = format!(
                "{}入户核查覆盖表（{}至{}）",
                ctx.title_place,
                cn_date(from),
                cn_date(today)
            );
            sink.begin("入户核查", &title, &COVERAGE)?;
            store.coverage_lines(days, filter.village.as_deref(), |l| {
                let at = l.last_verified.as_deref().and_then(|s| {
                    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok()
                });
                sink.row(&[
                    next(),
                    Cell::Text(l.village.clone()),
                    Cell::opt(l.group.clone()),
                    Cell::Text(l.address.clone()),
                    Cell::opt(l.head_name.clone()),
                    Cell::opt(l.phone.clone()),
                    at.map_or_else(|| Cell::opt(l.last_verified.clone()), Cell::DateTime),
                    Cell::opt(l.verified_by.clone()),
                    Cell::Text(if l.covered { "是" } else { "否" }.into()),
                ])
            })
        }
        Kind::Reports => crate::reports::write(store, &ctx.title_place, filter, sink),
        Kind::Feedback => crate::feedback::write(store, ctx.full, &ctx.title_place, filter, sink),
    }
}
