//! Generating the households of one village: addresses by group, family members, their ID
//! numbers, residency, work away, phones, plates, tags and events.

use chrono::{Datelike, Days, NaiveDate};

use super::events::{tests, vaccinations};
use super::family::{compose, Slot, SIZE_WEIGHTS};
use super::ids::IdAllocator;
use super::names::SURNAMES;
use super::places::{DAZHOU, ELSEWHERE, VACCINES, WORK_CITIES};
use super::rng::{Rng, Weighted};
use super::traits::{given_name, phone, plate, risk_tags, vulnerable};
use super::{DemoHousehold, DemoPlan, DemoVillage, TAG_VILLAGE};
use crate::model::{Gender, Household, IdKind, Person, Relation, Residency};

/// Weighted tables built once per village.
struct Pools {
    surnames: Weighted,
    elsewhere: Weighted,
    cities: Weighted,
    vaccines: Weighted,
    sizes: Weighted,
}

impl Pools {
    fn new() -> Self {
        Self {
            surnames: Weighted::new(SURNAMES.iter().map(|s| s.1)),
            elsewhere: Weighted::new(ELSEWHERE.iter().map(|s| s.1)),
            cities: Weighted::new(WORK_CITIES.iter().map(|s| s.1)),
            vaccines: Weighted::new(VACCINES.iter().map(|s| s.1)),
            sizes: Weighted::new(SIZE_WEIGHTS),
        }
    }
}

/// The state of one village's generation.
struct VillageGen<'a> {
    rng: Rng,
    pools: Pools,
    ids: IdAllocator,
    village: &'a DemoVillage,
    county: u32,
    today: NaiveDate,
    group_weights: Weighted,
    house_numbers: Vec<u32>,
    tenant_share: f64,
    slots: Vec<Slot>,
}

/// See [`super::village_households`].
pub(super) fn generate(
    seed: u64,
    plan: &DemoPlan,
    index: usize,
    today: NaiveDate,
) -> Vec<DemoHousehold> {
    let Some(village) = plan.villages.get(index) else {
        return Vec::new();
    };
    let mut rng = Rng::stream(seed, TAG_VILLAGE, index as u64);
    let group_weights = Weighted::new(village.groups.iter().map(|_| rng.range(60, 140)));
    let community = village.village.name.ends_with("社区");
    let mut gen = VillageGen {
        rng,
        pools: Pools::new(),
        ids: IdAllocator::new(seed, index, plan.villages.len()),
        village,
        county: plan.county_code,
        today,
        group_weights,
        house_numbers: vec![0; village.groups.len()],
        tenant_share: if community { 0.15 } else { 0.04 },
        slots: Vec::with_capacity(6),
    };
    (0..village.households).map(|_| gen.household()).collect()
}

impl VillageGen<'_> {
    fn household(&mut self) -> DemoHousehold {
        let id = self.rng.uuid();
        let v = self.village;
        let (group_id, address) = if v.groups.is_empty() {
            (
                None,
                format!("{}{}号", v.village.name, self.rng.range(1, 300)),
            )
        } else {
            let g = self.group_weights.pick(&mut self.rng);
            // House numbers go up within a group, with the odd gap of a demolished house.
            self.house_numbers[g] += if self.rng.chance(0.08) { 2 } else { 1 };
            let group = &v.groups[g];
            (
                Some(group.id),
                format!(
                    "{}{}{}号",
                    v.village.name, group.name, self.house_numbers[g]
                ),
            )
        };
        let size = self.pools.sizes.pick(&mut self.rng) + 1;
        compose(&mut self.rng, &self.pools.surnames, size, &mut self.slots);
        let tenant = self.rng.chance(self.tenant_share);
        let family_region = if tenant {
            self.region_away()
        } else {
            self.region_local()
        };
        let mut out = DemoHousehold {
            household: Household {
                id,
                village_id: v.village.id,
                group_id,
                address,
                head_person_id: None,
                phone: None,
            },
            persons: Vec::with_capacity(size),
            vaccinations: Vec::with_capacity(size * 3),
            tests: Vec::with_capacity(size * 2),
        };
        for i in 0..self.slots.len() {
            let slot = self.slots[i];
            let person = self.person(&mut out, slot, tenant, family_region);
            if slot.relation == Relation::Head {
                out.household.head_person_id = Some(person.id);
                out.household.phone.clone_from(&person.phone);
            }
            out.persons.push(person);
        }
        out
    }

    fn person(
        &mut self,
        out: &mut DemoHousehold,
        slot: Slot,
        tenant: bool,
        family_region: u32,
    ) -> Person {
        let rng = &mut self.rng;
        let id = rng.uuid();
        let Slot {
            relation,
            age,
            male,
            surname,
        } = slot;
        // Floating people are those who married or moved in without moving their 户口.
        let incomer = matches!(
            relation,
            Relation::Spouse | Relation::ChildInLaw | Relation::Sibling
        );
        let floating = !tenant && incomer && (18..=60).contains(&age) && rng.chance(0.12);
        let married_in =
            matches!(relation, Relation::Spouse | Relation::ChildInLaw) && rng.chance(0.3);
        let region = if floating || (tenant && married_in) {
            self.region_away()
        } else if married_in {
            self.region_local()
        } else {
            family_region
        };
        let rng = &mut self.rng;
        let days = u64::from(age) * 365 + u64::from(age / 4) + rng.below(365);
        let birth = self
            .today
            .checked_sub_days(Days::new(days))
            .unwrap_or(self.today);
        let (id_number, birth) = self.ids.issue(region, birth, male);
        let mut name = String::with_capacity(12);
        name.push_str(surname);
        given_name(rng, birth.year(), male, &mut name);
        let residency = if tenant {
            Residency::Tenant
        } else if floating {
            Residency::Floating
        } else if rng.chance(0.78) {
            Residency::Registered
        } else {
            Residency::Resident
        };
        let works_away = (18..=55).contains(&age) && rng.chance(if tenant { 0.04 } else { 0.14 });
        let address = works_away.then(|| WORK_CITIES[self.pools.cities.pick(rng)].0.to_owned());
        let phone = phone(rng, age);
        let risk_tags = risk_tags(rng);
        let alone = self.slots.len() == 1;
        let vulnerable = vulnerable(rng, age, male, alone);
        let plate = (relation == Relation::Head && (20..=75).contains(&age) && rng.chance(0.26))
            .then(|| plate(rng, if tenant { 0.3 } else { 0.9 }));
        vaccinations(
            rng,
            &self.pools.vaccines,
            id,
            birth,
            self.today,
            &mut out.vaccinations,
        );
        tests(rng, id, !risk_tags.is_empty(), self.today, &mut out.tests);
        Person {
            id,
            household_id: out.household.id,
            name,
            gender: if male { Gender::Male } else { Gender::Female },
            id_kind: IdKind::Mainland,
            id_number,
            birth_date: Some(birth),
            phone,
            relation,
            residency,
            risk_tags,
            vulnerable,
            works_away,
            plate,
            address,
        }
    }

    /// Region of a family registered here: mostly the township's county.
    fn region_local(&mut self) -> u32 {
        let x = self.rng.unit();
        if x < 0.88 {
            self.county
        } else if x < 0.95 {
            self.rng.pick(DAZHOU)
        } else {
            ELSEWHERE[self.pools.elsewhere.pick(&mut self.rng)].0
        }
    }

    /// Region of tenants and floating people: another county of 达州 or further away.
    fn region_away(&mut self) -> u32 {
        if self.rng.chance(0.35) {
            let other = self.rng.pick(DAZHOU);
            if other != self.county {
                return other;
            }
        }
        ELSEWHERE[self.pools.elsewhere.pick(&mut self.rng)].0
    }
}
