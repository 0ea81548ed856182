//! Decision rules as data: the township edits and syncs them, the tablet suggests a decision from
//! them, and the volunteer confirms or overrides it.
//!
//! Defaults come from the township's work plan (see [`DecisionRules::default`]). Policies change by
//! circular ("按照最新文件规定执行"), so nothing here hard-codes a decision except two safety floors that
//! [`DecisionRules::validate`] keeps: a fever or a red code is never simply let through.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::control::control_reason;
use super::entry::{free_text, ValidEntry};
use super::known::{needs_note, Known, FEVER};
use super::{Decision, HealthCode, RiskLevel};
use crate::error::FieldError;
use crate::isolation::ControlState;
use crate::validate::{parse_name, FEVER_THRESHOLD};

/// Longest override note, in characters.
const MAX_NOTE_CHARS: usize = 200;
/// Accepted fever thresholds, in tenths: below 37.0 flags healthy people, above 38.5 misses
/// fevers; either is a typing error rather than a policy.
const FEVER_RANGE_TENTHS: std::ops::RangeInclusive<u16> = 370..=385;
/// Shortest risk-area name: a single character would match half the travel texts.
const MIN_AREA_CHARS: usize = 2;
/// Longest risk-area name.
const MAX_AREA_CHARS: usize = 50;
/// Administrative suffixes dropped when matching, so that the area 武汉市 also matches a
/// traveller who just says 武汉. Longest first: 自治区 must win over 区.
const ADMIN_SUFFIXES: [&str; 14] = [
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "街道",
    "社区",
    "省",
    "市",
    "区",
    "县",
    "州",
    "镇",
    "乡",
    "村",
];

/// A medium- or high-risk area (中/高风险地区), maintained by township staff and synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskArea {
    /// Name as published, e.g. 武汉市 or 江夏区.
    pub name: String,
    /// Medium or high.
    pub level: RiskLevel,
    /// First day the area counts: entries recorded earlier are judged as they were then.
    pub since: NaiveDate,
}

/// The rules a checkpoint tablet applies. Every field is flat so the store can keep them in
/// an Automerge document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionRules {
    /// Fever at or above this temperature, in tenths of a degree (373 = 37.3 °C).
    pub fever_tenths: u16,
    /// Decision for a fever.
    pub fever_decision: Decision,
    /// Decision for a yellow code.
    pub yellow_decision: Decision,
    /// Decision for a red code.
    pub red_decision: Decision,
    /// Decision for travel to a medium-risk area in the last 14 days.
    pub medium_risk_decision: Decision,
    /// Decision for travel to a high-risk area in the last 14 days.
    pub high_risk_decision: Decision,
    /// The current risk areas.
    pub risk_areas: Vec<RiskArea>,
    /// Decision for a person in home or centralized isolation going out. Rules records
    /// written before this field existed read the default, as do the three below.
    #[serde(default = "turn_back")]
    pub isolation_out_decision: Decision,
    /// Decision for a person whose case has an open escalation (待转诊), either way.
    #[serde(default = "observe")]
    pub referral_decision: Decision,
    /// Decision for a person under home health monitoring going out for a purpose that is
    /// not allowed.
    #[serde(default = "turn_back")]
    pub monitoring_out_decision: Decision,
    /// Purposes (事由) that let a person under home health monitoring out: the purpose given
    /// at the checkpoint needs only to mention one (去卫生院就医 mentions 就医).
    #[serde(default = "monitoring_purposes")]
    pub monitoring_allowed_purposes: Vec<String>,
}

fn turn_back() -> Decision {
    Decision::TurnBack
}

fn observe() -> Decision {
    Decision::Observe
}

/// 000: 居家健康监测 "期间不聚集、不流动"; seeing a doctor and the tests the monitoring itself
/// asks for ("每7天开展一次核酸检测") are what a monitored person goes out for.
fn monitoring_purposes() -> Vec<String> {
    vec!["就医".to_owned(), "核酸".to_owned()]
}

/// Longest allowed purpose, in characters.
const MAX_PURPOSE_CHARS: usize = 20;
/// Most allowed purposes.
const MAX_PURPOSES: usize = 20;

impl Default for DecisionRules {
    /// The rules of the township's work plan:
    /// - fever → observe: "对有发热、咳嗽、胸闷等症状的,政府派专人和村医负责将其送到指定的医疗发热
    ///   门诊进行诊疗" — the person is held and taken to the fever clinic, not sent away.
    /// - yellow → turn back: "测量体温、查验健康码、行程卡,结果异常的,一律禁止进入".
    /// - red → observe: "对体温异常、健康码或行程码异常的要立即报告…按照规定采取相应管控措施";
    ///   the policy in force for red codes is centralized isolation (002), so turning the person
    ///   away would only move the risk elsewhere.
    /// - medium and high risk travel → observe: "对来自重点地区、不能提供7日内核酸检测证明的,实施
    ///   临时隔离观察并尽快进行核酸检测". A person with a recent negative test is let through by
    ///   a volunteer override, whose note records the test.
    /// - no risk areas: the list comes from the county's published division and is synced.
    fn default() -> Self {
        Self {
            // 37.3 °C, the same threshold the validators use.
            fever_tenths: (FEVER_THRESHOLD * 10.0).round() as u16,
            fever_decision: Decision::Observe,
            yellow_decision: Decision::TurnBack,
            red_decision: Decision::Observe,
            medium_risk_decision: Decision::Observe,
            high_risk_decision: Decision::Observe,
            risk_areas: Vec::new(),
            isolation_out_decision: turn_back(),
            referral_decision: observe(),
            monitoring_out_decision: turn_back(),
            monitoring_allowed_purposes: monitoring_purposes(),
        }
    }
}

impl DecisionRules {
    /// Whether a temperature, in tenths of a degree, is a fever under these rules.
    pub fn is_fever(&self, temperature_tenths: u16) -> bool {
        temperature_tenths >= self.fever_tenths
    }

    /// Checks a staff edit before it is synced. Reports every problem.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !FEVER_RANGE_TENTHS.contains(&self.fever_tenths) {
            errors.push(FieldError::new(
                "fever_tenths",
                "range",
                "发热标准应在37.0–38.5℃之间",
                "fever threshold must be between 37.0 and 38.5 °C",
            ));
        }
        // A fever or a red code let straight through is the one edit that can seed an outbreak
        // unnoticed; it is a typo far more often than a policy.
        for (field, decision, zh) in [
            ("fever_decision", self.fever_decision, "发热"),
            ("red_decision", self.red_decision, "红码"),
            (
                "isolation_out_decision",
                self.isolation_out_decision,
                "隔离期外出",
            ),
            ("referral_decision", self.referral_decision, "待转诊"),
        ] {
            if decision == Decision::Allow {
                errors.push(FieldError::new(
                    field,
                    "allow_forbidden",
                    format!("{zh}人员不能设为直接放行"),
                    format!("{field} cannot be allow"),
                ));
            }
        }
        if self.high_risk_decision.severity() < self.medium_risk_decision.severity() {
            errors.push(FieldError::new(
                "high_risk_decision",
                "weaker_than_medium",
                "高风险地区的处置不能比中风险地区宽松",
                "high-risk travel cannot be handled more leniently than medium-risk travel",
            ));
        }
        self.validate_purposes(&mut errors);
        let mut seen: Vec<String> = Vec::new();
        for (i, area) in self.risk_areas.iter().enumerate() {
            let key = fold(&area.name);
            let len = key.chars().count();
            if !(MIN_AREA_CHARS..=MAX_AREA_CHARS).contains(&len) {
                errors.push(FieldError::new(
                    "risk_areas",
                    "name_length",
                    format!("第{}个风险地区名称应为2–50个字", i + 1),
                    format!("risk area #{} name must be 2–50 characters", i + 1),
                ));
            } else if seen.contains(&key) {
                errors.push(FieldError::new(
                    "risk_areas",
                    "duplicate",
                    format!("风险地区“{}”重复", area.name.trim()),
                    format!("risk area '{}' is listed twice", area.name.trim()),
                ));
            }
            seen.push(key);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validate_purposes(&self, errors: &mut Vec<FieldError>) {
        let purposes = &self.monitoring_allowed_purposes;
        if purposes.len() > MAX_PURPOSES {
            errors.push(FieldError::new(
                "monitoring_allowed_purposes",
                "too_many",
                format!("允许事由最多{MAX_PURPOSES}项"),
                format!("at most {MAX_PURPOSES} allowed purposes"),
            ));
            return;
        }
        let mut seen: Vec<String> = Vec::new();
        for p in purposes {
            let key = fold(p);
            if key.is_empty() || key.chars().count() > MAX_PURPOSE_CHARS {
                errors.push(FieldError::new(
                    "monitoring_allowed_purposes",
                    "length",
                    format!("允许事由应为1–{MAX_PURPOSE_CHARS}个字"),
                    format!("an allowed purpose must be 1–{MAX_PURPOSE_CHARS} characters"),
                ));
            } else if seen.contains(&key) {
                errors.push(FieldError::new(
                    "monitoring_allowed_purposes",
                    "duplicate",
                    format!("允许事由“{}”重复", p.trim()),
                    format!("allowed purpose '{}' is listed twice", p.trim()),
                ));
            }
            seen.push(key);
        }
    }
}

/// Why a decision was suggested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "DecisionReason"))]
pub struct Reason {
    /// Stable code: `isolation`, `isolation-return`, `referral`, `monitoring`,
    /// `monitoring-allowed`, `fever`, `health-code-yellow`, `health-code-red`,
    /// `risk-area-medium`, `risk-area-high`, `risk-area-unlisted`, or `all-clear` when
    /// nothing was found.
    pub code: String,
    /// Message in Chinese.
    pub zh: String,
    /// The same message in English.
    pub en: String,
    /// The decision this reason alone leads to.
    pub decision: Decision,
}

impl Reason {
    pub(super) fn new(code: &str, decision: Decision, zh: String, en: String) -> Self {
        Self {
            code: code.to_owned(),
            zh,
            en,
            decision,
        }
    }
}

/// The decision the rules suggest and every reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The strictest decision among the reasons (observe > turn back > allow).
    pub decision: Decision,
    /// All reasons, in a fixed order: fever, health code, risk areas.
    pub reasons: Vec<Reason>,
}

/// Suggests a decision for an entry. All findings are listed, not only the one that decided.
pub fn suggest(rules: &DecisionRules, entry: &ValidEntry) -> Suggestion {
    suggest_for(rules, entry, None)
}

/// Suggests a decision for an entry of a person whose control state (from an open case) is
/// `control`. The control state comes first among the reasons: it is what the volunteer must
/// see before the rest.
pub fn suggest_for(
    rules: &DecisionRules,
    entry: &ValidEntry,
    control: Option<&ControlState>,
) -> Suggestion {
    suggest_known(rules, &Known::of(entry), control)
}

/// The suggestion from what is known of an entry: a reading or a code not known yet finds
/// nothing (see [`judge`](super::judge), which waits for both).
pub(super) fn suggest_known(
    rules: &DecisionRules,
    entry: &Known,
    control: Option<&ControlState>,
) -> Suggestion {
    let mut reasons = Vec::new();
    if let Some(state) = control {
        reasons.push(control_reason(rules, entry, state));
    }
    if let Some(t) = entry.temperature_tenths.filter(|t| rules.is_fever(*t)) {
        let (t, limit) = (tenths(t), tenths(rules.fever_tenths));
        reasons.push(Reason::new(
            FEVER,
            rules.fever_decision,
            format!("体温{t}℃，达到发热标准{limit}℃"),
            format!("temperature {t} °C is at or above the fever threshold {limit} °C"),
        ));
    }
    match entry.health_code {
        None | Some(HealthCode::Green) => {}
        Some(HealthCode::Yellow) => {
            reasons.push(code_reason(HealthCode::Yellow, rules.yellow_decision))
        }
        Some(HealthCode::Red) => reasons.push(code_reason(HealthCode::Red, rules.red_decision)),
    }
    let on = entry.on;
    // Ticked areas count like areas named in the text; the separator keeps the end of one
    // from joining the start of the next into a false match.
    let mut mentioned = entry.declared_areas.clone();
    mentioned.push(entry.travel.clone());
    for area in match_risk_areas(&rules.risk_areas, &mentioned.join("|"), on) {
        let (code, decision) = match area.level {
            RiskLevel::Medium => ("risk-area-medium", rules.medium_risk_decision),
            RiskLevel::High => ("risk-area-high", rules.high_risk_decision),
        };
        reasons.push(Reason::new(
            code,
            decision,
            format!("14天内到过{}地区：{}", area.level.zh(), area.name.trim()),
            format!(
                "visited {} area {} in the last 14 days",
                area.level.en(),
                area.name.trim()
            ),
        ));
    }
    // The volunteer ticked an area from the list on their tablet that this list does not hold
    // (removed meanwhile, or not synced yet). Its level is unknown, so the stricter travel
    // rule applies; an override with a note covers a downgraded area.
    for name in &entry.declared_areas {
        if match_risk_areas(&rules.risk_areas, name, on).is_empty() {
            let decision = rules
                .high_risk_decision
                .stricter(rules.medium_risk_decision);
            reasons.push(Reason::new(
                "risk-area-unlisted",
                decision,
                format!("申报到过风险地区“{name}”，当前名单中没有"),
                format!("declared risk area '{name}' is not on the current list"),
            ));
        }
    }
    let decision = reasons
        .iter()
        .fold(Decision::Allow, |d, r| d.stricter(r.decision));
    if reasons.is_empty() {
        reasons.push(Reason::new(
            "all-clear",
            Decision::Allow,
            "体温正常、绿码、14天内无中高风险地区旅居史".to_owned(),
            "normal temperature, green code, no medium- or high-risk travel in 14 days".to_owned(),
        ));
    }
    Suggestion { decision, reasons }
}

fn code_reason(colour: HealthCode, decision: Decision) -> Reason {
    Reason::new(
        &format!("health-code-{}", colour.code()),
        decision,
        format!("健康码为{}", colour.zh()),
        format!("health code is {}", colour.en()),
    )
}

/// The risk areas, in list order, that `travel` mentions and that already counted on `on`.
///
/// Matching ignores spaces, full-width forms and ASCII case, and accepts the name with or
/// without its administrative suffix (武汉市 matches "去过武汉"). A false match costs the
/// volunteer one override with a note; a missed one lets a traveller through, so matching
/// errs on the generous side. When the synced list holds the same name twice (two staff
/// edits merged), the area is reported once, at its higher level.
pub fn match_risk_areas<'a>(
    areas: &'a [RiskArea],
    travel: &str,
    on: NaiveDate,
) -> Vec<&'a RiskArea> {
    let text = fold(travel);
    let mut out: Vec<&RiskArea> = Vec::new();
    if text.is_empty() {
        return out;
    }
    for area in areas.iter().filter(|a| a.since <= on) {
        let name = fold(&area.name);
        if name.chars().count() < MIN_AREA_CHARS {
            continue;
        }
        let stem = stem(&name);
        if !text.contains(&name) && !text.contains(stem) {
            continue;
        }
        match out.iter_mut().find(|m| fold(&m.name) == name) {
            Some(existing) if existing.level < area.level => *existing = area,
            Some(_) => {}
            None => out.push(area),
        }
    }
    out
}

/// The name without its administrative suffix, when at least two characters remain.
fn stem(name: &str) -> &str {
    ADMIN_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|rest| rest.chars().count() >= MIN_AREA_CHARS)
        .unwrap_or(name)
}

/// Drops whitespace, folds full-width ASCII forms and lower-cases ASCII. The validators have
/// the same folding, but in a module private to them.
pub(super) fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn tenths(t: u16) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// A decision as recorded: the suggestion, what the volunteer chose, who, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    /// The decision taken.
    pub decision: Decision,
    /// The decision the rules suggested.
    pub suggested: Decision,
    /// The reasons of the suggestion.
    pub reasons: Vec<Reason>,
    /// The volunteer who decided (实名).
    pub volunteer: String,
    /// Why, when given; required to override towards allow.
    pub note: Option<String>,
}

impl Confirmed {
    /// Whether the volunteer chose something other than the suggestion.
    pub fn is_override(&self) -> bool {
        self.decision != self.suggested
    }
}

/// Records the volunteer's decision.
///
/// Choosing a less strict decision than suggested (observe → turn back, or anything → allow)
/// needs a note: that is the choice that lets risk into the village, the one supervisors audit
/// (001 holds duty staff to account), and the usual legitimate cause — a negative test
/// certificate, a downgraded area — is exactly what the note should name. A stricter choice
/// keeps the risk contained and needs no justification.
pub fn confirm(
    suggestion: &Suggestion,
    chosen: Decision,
    volunteer: &str,
    note: Option<&str>,
) -> Result<Confirmed, FieldError> {
    let volunteer = parse_name(volunteer).map_err(|e| FieldError {
        field: "volunteer",
        ..e
    })?;
    let note = free_text(note.unwrap_or(""), "note", "说明", MAX_NOTE_CHARS)?;
    if needs_note(suggestion.decision, chosen) && note.is_none() {
        return Err(FieldError::new(
            "note",
            "required",
            format!(
                "建议“{}”，改为“{}”须填写原因",
                suggestion.decision.zh(),
                chosen.zh()
            ),
            format!(
                "overriding '{}' with '{}' needs a note saying why",
                suggestion.decision.en(),
                chosen.en()
            ),
        ));
    }
    Ok(Confirmed {
        decision: chosen,
        suggested: suggestion.decision,
        reasons: suggestion.reasons.clone(),
        volunteer,
        note,
    })
}
