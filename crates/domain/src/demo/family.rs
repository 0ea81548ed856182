//! Who lives in a household: relations, ages and genders that fit together (children 20–40
//! years younger than the head, parents 22–35 years older, wives usually a little younger),
//! and surnames that follow the father's line.

use super::names::SURNAMES;
use super::rng::{Rng, Weighted};
use crate::model::Relation;

/// One member of a household before it becomes a [`Person`](crate::Person).
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    /// Relation to the head.
    pub(super) relation: Relation,
    /// Age in whole years today.
    pub(super) age: u32,
    /// Male or female.
    pub(super) male: bool,
    /// Surname (wives keep their own).
    pub(super) surname: &'static str,
}

/// Household sizes 1..=6 in percent; the mean is 3.82 persons.
pub(super) const SIZE_WEIGHTS: [u32; 6] = [8, 14, 18, 24, 20, 16];

/// Fills `out` with the members of a household of `size` (1..=6) persons, head first.
pub(super) fn compose(rng: &mut Rng, surnames: &Weighted, size: usize, out: &mut Vec<Slot>) {
    out.clear();
    let mut fresh = |rng: &mut Rng| SURNAMES[surnames.pick(rng)].0;
    if size <= 1 {
        // Elderly people living alone are the larger share of one-person households.
        let elderly = rng.chance(0.6);
        let age = if elderly {
            rng.range(65, 92)
        } else {
            rng.range(22, 64)
        };
        let male = rng.chance(if elderly { 0.4 } else { 0.65 });
        out.push(Slot {
            relation: Relation::Head,
            age,
            male,
            surname: fresh(rng),
        });
        return;
    }
    if size == 2 {
        let r = rng.unit();
        if r < 0.8 {
            let head_age = if r < 0.55 {
                rng.range(58, 88)
            } else {
                rng.range(23, 40)
            };
            couple(rng, &mut fresh, head_age, true, out);
        } else {
            // A widowed or divorced parent with one child.
            let head_age = rng.range(34, 72);
            let family = couple(rng, &mut fresh, head_age, false, out);
            let age = head_age - rng.range(20, head_age.min(38));
            push(rng, out, Relation::Child, age, family);
        }
        return;
    }
    let old = rng.chance(0.5);
    let head_age = if old {
        rng.range(52, 76)
    } else {
        rng.range(26, 50)
    };
    let married = rng.chance(0.92);
    let family = couple(rng, &mut fresh, head_age, married, out);
    let mut left = size - out.len();
    if old {
        if left >= 3 && (left >= 5 || rng.chance(0.7)) {
            // Three generations: a married child, the in-law and the grandchildren.
            let child_age = head_age - rng.range(22, 32);
            let son = rng.chance(0.75);
            out.push(Slot {
                relation: Relation::Child,
                age: child_age,
                male: son,
                surname: family,
            });
            let in_law_surname = fresh(rng);
            let in_law_age = (child_age + rng.range(0, 6)).saturating_sub(2).max(20);
            out.push(Slot {
                relation: Relation::ChildInLaw,
                age: in_law_age,
                male: !son,
                surname: in_law_surname,
            });
            let line = if son { family } else { in_law_surname };
            for _ in 0..left - 2 {
                let age = child_age - rng.range(20, child_age.min(34));
                push(rng, out, Relation::Grandchild, age, line);
            }
        } else {
            let children = left.min(3);
            for _ in 0..children {
                let age = head_age - rng.range(20, 40);
                push(rng, out, Relation::Child, age, family);
            }
            for _ in children..left {
                let age = head_age.saturating_sub(rng.range(44, 62));
                push(rng, out, Relation::Grandchild, age, family);
            }
        }
        return;
    }
    let children = left.min(rng.range(1, 3) as usize);
    for _ in 0..children {
        let age = head_age - rng.range(20, head_age.min(40));
        push(rng, out, Relation::Child, age, family);
    }
    left -= children;
    let head = out[0];
    if left > 0 {
        // The head's own parents: the father carries the head's surname.
        let both = left >= 2;
        let mother_only = !both && rng.chance(0.65);
        if both || !mother_only {
            let age = (head_age + rng.range(24, 35)).min(96);
            out.push(Slot {
                relation: Relation::Parent,
                age,
                male: true,
                surname: head.surname,
            });
        }
        if both || mother_only {
            let age = (head_age + rng.range(22, 32)).min(96);
            out.push(Slot {
                relation: Relation::Parent,
                age,
                male: false,
                surname: fresh(rng),
            });
        }
        left -= if both { 2 } else { 1 };
    }
    for _ in 0..left {
        let age = (head_age + rng.range(0, 12)).saturating_sub(6).max(16);
        push(rng, out, Relation::Sibling, age, head.surname);
    }
}

/// Pushes the head (and a spouse when `married`); returns the surname the children carry.
fn couple(
    rng: &mut Rng,
    fresh: &mut impl FnMut(&mut Rng) -> &'static str,
    head_age: u32,
    married: bool,
    out: &mut Vec<Slot>,
) -> &'static str {
    let male = rng.chance(0.8);
    let surname = fresh(rng);
    out.push(Slot {
        relation: Relation::Head,
        age: head_age,
        male,
        surname,
    });
    if !married {
        return surname;
    }
    // Husbands are usually 0–5 years older than their wives.
    let gap = rng.range(0, 8);
    let age = if male {
        (head_age + 2).saturating_sub(gap)
    } else {
        head_age + gap - 2
    };
    let spouse_surname = fresh(rng);
    out.push(Slot {
        relation: Relation::Spouse,
        age: age.max(20),
        male: !male,
        surname: spouse_surname,
    });
    if male {
        surname
    } else {
        spouse_surname
    }
}

/// Pushes a child or grandchild of either gender.
fn push(rng: &mut Rng, out: &mut Vec<Slot>, relation: Relation, age: u32, surname: &'static str) {
    let male = rng.chance(0.52);
    out.push(Slot {
        relation,
        age,
        male,
        surname,
    });
}
