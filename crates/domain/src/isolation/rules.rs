//! Checks and escalation, the life of a case, and the 包保 team around it.
//!
//! Fever or any symptom sends the person to the fever clinic (001 line 191 "如有发热、干咳、
//! 胸闷等症状的……到指定的医疗发热门诊就诊"); a positive test does too (002 line 13).

use crate::model::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::tenths_str;
use crate::model::TestResult;
use crate::zh_date;

labelled_enum!(
    /// A symptom asked about at each check.
    Symptom, "symptoms", "症状" {
        Fever = ("fever", "发热", "fever"),
        DryCough = ("dry-cough", "干咳", "dry cough"),
        Fatigue = ("fatigue", "乏力", "fatigue"),
        ChestTightness = ("chest-tightness", "胸闷", "chest tightness"),
        SoreThroat = ("sore-throat", "咽痛", "sore throat"),
        Diarrhea = ("diarrhea", "腹泻", "diarrhea"),
        LossOfSmellTaste = ("loss-of-smell-taste", "嗅味觉减退", "loss of smell or taste"),
    }
);

labelled_enum!(
    /// How a check was made (000 line 18: phone or video; a home visit if the person refuses).
    CheckMethod, "method", "随访方式" {
        Phone = ("phone", "电话", "phone"),
        Video = ("video", "视频", "video"),
        Visit = ("visit", "上门", "home visit"),
    }
);

/// Why a case must be escalated (referred to the fever clinic), in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationReason {
    /// The temperature, in tenths, when it reached the threshold.
    pub fever_tenths: Option<u16>,
    /// The symptoms reported, in display order, without repeats.
    pub symptoms: Vec<Symptom>,
    /// Whether a positive test caused it.
    pub positive_test: bool,
    /// E.g. `体温37.5℃，达到发热标准37.3℃；症状：干咳、乏力`.
    pub zh: String,
    /// E.g. `temperature 37.5 °C reaches the fever threshold 37.3 °C; symptoms: dry cough, fatigue`.
    pub en: String,
}

/// Whether a check must be escalated: a temperature at or above `threshold_tenths`, or any
/// symptom. `temp_tenths` is `None` when no temperature was taken.
pub fn needs_escalation(
    temp_tenths: Option<u16>,
    symptoms: &[Symptom],
    threshold_tenths: u16,
) -> Option<EscalationReason> {
    let fever = temp_tenths.filter(|&t| t >= threshold_tenths);
    let mut listed = symptoms.to_vec();
    listed.sort();
    listed.dedup();
    if fever.is_none() && listed.is_empty() {
        return None;
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if let Some(t) = fever {
        let (t, th) = (tenths_str(t), tenths_str(threshold_tenths));
        zh.push(format!("体温{t}℃，达到发热标准{th}℃"));
        en.push(format!(
            "temperature {t} °C reaches the fever threshold {th} °C"
        ));
    }
    if !listed.is_empty() {
        let names_zh: Vec<&str> = listed.iter().map(|s| s.zh()).collect();
        let names_en: Vec<&str> = listed.iter().map(|s| s.en()).collect();
        zh.push(format!("症状：{}", names_zh.join("、")));
        en.push(format!("symptoms: {}", names_en.join(", ")));
    }
    Some(EscalationReason {
        fever_tenths: fever,
        symptoms: listed,
        positive_test: false,
        zh: zh.join("；"),
        en: en.join("; "),
    })
}

/// Whether a test result must be escalated: only a positive one.
pub fn test_escalation(result: TestResult, date: NaiveDate) -> Option<EscalationReason> {
    (result == TestResult::Positive).then(|| EscalationReason {
        fever_tenths: None,
        symptoms: Vec::new(),
        positive_test: true,
        zh: format!("{}核酸检测阳性", zh_date::short(date)),
        en: format!("positive nucleic-acid test of {date}"),
    })
}

labelled_enum!(
    /// Where a case stands.
    CaseStatus, "status", "管控状态" {
        /// Under isolation or monitoring.
        Active = ("active", "管控中", "active"),
        /// Fever, symptoms or a positive test found; referral being arranged.
        Escalated = ("escalated", "异常待处置", "escalated"),
        /// Sent to the fever clinic or the designated hospital.
        Referred = ("referred", "已转诊", "referred"),
        /// Period over, released (期满解除).
        Released = ("released", "已解除", "released"),
        /// Handed to another place or team (e.g. moved to centralized isolation elsewhere).
        Transferred = ("transferred", "已转出", "transferred"),
        /// Opened by mistake (e.g. a wrong red code, 002 line 19).
        Cancelled = ("cancelled", "已撤销", "cancelled"),
    }
);

impl CaseStatus {
    /// Whether the case still needs follow-up.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::Active | CaseStatus::Escalated | CaseStatus::Referred
        )
    }

    /// Whether the case counts under 升级 (escalated or referred): fever, symptoms or a positive
    /// test not yet settled, sent to the clinic or not. The cases screen's 升级 tab and the
    /// township overview's figure both count by this rule.
    pub fn in_escalation(self) -> bool {
        matches!(self, CaseStatus::Escalated | CaseStatus::Referred)
    }

    /// Whether a case in this status may move to `next`.
    ///
    /// Release only from `Active`: an escalation must be closed (back to active when the
    /// clinic clears the person) before the case can end well. Released, transferred and
    /// cancelled are final; a new case is opened instead of reviving one.
    pub fn can_become(self, next: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, next),
            (Active, Escalated | Released | Transferred | Cancelled)
                | (Escalated, Active | Referred | Transferred | Cancelled)
                | (Referred, Active | Transferred)
        )
    }
}

labelled_enum!(
    /// A member of the 包保 team of an isolated household (四包一 / 五包一, 000 lines 16, 30).
    TeamRole, "role", "包保角色" {
        Cadre = ("cadre", "干部", "cadre"),
        GridWorker = ("grid-worker", "网格员", "grid worker"),
        Doctor = ("doctor", "医生", "doctor"),
        Police = ("police", "民警", "police officer"),
        Volunteer = ("volunteer", "志愿者", "volunteer"),
    }
);
