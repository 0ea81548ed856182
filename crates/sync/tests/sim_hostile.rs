//! A hostile replica in the simulated network: an enrolled township device that
//! sends arbitrary well-formed Automerge changes to the documents in its scope — record ids
//! taken from other documents, types set again or concurrently, records removed or replaced
//! by scalars, changes without an audit message, changes authored as another device's actor —
//! mixed with legitimate edits. Whatever it does, the honest devices keep syncing, converge
//! with the relay, their projections equal a rebuild, and a device enrolled afterwards gets
//! everything on its first sync.
//!
//! Every replica is a real `Store`; sessions go through `serve` in memory, as in `sim.rs`.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ReadDoc, ROOT};
use chrono::NaiveDate;
use gridbook_store::{Audit, NewHousehold, NewPerson, Store};
use gridbook_sync::{serve, Access, DeviceSession, ScopeMemory, SyncError};
use proptest::prelude::*;
use rusqlite::Connection;
use tempfile::TempDir;

const RELAY: &str = "relay";
const HOSTILE: usize = 0;

struct Net {
    relay: Store,
    scopes: ScopeMemory,
    township: String,
    villages: Vec<String>,
    /// Device 0 is the hostile one; the others are honest township staff.
    devices: Vec<Store>,
    next: u64,
    dir: TempDir,
}

fn access(township: &str, doc: &str) -> Access {
    match doc.split_once(':') {
        Some(("grid", t)) if t == township => Access::ReadWrite,
        Some(("ledger", _)) => Access::ReadWrite,
        _ => Access::None,
    }
}

/// A mainland ID number (GB 11643-1999) that differs for every `n`.
fn mainland_id(n: u64) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(n)))
        .expect("birth date");
    let first17 = format!("110105{}{:03}", birth.format("%Y%m%d"), n % 1000);
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

fn uuid_of(n: u64) -> String {
    format!("{:08x}-6e2a-4c1d-9b7f-{:012x}", n >> 16, n)
}

fn audit(id: &str) -> String {
    let audit = Audit {
        device: "乡镇办公室".into(),
        records: vec![id.to_owned()],
        what: "edit".into(),
        commit: String::new(),
    };
    serde_json::to_string(&audit).expect("audit")
}

/// What the hostile device does to a document of its scope.
#[derive(Debug, Clone, Copy)]
enum Attack {
    /// Creates a record whose id another document holds.
    DuplicateId,
    /// Sets the type of an existing record again.
    Retype,
    /// Creates a new record concurrently with two types.
    TwoTypes,
    /// Removes a record from its document.
    Remove,
    /// Puts a scalar where a record would be.
    Scalar,
    /// A legitimate edit without its audit message.
    NoAudit,
    /// An edit authored as another actor of the document.
    ForeignActor,
    /// A legitimate edit.
    Edit,
}

#[derive(Debug, Clone)]
enum Step {
    AddHousehold { dev: usize, village: usize },
    SetPhone { dev: usize, pick: usize, phone: u16 },
    Forge { attack: Attack, pick: usize },
    Sync { dev: usize },
}

impl Net {
    fn new(honest: usize) -> Net {
        let dir = tempfile::Builder::new()
            .prefix("gridbook-hostile-")
            .tempdir_in(if std::path::Path::new("/dev/shm").is_dir() {
                "/dev/shm"
            } else {
                "/tmp"
            })
            .expect("temp dir");
        let relay = Store::open(dir.path().join("relay")).expect("relay");
        let villages: Vec<String> = ["清水村", "石桥村"]
            .iter()
            .map(|v| relay.add_village(v).expect("village"))
            .collect();
        let township = relay.township_id().expect("township");
        let mut net = Net {
            relay,
            scopes: ScopeMemory::default(),
            township,
            villages,
            devices: Vec::new(),
            next: 1,
            dir,
        };
        for _ in 0..=honest {
            net.enroll();
        }
        net
    }

    /// A new township device that syncs until quiet.
    fn enroll(&mut self) -> usize {
        let d = self.devices.len();
        let store = Store::open(self.dir.path().join(format!("dev{d}"))).expect("device");
        store
            .set_setting("township_id", &self.township)
            .expect("township");
        self.devices.push(store);
        self.quiet(d);
        d
    }

    /// One session; the relay's refusals, or the error that ended it.
    fn session(&self, d: usize) -> Result<(bool, Vec<(String, String)>), SyncError> {
        let acc = |doc: &str| access(&self.township, doc);
        let store = &self.devices[d];
        let mut s = DeviceSession::new(store, RELAY);
        let mut next = Some(s.start()?);
        let mut exchanged = false;
        let mut rounds = 0;
        while let Some(req) = next {
            rounds += 1;
            exchanged |= !req.messages.is_empty();
            let resp = serve(&self.relay, &self.scopes, &format!("dev{d}"), &acc, req)?;
            exchanged |= !resp.messages.is_empty() || !resp.differs.is_empty();
            next = s.handle(resp)?;
            assert!(rounds <= 80, "dev{d}: the session does not end");
        }
        Ok((exchanged, s.stats.refused.clone()))
    }

    /// Honest device `d` syncs until a session exchanges nothing; every session succeeds
    /// and nothing of it is refused.
    fn quiet(&self, d: usize) {
        for _ in 0..8 {
            let (exchanged, refused) = self
                .session(d)
                .unwrap_or_else(|e| panic!("dev{d}: a session failed: {e}"));
            assert!(refused.is_empty(), "dev{d}: refused {refused:?}");
            if !exchanged {
                return;
            }
        }
        panic!("dev{d} still exchanging after 8 sessions");
    }

    fn pick(&self, d: usize, table: &str, pick: usize) -> Option<String> {
        let conn =
            Connection::open(self.devices[d].dir().join(gridbook_store::DB_FILE)).expect("open");
        let mut st = conn
            .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
            .expect("prepare");
        let ids: Vec<String> = st
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        (!ids.is_empty()).then(|| ids[pick % ids.len()].clone())
    }

    fn apply(&mut self, step: &Step) {
        let n = self.devices.len();
        match *step {
            Step::AddHousehold { dev, village } => {
                let d = 1 + dev % (n - 1);
                let id_number = mainland_id(self.next);
                self.next += 1;
                self.devices[d]
                    .add_household(&NewHousehold {
                        village_id: self.villages[village % 2].clone(),
                        address: format!("{}号", self.next),
                        head: NewPerson {
                            name: "张伟".into(),
                            id_number,
                            ..Default::default()
                        },
                        ..Default::default()
                    })
                    .expect("add household");
            }
            Step::SetPhone { dev, pick, phone } => {
                let d = 1 + dev % (n - 1);
                if let Some(p) = self.pick(d, "persons WHERE deleted = 0", pick) {
                    let phone = format!("1380000{:04}", phone % 10_000);
                    self.devices[d]
                        .set_person(&p, &[("phone".into(), phone)])
                        .expect("set person");
                }
            }
            Step::Forge { attack, pick } => self.forge(attack, pick),
            Step::Sync { dev } => {
                let d = dev % n;
                let r = self.session(d);
                if d != HOSTILE {
                    let (_, refused) =
                        r.unwrap_or_else(|e| panic!("dev{d}: an honest session failed: {e}"));
                    assert!(refused.is_empty(), "dev{d}: refused {refused:?}");
                }
            }
        }
    }

    /// The hostile device builds a change by hand and merges it into its own store (which
    /// then offers it to the relay like any other change).
    fn forge(&mut self, attack: Attack, pick: usize) {
        let store = &self.devices[HOSTILE];
        let docs: Vec<String> = store
            .doc_heads()
            .expect("heads")
            .into_iter()
            .map(|(d, _)| d)
            .filter(|d| access(&self.township, d) == Access::ReadWrite)
            .collect();
        if docs.is_empty() {
            return;
        }
        let doc = &docs[pick % docs.len()];
        let base = Automerge::load(&store.export_doc(doc).expect("export")).expect("load");
        let mine = ActorId::try_from(store.actor().as_str()).expect("actor");
        let ids: Vec<String> = base.keys(ROOT).collect();
        let existing = (!ids.is_empty()).then(|| ids[pick % ids.len()].clone());
        let fresh = uuid_of(self.next);
        self.next += 1;
        // Types the document may hold, so that what is refused is refused for the attack.
        let kinds = if doc.starts_with("grid:") {
            ["village", "group"]
        } else {
            ["person", "household"]
        };
        let kind = kinds[pick % 2];
        let mut f = base.fork().with_actor(mine.clone());
        let mut tx = f.transaction();
        let mut message = None;
        match attack {
            Attack::DuplicateId => {
                let elsewhere: Vec<String> = docs
                    .iter()
                    .filter(|d| *d != doc)
                    .flat_map(|d| store.doc_record_ids(d).expect("ids"))
                    .collect();
                let Some(id) = (!elsewhere.is_empty()).then(|| &elsewhere[pick % elsewhere.len()])
                else {
                    return;
                };
                let obj = tx.put_object(ROOT, id, ObjType::Map).expect("record");
                tx.put(&obj, "type", kind).expect("type");
                message = Some(audit(id));
            }
            Attack::Retype | Attack::NoAudit | Attack::Edit | Attack::Remove => {
                let Some(id) = &existing else { return };
                let Ok(Some((_, obj))) = tx.get(ROOT, id) else {
                    return;
                };
                // (Under an id the hostile device itself made a scalar, nothing to edit.)
                let done = match attack {
                    Attack::Retype => tx.put(&obj, "type", kind),
                    Attack::Remove => tx.delete(ROOT, id.as_str()),
                    _ => tx.put(&obj, "note", format!("{pick}")),
                };
                if done.is_err() {
                    return;
                }
                if !matches!(attack, Attack::NoAudit) {
                    message = Some(audit(id));
                }
            }
            Attack::TwoTypes => {
                let obj = tx.put_object(ROOT, &fresh, ObjType::Map).expect("record");
                tx.put(&obj, "type", "person").expect("type");
                message = Some(audit(&fresh));
            }
            Attack::Scalar => {
                tx.put(ROOT, &fresh, "x").expect("scalar");
                message = Some(audit(&fresh));
            }
            Attack::ForeignActor => {
                let Some(id) = &existing else { return };
                drop(tx);
                let other = base
                    .get_changes(&[])
                    .iter()
                    .map(|c| c.actor_id().clone())
                    .find(|a| *a != mine);
                let Some(other) = other else { return };
                f = base.fork().with_actor(other);
                tx = f.transaction();
                let Ok(Some((_, obj))) = tx.get(ROOT, id) else {
                    return;
                };
                if tx.put(&obj, "note", "forged").is_err() {
                    return;
                }
                message = Some(audit(id));
            }
        }
        let mut opts = CommitOptions::default().with_time(0);
        if let Some(m) = message {
            opts = opts.with_message(m);
        }
        tx.commit_with(opts);
        let mut bytes = f.save_after(&base.get_heads());
        if let Attack::TwoTypes = attack {
            // The same record created concurrently by another actor, as a household.
            let mut g = base.fork();
            let mut tx = g.transaction();
            let obj = tx.put_object(ROOT, &fresh, ObjType::Map).expect("record");
            tx.put(&obj, "type", "household").expect("type");
            tx.commit_with(CommitOptions::default().with_message(audit(&fresh)));
            bytes.extend(g.save_after(&base.get_heads()));
        }
        // The store may refuse to project it; the changes are kept and offered all the same.
        let _ = self.devices[HOSTILE].merge_doc_bytes(doc, &bytes);
    }
}

fn dump(store: &Store) -> Vec<String> {
    let conn = Connection::open(store.dir().join(gridbook_store::DB_FILE)).expect("open");
    gridbook_store::project::dump(&conn).expect("dump")
}

fn check(honest: usize, steps: &[Step]) {
    let mut net = Net::new(honest);
    for s in steps {
        net.apply(s);
    }
    // The hostile device has its last say, then the honest ones settle, twice over.
    let _ = net.session(HOSTILE);
    for _ in 0..2 {
        for d in 1..net.devices.len() {
            net.quiet(d);
        }
    }
    let r = net.relay.reindex(true).expect("reindex");
    assert!(r.equal, "relay: projections differ from a rebuild: {r:?}");
    let heads = net.relay.doc_heads().expect("heads");
    let want = dump(&net.relay);
    let newcomer = net.enroll();
    for d in (1..net.devices.len()).chain([newcomer]) {
        let dev = &net.devices[d];
        assert_eq!(dev.doc_heads().expect("heads"), heads, "dev{d}: heads");
        assert_eq!(dump(dev), want, "dev{d}: projections");
        let r = dev.reindex(true).expect("reindex");
        assert!(r.equal, "dev{d}: projections differ from a rebuild: {r:?}");
    }
}

fn attack() -> impl Strategy<Value = Attack> {
    prop_oneof![
        Just(Attack::DuplicateId),
        Just(Attack::Retype),
        Just(Attack::TwoTypes),
        Just(Attack::Remove),
        Just(Attack::Scalar),
        Just(Attack::NoAudit),
        Just(Attack::ForeignActor),
        Just(Attack::Edit),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..4usize, 0..2usize).prop_map(|(dev, village)| Step::AddHousehold { dev, village }),
        2 => (0..4usize, any::<usize>(), any::<u16>())
            .prop_map(|(dev, pick, phone)| Step::SetPhone { dev, pick, phone }),
        3 => (attack(), any::<usize>()).prop_map(|(attack, pick)| Step::Forge { attack, pick }),
        3 => (0..4usize).prop_map(|dev| Step::Sync { dev }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_hostile_replica_cannot_stop_or_split_the_honest_ones(
        honest in 1..=2usize,
        steps in prop::collection::vec(step(), 1..32),
    ) {
        check(honest, &steps);
    }
}
