//! The records of the household ledger (一户一档) and the grid they belong to.
//!
//! Every enum has a stable ASCII `code` (what documents and projections store), a Chinese
//! label and an English label; parsing accepts the code or either label.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares an enum with stable codes and zh/en labels.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, $zh_name:literal { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(::ts_rs::TS))]
        $(#[$meta])*
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($(#[$vmeta])* #[doc = $zh] $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code stored in documents and projections.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The Chinese label.
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            /// The English label.
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// Parses a code, a Chinese label or an English label (case-insensitive).
            pub fn parse(s: &str) -> Result<Self, $crate::error::FieldError> {
                let t = s.trim();
                for v in Self::ALL {
                    if t == v.code() || t == v.zh() || t.eq_ignore_ascii_case(v.en()) {
                        return Ok(*v);
                    }
                }
                let zh_all: Vec<&str> = Self::ALL.iter().map(|v| v.zh()).collect();
                let en_all: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                Err($crate::error::FieldError::new(
                    $field,
                    "unknown_value",
                    format!("{}“{}”无效，可选：{}", $zh_name, t, zh_all.join("、")),
                    format!("unknown {} '{}', expected one of: {}", $field, t, en_all.join(", ")),
                ))
            }
        }
    };
}

pub(crate) use labelled_enum;

labelled_enum!(
    /// Gender (性别), derived from the ID number when it is a mainland ID.
    Gender, "gender", "性别" {
        Male = ("male", "男", "male"),
        Female = ("female", "女", "female"),
        Unknown = ("unknown", "未知", "unknown"),
    }
);

labelled_enum!(
    /// Kind of identity document.
    IdKind, "id_kind", "证件类型" {
        /// 居民身份证 (GB 11643-1999).
        Mainland = ("mainland", "居民身份证", "mainland ID"),
        /// 护照.
        Passport = ("passport", "护照", "passport"),
        /// 港澳居民来往内地通行证 (回乡证).
        HkMacau = ("hk-macau", "港澳居民来往内地通行证", "HK/Macau permit"),
        /// 台湾居民来往大陆通行证 (台胞证).
        Taiwan = ("taiwan", "台湾居民来往大陆通行证", "Taiwan permit"),
    }
);

labelled_enum!(
    /// Residency status (户籍/常住/流动/租户).
    Residency, "residency", "人员类型" {
        Registered = ("registered", "户籍", "registered"),
        Resident = ("resident", "常住", "resident"),
        Floating = ("floating", "流动", "floating"),
        Tenant = ("tenant", "租户", "tenant"),
    }
);

labelled_enum!(
    /// Relation to the head of household.
    Relation, "relation", "与户主关系" {
        Head = ("head", "户主", "head"),
        Spouse = ("spouse", "配偶", "spouse"),
        Child = ("child", "子女", "child"),
        Parent = ("parent", "父母", "parent"),
        Grandchild = ("grandchild", "孙子女", "grandchild"),
        Grandparent = ("grandparent", "祖父母", "grandparent"),
        Sibling = ("sibling", "兄弟姐妹", "sibling"),
        ChildInLaw = ("child-in-law", "儿媳女婿", "child-in-law"),
        Other = ("other", "其他", "other"),
    }
);

labelled_enum!(
    /// Epidemiological risk tags (重点人员).
    RiskTag, "tags", "风险标签" {
        Overseas = ("overseas", "境外返乡", "returned from abroad"),
        CloseContact = ("close-contact", "密接", "close contact"),
        SecondaryContact = ("secondary-contact", "次密接", "secondary contact"),
        MediumRisk = ("medium-risk", "中风险地区来返", "from a medium-risk area"),
        HighRisk = ("high-risk", "高风险地区来返", "from a high-risk area"),
        RedCode = ("red-code", "红码", "red health code"),
        YellowCode = ("yellow-code", "黄码", "yellow health code"),
    }
);

labelled_enum!(
    /// The seven vulnerable groups (七类人).
    Vulnerable, "vulnerable", "七类人" {
        ElderlyAlone = ("elderly-alone", "独居老人", "elderly living alone"),
        Pregnant = ("pregnant", "孕产妇", "pregnant or postpartum"),
        Disabled = ("disabled", "残疾人", "disabled"),
        LimitedMobility = ("limited-mobility", "行动不便", "limited mobility"),
        Dialysis = ("dialysis", "血透患者", "dialysis patient"),
        Mental = ("mental", "精神病患者", "mental illness"),
        Chronic = ("chronic", "慢性病患者", "chronic disease"),
    }
);

labelled_enum!(
    /// Result of a nucleic-acid test.
    TestResult, "result", "检测结果" {
        Negative = ("negative", "阴性", "negative"),
        Positive = ("positive", "阳性", "positive"),
        Pending = ("pending", "待出结果", "pending"),
    }
);

/// A township (镇/街道), grid level 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    /// Stable id.
    pub id: Uuid,
    /// Name, e.g. 石桥镇.
    pub name: String,
}

/// A village or community (村/社区), grid level 2. Every record belongs to one village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    /// Stable id.
    pub id: Uuid,
    /// Name, e.g. 桂花村.
    pub name: String,
}

/// A group (组/社/网格), grid level 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Stable id.
    pub id: Uuid,
    /// The village it belongs to.
    pub village_id: Uuid,
    /// Name, e.g. 三组.
    pub name: String,
}

/// A household (一户一档).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// Stable id.
    pub id: Uuid,
    /// The village it belongs to.
    pub village_id: Uuid,
    /// The group, when known.
    pub group_id: Option<Uuid>,
    /// Address, e.g. 桂花村三组12号.
    pub address: String,
    /// The head of household (a person of this household).
    pub head_person_id: Option<Uuid>,
    /// Contact phone of the household.
    pub phone: Option<String>,
}

/// A person of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Stable id.
    pub id: Uuid,
    /// The household the person belongs to.
    pub household_id: Uuid,
    /// Full name.
    pub name: String,
    /// Male or female, from the ID number or as typed for other documents.
    pub gender: Gender,
    /// Kind of ID document.
    pub id_kind: IdKind,
    /// The normalized document number.
    pub id_number: String,
    /// Birth date, when known (from the mainland ID).
    pub birth_date: Option<NaiveDate>,
    /// Mobile or landline, normalized.
    pub phone: Option<String>,
    /// Relation to the head of household.
    pub relation: Relation,
    /// 户籍/常住/流动/租户.
    pub residency: Residency,
    /// Risk tags.
    pub risk_tags: Vec<RiskTag>,
    /// 七类人 categories.
    pub vulnerable: Vec<Vulnerable>,
    /// Works away from home (外出务工).
    pub works_away: bool,
    /// Vehicle plate, normalized.
    pub plate: Option<String>,
    /// Current address if it differs from the household's (常住地).
    pub address: Option<String>,
}

/// A vaccination dose given to a person; dose counts are derived from these events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccination {
    /// Stable id.
    pub id: Uuid,
    /// The person vaccinated.
    pub person_id: Uuid,
    /// Date of the dose.
    pub date: NaiveDate,
    /// Vaccine or manufacturer, free text.
    pub vaccine: Option<String>,
}

/// A nucleic-acid test of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEvent {
    /// Stable id.
    pub id: Uuid,
    /// The person tested.
    pub person_id: Uuid,
    /// Sample date.
    pub date: NaiveDate,
    /// Negative, positive or pending.
    pub result: TestResult,
}

/// "Checked today" (今日已核查): someone verified a household on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Stable id.
    pub id: Uuid,
    /// The household verified.
    pub household_id: Uuid,
    /// When, local time.
    pub at: NaiveDateTime,
    /// Device that recorded it.
    pub device: String,
}
