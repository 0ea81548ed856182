//! 核查任务: people on lists pushed from above (公安、卫健), each checked by the grid worker of
//! the village they live in, and answered with one of three outcomes.

use crate::model::labelled_enum;

labelled_enum!(
    /// What the grid worker found when checking a person on a pushed list.
    #[cfg_attr(feature = "ts", ts(rename = "TaskOutcome"))]
    Outcome, "outcome", "核查结果" {
        /// The person is in the village and was seen or reached.
        Present = ("present", "在村已核实", "present, verified"),
        /// The person has left the village.
        Left = ("left", "已离开", "has left"),
        /// Nobody of that name and number is known in the village.
        Unknown = ("unknown", "查无此人", "no such person"),
    }
);

/// Longest note a grid worker may write on an answer (characters).
pub const MAX_NOTE: usize = 200;

/// Default hours a village has to check a pushed person, when the township sets none.
pub const DEFAULT_DUE_HOURS: u32 = 24;

/// Most hours a township may give (30 days).
pub const MAX_DUE_HOURS: u32 = 24 * 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_parse_from_code_and_label() {
        assert_eq!(Outcome::parse("present").unwrap(), Outcome::Present);
        assert_eq!(Outcome::parse("已离开").unwrap(), Outcome::Left);
        assert_eq!(Outcome::parse(" 查无此人 ").unwrap(), Outcome::Unknown);
        let e = Outcome::parse("gone").unwrap_err();
        assert!(e.zh.contains("在村已核实"), "{}", e.zh);
    }
}
