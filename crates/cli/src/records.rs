//! The "Records" commands: villages, households, persons, search, coverage, history,
//! conflicts, documents.

use chrono::NaiveDateTime;
use gridbook_domain::{Relation, Residency, RiskTag, Vulnerable};
use gridbook_store::{NewHousehold, NewPerson, Store};
use serde_json::json;

use crate::args::{
    Cli, Cmd, DeviceCmd, DocCmd, GroupCmd, HouseholdCmd, Lang, PersonCmd, VillageCmd,
};
use crate::output::{emit, t, Failure};

type R = Result<(), Failure>;

/// Opens the store of `--data`, pinning the clock to `GRIDBOOK_NOW` when set.
fn open(cli: &Cli) -> Result<Store, Failure> {
    let store = crate::lock::open_store(cli)?;
    // A relay's data directory (its device registry beside the store) is no device: what its
    // operator exports or reveals is logged there, in no document the relay would serve.
    if cli
        .data
        .join(gridbook_relay::ops::backup::DEVICES_FILE)
        .exists()
    {
        store.keep_log_local();
    }
    if let Ok(now) = std::env::var("GRIDBOOK_NOW") {
        let parsed = NaiveDateTime::parse_from_str(&now, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(&now, "%Y-%m-%dT%H:%M"))
            .map_err(|_| {
                Failure::invalid(
                    format!("GRIDBOOK_NOW“{now}”应为 YYYY-MM-DDTHH:MM"),
                    format!("GRIDBOOK_NOW '{now}' must be YYYY-MM-DDTHH:MM"),
                )
            })?;
        store.set_now(Some(parsed));
    }
    Ok(store)
}

fn edits(raw: &[String]) -> Result<Vec<(String, String)>, Failure> {
    raw.iter()
        .map(|e| {
            e.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                .ok_or_else(|| {
                    Failure::invalid(
                        format!("“{e}”应写成 字段=值"),
                        format!("'{e}' must be FIELD=VALUE"),
                    )
                })
        })
        .collect()
}

/// A comma-separated list parsed item by item (exit 2 on the first bad one).
pub(crate) fn records_list<T: Copy>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, gridbook_domain::FieldError>,
) -> Result<Vec<T>, Failure> {
    raw.unwrap_or_default()
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).map_err(|e| Failure::from(gridbook_store::StoreError::from(e))))
        .collect()
}

fn opt<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, gridbook_domain::FieldError>,
) -> Result<Option<T>, Failure> {
    raw.map(|s| parse(s).map_err(|e| Failure::from(gridbook_store::StoreError::from(e))))
        .transpose()
}

/// Runs one command.
pub fn run(cli: Cli) -> R {
    // The relay opens its own store and registry: don't hold the device store open.
    if let Cmd::Relay(cmd) = &cli.cmd {
        return crate::sync_cmds::relay(&cli, cmd);
    }
    if let Cmd::Lock(cmd) = &cli.cmd {
        return crate::lock::run(&cli, cmd);
    }
    // The rules alone need no store: nothing is opened, nothing created.
    match &cli.cmd {
        Cmd::Checkpoint(crate::checkpoint::CheckpointCmd::Judge { input }) => {
            return crate::judge::run_judge(input, cli.json, cli.lang);
        }
        Cmd::Rules(crate::checkpoint::RulesCmd::Check { file }) => {
            return crate::judge::run_rules_check(file, cli.json);
        }
        Cmd::Field(crate::args::FieldCmd::Check { input }) => {
            return crate::field_check::run_field_check(input, cli.json);
        }
        Cmd::Case(crate::args::CaseCmd::ReleaseCheck { input }) => {
            return crate::release_check::run_release_check(input, cli.json);
        }
        _ => {}
    }
    let store = open(&cli)?;
    let (json, lang) = (cli.json, cli.lang);
    match &cli.cmd {
        Cmd::Demo {
            villages,
            households,
            seed,
            activity,
        } => {
            let now = store.now_local();
            let r = store.demo(*seed, *villages, *households, now.date())?;
            let a = if *activity {
                Some(store.demo_activity(*seed, now)?)
            } else {
                None
            };
            // The township's report as before, with what the recent weeks wrote beside it.
            let mut out = serde_json::to_value(&r).unwrap_or_default();
            if let (Some(a), Some(o)) = (&a, out.as_object_mut()) {
                o.insert(
                    "activity".into(),
                    serde_json::to_value(a).unwrap_or_default(),
                );
            }
            emit(json, &out, || {
                let mut s = format!(
                    "{} {}: {} {}, {} {}",
                    t(lang, "演示乡镇已就绪", "demo township ready"),
                    r.township_id,
                    r.households_created,
                    t(lang, "户新建", "households created"),
                    r.households_existing,
                    t(lang, "户已存在", "households already there"),
                );
                match &a {
                    Some(a) if a.already => {
                        s.push_str(&t(lang, "；近期记录已有", "; recent weeks already there"))
                    }
                    Some(a) => s.push_str(&format!(
                        "{}{} {}, {} {}, {} {}, {} {}",
                        t(lang, "；近期记录：", "; recent weeks: "),
                        a.checks,
                        t(lang, "次入户核查", "household checks"),
                        a.cases,
                        t(lang, "个隔离管控", "isolation cases"),
                        a.entries,
                        t(lang, "条卡口登记", "checkpoint entries"),
                        a.passes,
                        t(lang, "张通行证", "passes"),
                    )),
                    None => {}
                }
                s
            });
        }
        Cmd::Village(VillageCmd::List) => {
            let v = store.villages()?;
            emit(json, &v, || {
                v.iter()
                    .map(|v| format!("{}  {}  {}户 {}人", v.id, v.name, v.households, v.persons))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Village(VillageCmd::Add { name }) => {
            let id = store.add_village(name)?;
            emit(json, &json!({ "id": id }), || id.clone());
        }
        Cmd::Village(VillageCmd::Rename { id, name }) => {
            let r = store.rename_village(id, name)?;
            emit(json, &r, || format!("{}  {}", r.id, r.name));
        }
        Cmd::Group(GroupCmd::Add { village, name }) => {
            let id = store.add_group(village, name)?;
            emit(json, &json!({ "id": id }), || id.clone());
        }
        Cmd::Group(GroupCmd::Rename { id, name }) => {
            let r = store.rename_group(id, name)?;
            emit(json, &r, || format!("{}  {}", r.id, r.name));
        }
        Cmd::Household(h) => household(&store, h, json, lang)?,
        Cmd::Person(p) => person(&store, p, json, lang)?,
        Cmd::Search {
            text,
            limit,
            masked,
        } => crate::masking::search(&store, text, *limit, (json, *masked), lang)?,
        Cmd::Coverage {
            days,
            village,
            group,
        } => {
            let rows = store.coverage(*days, village.as_deref(), group.as_deref())?;
            emit(json, &rows, || {
                let mut s = format!(
                    "{} {} {}: {}",
                    t(lang, "近", "not verified in"),
                    days,
                    t(lang, "天未核查的户", "days"),
                    rows.len()
                );
                for r in rows.iter().take(50) {
                    s.push_str(&format!(
                        "\n{}  {}  {}",
                        r.group_name.as_deref().unwrap_or("-"),
                        r.address,
                        r.last_verified
                            .as_deref()
                            .unwrap_or(&t(lang, "从未核查", "never"))
                    ));
                }
                s
            });
        }
        Cmd::Reindex { check } => {
            let r = store.reindex(*check)?;
            emit(json, &r, || {
                if r.equal {
                    t(lang, "投影与文档一致", "projections equal the documents")
                } else {
                    format!(
                        "{}: {}",
                        t(lang, "投影与文档不一致", "projections differ"),
                        r.differing_tables.join(", ")
                    )
                }
            });
            if !r.equal && *check {
                return Err(Failure {
                    code: 1,
                    kind: "reindex_differs",
                    field: None,
                    zh: format!(
                        "重建的投影与现有投影不一致：{}",
                        r.differing_tables.join("、")
                    ),
                    en: format!(
                        "rebuilt projections differ: {}",
                        r.differing_tables.join(", ")
                    ),
                });
            }
        }
        Cmd::History { record_id, masked } => {
            crate::masking::history(&store, record_id, (json, *masked))?
        }
        Cmd::Conflicts { masked } => crate::masking::conflicts(&store, (json, *masked))?,
        Cmd::Resolve {
            record_id,
            field,
            value,
        } => {
            store.resolve(record_id, field, value)?;
            emit(json, &json!({ "resolved": true }), || {
                t(lang, "已选定", "resolved")
            });
        }
        Cmd::Doc(DocCmd::List) => {
            let d = store.docs()?;
            emit(json, &d, || {
                d.iter()
                    .map(|d| format!("{}  {} chunks  {} bytes", d.id, d.chunks, d.bytes))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Cmd::Doc(DocCmd::Export { doc_id, out }) => {
            let bytes = store.export_doc(doc_id)?;
            std::fs::write(out, &bytes)?;
            emit(
                json,
                &json!({ "doc_id": doc_id, "bytes": bytes.len() }),
                || {
                    format!(
                        "{} {} → {}",
                        bytes.len(),
                        t(lang, "字节", "bytes"),
                        out.display()
                    )
                },
            );
        }
        Cmd::Device(DeviceCmd::Show) => {
            let relay = store.setting("relay_url")?;
            let v = json!({
                "name": store.device_name(),
                "actor": store.actor(),
                "enrolled": relay.is_some(),
                "relay_url": relay,
                "township_id": store.setting("township_id")?,
                "unsynced": store.unsynced()?,
                "last_sync": store.setting("last_sync")?,
            });
            emit(json, &v, || {
                format!("{}  {}", store.device_name(), store.actor())
            });
        }
        Cmd::Relay(_) | Cmd::Lock(_) => {}
        Cmd::Enroll {
            relay,
            token,
            code,
            ca,
            ca_fingerprint,
        } => {
            let ca = ca.as_ref().map(std::fs::read_to_string).transpose()?;
            let ca = gridbook_sync::client_pin::enrollment_ca(
                relay,
                ca.as_deref(),
                ca_fingerprint.as_deref(),
            )?;
            let secret = match (token, code) {
                (Some(t), _) => crate::sync_cmds::Secret::Token(t),
                (None, Some(c)) => crate::sync_cmds::Secret::Code(c),
                (None, None) => {
                    return Err(Failure::invalid(
                        "请给出 --token 或 --code".to_owned(),
                        "give --token or --code".to_owned(),
                    ))
                }
            };
            crate::sync_cmds::enroll(&store, relay, secret, ca.as_deref(), json, lang)?;
        }
        Cmd::Sync => crate::sync_cmds::sync(&store, json, lang)?,
        Cmd::Policy(_) | Cmd::Case(_) | Cmd::Due { .. } | Cmd::Check(_) | Cmd::Test(_) => {
            crate::isolation::run(&store, &cli.cmd, json, lang)?;
        }
        Cmd::Group(GroupCmd::List { village }) => {
            crate::reports::group_list(&store, village.as_deref(), json)?;
        }
        Cmd::Overview(a) => crate::reports::overview(&store, a, json, lang)?,
        Cmd::Followup(c) => crate::unit_lists::followup(&store, c, json, lang)?,
        Cmd::Report(c) => crate::reports::report(&store, c, json, lang)?,
        Cmd::Export(a) => crate::export::export(&store, a, json, lang)?,
        Cmd::ExportLog { limit } => crate::export::export_log(&store, *limit, json, lang)?,
        Cmd::Print(c) => crate::export::print(&store, c, json, lang)?,
        Cmd::Import(a) => crate::import::import(&store, a, json, lang)?,
        Cmd::Duplicates { dismissed } => {
            crate::person_merge::duplicates(&store, *dismissed, json, lang)?
        }
        Cmd::Checkpoint(c) => crate::checkpoint::checkpoint(&store, c, json, lang)?,
        Cmd::Tasks(c) => crate::tasks::tasks(&store, c, json, lang)?,
        Cmd::Entry(c) => crate::checkpoint::entry(&store, c, json, lang)?,
        Cmd::Shift(c) => crate::checkpoint::shift(&store, c, json)?,
        Cmd::Pass(c) => crate::checkpoint::pass(&store, c, json, lang)?,
        Cmd::Rules(c) => crate::checkpoint::rules(&store, c, json)?,
        // Run before a store is opened; here for completeness only.
        Cmd::Field(crate::args::FieldCmd::Check { input }) => {
            crate::field_check::run_field_check(input, json)?
        }
        Cmd::Match {
            text,
            checkpoint,
            limit,
            masked,
        } => {
            let m = crate::checkpoint::Match {
                text,
                checkpoint,
                limit: *limit,
                masked: *masked,
            };
            crate::checkpoint::matches(&store, &m, json)?
        }
        Cmd::Quarantine => crate::quarantine::list(&store, json, lang)?,
        Cmd::Reveal { record, field } => {
            let value = store.reveal(record, field)?;
            let out = json!({ "record": record, "field": field, "value": value });
            emit(json, &out, || value.clone());
        }
        Cmd::Township(cmd) => crate::township::run(&store, cmd, json, lang)?,
        Cmd::Device(DeviceCmd::Rename { name }) => {
            store.set_device_name(name)?;
            emit(json, &json!({ "name": name }), String::new);
        }
    }
    Ok(())
}

fn household(store: &Store, cmd: &HouseholdCmd, json: bool, lang: Lang) -> R {
    match cmd {
        HouseholdCmd::Add {
            village,
            group,
            address,
            head_name,
            head_id,
            phone,
        } => {
            let h = NewHousehold {
                village_id: village.clone(),
                group_id: group.clone(),
                address: address.clone(),
                phone: phone.clone(),
                head: NewPerson {
                    name: head_name.clone(),
                    id_number: head_id.clone(),
                    phone: phone.clone(),
                    relation: Some(Relation::Head),
                    ..Default::default()
                },
            };
            let (hid, pid) = store.add_household(&h)?;
            emit(
                json,
                &json!({ "household_id": hid, "person_id": pid }),
                || hid.clone(),
            );
        }
        HouseholdCmd::List { village, group } => {
            let rows = store.households_in(village.as_deref(), group.as_deref())?;
            emit(json, &rows, || {
                rows.iter()
                    .map(|h| {
                        format!(
                            "{}  {}  {}  {}人",
                            h.id,
                            h.address,
                            h.head_name.as_deref().unwrap_or("-"),
                            h.residents
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        HouseholdCmd::Show { id, masked } => {
            // People read the card masked; a script reads full values, each a recorded reveal.
            let d = store.household_shown(id, json && !masked)?;
            emit(json, &d, || {
                let mut s = format!(
                    "{}  {}",
                    d.household.address,
                    crate::masking::phone(d.household.phone.as_deref())
                );
                for p in &d.residents {
                    s.push_str(&format!(
                        "\n  {}  {}  {}",
                        p.name,
                        crate::masking::id(&p.id_number),
                        crate::masking::phone(p.phone.as_deref())
                    ));
                }
                s
            });
        }
        HouseholdCmd::Verify { id } => {
            let vid = store.verify_household(id)?;
            emit(json, &json!({ "verification_id": vid }), || {
                t(lang, "今日已核查", "verified today")
            });
        }
        HouseholdCmd::Set { id, edits: raw } => {
            let changed = store.set_household(id, &edits(raw)?)?;
            emit(json, &json!({ "changed": changed }), || changed.join(", "));
        }
    }
    Ok(())
}

fn person(store: &Store, cmd: &PersonCmd, json: bool, lang: Lang) -> R {
    match cmd {
        PersonCmd::Add {
            household,
            name,
            id_number,
            phone,
            tags,
            vulnerable,
            relation,
            residency,
            plate,
        } => {
            let p = NewPerson {
                name: name.clone(),
                id_number: id_number.clone(),
                id_kind: None,
                phone: phone.clone(),
                relation: opt(relation.as_deref(), Relation::parse)?,
                residency: opt(residency.as_deref(), Residency::parse)?,
                tags: records_list(tags.as_deref(), RiskTag::parse)?,
                vulnerable: records_list(vulnerable.as_deref(), Vulnerable::parse)?,
                plate: plate.clone(),
            };
            let pid = store.add_person(household, &p)?;
            emit(json, &json!({ "person_id": pid }), || pid.clone());
        }
        PersonCmd::Set { id, edits: raw } => {
            let changed = store.set_person(id, &edits(raw)?)?;
            emit(json, &json!({ "changed": changed }), || {
                if changed.is_empty() {
                    t(lang, "没有变化", "nothing changed")
                } else {
                    changed.join(", ")
                }
            });
        }
        PersonCmd::Merge(a) => crate::person_merge::merge(store, a, json, lang)?,
        PersonCmd::Unmerge { id } => crate::person_merge::unmerge(store, id, json, lang)?,
        PersonCmd::DismissDuplicate(a) => crate::person_merge::dismiss(store, a, json, lang)?,
        // Run before a store is opened (main); here for completeness only.
        PersonCmd::DuplicateCheck { input } => {
            crate::duplicate_check::run_duplicate_check(input, json)?
        }
        PersonCmd::List(a) => crate::unit_lists::person_list(store, a, json, lang)?,
        PersonCmd::Show { id, masked } => {
            let p = store.person_shown(id, json && !masked)?;
            emit(json, &p, || {
                let merged = p.merged_into.as_deref().map_or(String::new(), |to| {
                    format!("  {} {to}", t(lang, "已合并到", "merged into"))
                });
                format!(
                    "{}  {}  {}{merged}",
                    p.name,
                    crate::masking::id(&p.id_number),
                    crate::masking::phone(p.phone.as_deref())
                )
            });
        }
    }
    Ok(())
}
