//! Which group (组) a record counts under, said once: a household belongs to the group its
//! `group_id` names; a person, a case and its follow-ups count where their household lives.
//! The overview's per-group figures count by [`GROUP`] and the lists a group's figure opens
//! narrow with [`in_group`], both over the household `h` (a record's, joined by
//! [`household_join`]), so a group's figure and the list behind it count the same records.

/// Joins `h`, the household of the record whose household id is the SQL expression
/// `household` (a record without a household row has no group).
pub(crate) fn household_join(household: &str) -> String {
    format!("LEFT JOIN households h ON h.id = {household}")
}

/// The group of `h`: a household's own, or the household a record lives in.
pub(crate) const GROUP: &str = "h.group_id";

/// Whether `h` is in the group the SQL parameter `param` names (a NULL parameter: every
/// household, grouped or not).
pub(crate) fn in_group(param: &str) -> String {
    format!("({param} IS NULL OR {GROUP} = {param})")
}

/// A group id as asked for (a list narrowed to a group), checked to be an id.
pub(crate) fn group_param(group: Option<&str>) -> crate::Result<Option<String>> {
    group
        .map(|g| crate::engine::text::parse_uuid("group", g))
        .transpose()
}
