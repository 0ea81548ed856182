//! Who may read and write which document, from a device's role and scope and the document's
//! id alone: the one rule both sides apply. The relay (`gridbook-relay`'s `access`) enforces
//! it on every change it receives; a device checks its own writes against it with the role and
//! scope its relay gave it (at enrollment and on every sync), so that it never makes a change
//! its relay would refuse. A store with no role (not enrolled, or a relay's own store) may
//! write anything.

use rusqlite::Connection;

use crate::engine::doc_id::{DocId, DocKind};
use crate::error::{Result, StoreError};
use crate::{get_setting, Store};

/// The setting that keeps this device's id at its relay (from enrollment).
pub const DEVICE_ID: &str = "device_id";

/// What a device may do with one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Neither read nor write (another village, a kind the role has no part in).
    None,
    /// Read only.
    Read,
    /// Read and write.
    Write,
}

/// The right of a device of role `role`, serving village `village` (`None`: the whole
/// township), on document `doc` of township `township` (`None`: not known yet), when the
/// device itself is not known: it may then write no device's log of exports (see
/// [`device_right`]).
pub fn right(role: &str, village: Option<&str>, township: Option<&str>, doc: &str) -> Right {
    device_right("", role, village, township, doc)
}

/// The right of device `device` (its id at the relay) of role `role`, serving village
/// `village`, on document `doc` of township `township`: [`right`], and for a log of exports
/// and printouts (`exports:<home>:<device>`) the rule of [`exports_right`].
pub fn device_right(
    device: &str,
    role: &str,
    village: Option<&str>,
    township: Option<&str>,
    doc: &str,
) -> Right {
    // A malformed id is no document at all: nobody may read or write it.
    let Some(id) = DocId::parse(doc) else {
        return Right::None;
    };
    if id.kind == DocKind::Exports {
        return exports_right(device, role, village, township, &id);
    }
    let whole_township = role == "township";
    if id.kind == DocKind::Grid {
        if township.is_some_and(|t| t != id.owner) {
            return Right::None;
        }
        return if whole_township {
            Right::Write
        } else {
            Right::Read
        };
    }
    if whole_township {
        return Right::Write;
    }
    if id.kind == DocKind::Control {
        return control_right(role, village, id.village());
    }
    if village != id.village() {
        return Right::None;
    }
    match (id.kind, role) {
        // Volunteers match entries against the ledger; doctors read it for follow-ups.
        (DocKind::Ledger, "grid-worker") => Right::Write,
        (DocKind::Ledger, "volunteer" | "doctor") => Right::Read,
        // Isolation follow-ups are personal health data: the village's grid workers and
        // doctors (包保) keep them, the township oversees; volunteers see none of it.
        (DocKind::Isolation, "grid-worker" | "doctor") => Right::Write,
        (DocKind::Checkpoint | DocKind::Entries, "grid-worker" | "volunteer") => Right::Write,
        // Daily reports: the village's grid workers make them, the township reads and writes
        // all; volunteers and doctors have no part in them.
        (DocKind::Reports, "grid-worker") => Right::Write,
        // 核查 tasks: the township makes them (a grid worker's device can neither make nor
        // alter one), the village's grid workers answer them in the village's answers.
        (DocKind::Tasks, "grid-worker") => Right::Read,
        (DocKind::Answers, "grid-worker") => Right::Write,
        _ => Right::None,
    }
}

/// The control list (管控名单) of a village: written by whoever may write that village's
/// isolation cases (its grid workers and doctors; the township), read by the checkpoints of
/// every village of the township (volunteers and grid workers), since a person isolated in
/// one village may turn up at another village's checkpoint. It holds no name or address.
fn control_right(role: &str, own: Option<&str>, village: Option<&str>) -> Right {
    let own = own.is_some() && own == village;
    match role {
        "grid-worker" | "doctor" if own => Right::Write,
        "grid-worker" | "volunteer" => Right::Read,
        _ => Right::None,
    }
}

/// A device's log of exports and printouts: only the device itself writes it, at its own
/// home (its village; the township's id for a township device); the township reads every
/// log; nobody else reads another device's. So a hostile device can neither write an entry
/// in another device's name nor alter another device's log.
fn exports_right(
    device: &str,
    role: &str,
    village: Option<&str>,
    township: Option<&str>,
    id: &DocId<'_>,
) -> Right {
    let home = if role == "township" {
        township
    } else {
        village
    };
    let own = !device.is_empty() && id.device == Some(device) && home == Some(id.owner);
    if own {
        Right::Write
    } else if role == "township" {
        Right::Read
    } else {
        Right::None
    }
}

/// The role and village this store was given by its relay, if any.
pub(crate) fn role_and_village(conn: &Connection) -> Result<Option<(String, Option<String>)>> {
    let Some(role) = get_setting(conn, "role")?.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let village = get_setting(conn, "village_id")?.filter(|v| !v.is_empty());
    Ok(Some((role, village)))
}

/// Refuses a write to document `doc` that this device's role and scope do not allow, with a
/// message that says why in Chinese; nothing is written then.
pub(crate) fn check_write(conn: &Connection, doc: &str) -> Result<()> {
    let Some((role, village)) = role_and_village(conn)? else {
        return Ok(());
    };
    let township = get_setting(conn, "township_id")?;
    let device = get_setting(conn, DEVICE_ID)?.unwrap_or_default();
    if device_right(&device, &role, village.as_deref(), township.as_deref(), doc) == Right::Write {
        return Ok(());
    }
    Err(refusal(&role, village.as_deref(), doc))
}

/// Refuses picking a value for a conflict of document `doc` when this device's role and scope
/// may not write it (a checkpoint's volunteer and the village's ledger, a grid worker and
/// another village's control list): the same rule as every write ([`check_write`]), said as
/// the conflicts screen needs it, before anything is read of the values.
pub(crate) fn check_resolve(conn: &Connection, doc: &str) -> Result<()> {
    let Some((role, _)) = role_and_village(conn)? else {
        return Ok(());
    };
    if check_write(conn, doc).is_ok() {
        return Ok(());
    }
    let (zh_kind, en_kind) = DocId::parse(doc).map_or(("这条记录", "unknown"), |id| {
        (kind_zh(id.kind), id.kind.name())
    });
    Err(StoreError::Refused {
        code: "not_allowed_for_role".into(),
        zh: format!(
            "本机的角色是{}，不能处理{}的修改冲突；请由负责的网格员或镇防控办处理",
            role_zh(&role),
            zh_kind
        ),
        en: format!(
            "This device's role ({role}) cannot resolve conflicts in {en_kind} documents: \
             the responsible grid worker or the township does"
        ),
    })
}

/// The Chinese name of a role.
pub fn role_zh(role: &str) -> &'static str {
    match role {
        "grid-worker" => "网格员",
        "volunteer" => "卡口志愿者",
        "doctor" => "医生",
        "township" => "镇街工作人员",
        _ => "未知角色",
    }
}

/// What documents of a kind hold, in Chinese.
pub fn kind_zh(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Grid => "全镇设置（村组、管控方案、卡口决策规则）",
        DocKind::Ledger => "户籍台账",
        DocKind::Isolation => "隔离随访",
        DocKind::Checkpoint => "卡口、班次和通行证",
        DocKind::Entries => "卡口登记",
        DocKind::Reports => "日报",
        DocKind::Tasks => "核查任务",
        DocKind::Answers => "核查结果",
        DocKind::Control => "管控名单",
        DocKind::Exports => "导出和打印记录",
    }
}

/// Why a device of `role` (village `village`) may not write `doc`.
fn refusal(role: &str, village: Option<&str>, doc: &str) -> StoreError {
    let parsed = DocId::parse(doc);
    let (zh, en) = match parsed {
        Some(id) if id.kind != DocKind::Grid && village.is_some() && id.village() != village => (
            "本机只负责本村（社区），不能写入其他村（社区）的记录；请由该村的网格员或镇防控办办理"
                .to_owned(),
            "This device serves its own village only and cannot write another village's records"
                .to_owned(),
        ),
        Some(id) => (
            format!(
                "本机的角色是{}，不能修改{}；如需修改请联系镇防控办",
                role_zh(role),
                kind_zh(id.kind)
            ),
            format!(
                "This device's role ({role}) cannot change documents of kind {}",
                id.kind.name()
            ),
        ),
        None => (
            "无法识别要写入的文档".to_owned(),
            "Unknown document".to_owned(),
        ),
    };
    StoreError::Refused {
        code: "not_allowed_for_role".into(),
        zh,
        en,
    }
}

impl Store {
    /// The kinds of documents (by their id prefix) this device may write in its own village
    /// (the grid: the township's), as its role allows; every kind before enrollment. The
    /// screens hide or disable what is not in it.
    pub fn writable_kinds(&self) -> Result<Vec<&'static str>> {
        let g = self.lock();
        let Some((role, village)) = role_and_village(&g.conn)? else {
            return Ok(DocKind::ALL.into_iter().map(DocKind::name).collect());
        };
        let v = village.as_deref().unwrap_or("0");
        Ok(DocKind::ALL
            .into_iter()
            .filter(|k| {
                let probe = match k {
                    DocKind::Grid => "grid:0".to_owned(),
                    // A device's own log: written by every enrolled device; not a kind its
                    // screens offer to edit.
                    DocKind::Exports => return false,
                    DocKind::Entries => format!("entries:{v}:0:2000-01-01"),
                    DocKind::Reports => format!("reports:{v}:2000-01"),
                    _ => format!("{}:{v}", k.name()),
                };
                right(&role, village.as_deref(), None, &probe) == Right::Write
            })
            .map(DocKind::name)
            .collect())
    }

    /// Whether this device may write document `doc` (see [`right`]).
    pub fn may_write(&self, doc: &str) -> Result<bool> {
        Ok(check_write(&self.lock().conn, doc).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_villages_decide() {
        let w = |role, doc| right(role, Some("A"), Some("T"), doc);
        assert_eq!(w("grid-worker", "ledger:A"), Right::Write);
        assert_eq!(w("grid-worker", "ledger:B"), Right::None);
        assert_eq!(w("grid-worker", "grid:T"), Right::Read);
        assert_eq!(w("volunteer", "grid:T"), Right::Read);
        assert_eq!(w("volunteer", "ledger:A"), Right::Read);
        assert_eq!(w("volunteer", "entries:A:C:2026-12-01"), Right::Write);
        assert_eq!(w("volunteer", "entries:AB:C:2026-12-01"), Right::None);
        assert_eq!(w("volunteer", "care:A"), Right::None);
        assert_eq!(w("doctor", "care:A"), Right::Write);
        assert_eq!(w("doctor", "reports:A:2026-12"), Right::None);
        // Tasks are the township's; a village answers them in its own answers.
        assert_eq!(w("grid-worker", "tasks:A"), Right::Read);
        assert_eq!(w("grid-worker", "answers:A"), Right::Write);
        assert_eq!(w("grid-worker", "answers:B"), Right::None);
        // The control list: written by the village's keepers, read by every checkpoint.
        assert_eq!(w("grid-worker", "control:A"), Right::Write);
        assert_eq!(w("grid-worker", "control:B"), Right::Read);
        assert_eq!(w("volunteer", "control:B"), Right::Read);
        assert_eq!(w("volunteer", "control:A"), Right::Read);
        assert_eq!(w("doctor", "control:B"), Right::None);
        assert_eq!(right("township", None, Some("T"), "grid:T"), Right::Write);
        assert_eq!(right("township", None, Some("T"), "grid:X"), Right::None);
        assert_eq!(right("township", None, Some("T"), "nonsense"), Right::None);
    }

    #[test]
    fn a_device_writes_its_own_log_of_exports_only() {
        let dev = |device, role, village, doc| device_right(device, role, village, Some("T"), doc);
        assert_eq!(
            dev("D", "grid-worker", Some("A"), "exports:A:D"),
            Right::Write
        );
        assert_eq!(
            dev("D", "volunteer", Some("A"), "exports:A:D"),
            Right::Write
        );
        // Another device's log, its own log under another home, the township's own.
        assert_eq!(
            dev("D", "grid-worker", Some("A"), "exports:A:E"),
            Right::None
        );
        assert_eq!(
            dev("D", "grid-worker", Some("A"), "exports:B:D"),
            Right::None
        );
        assert_eq!(
            dev("D", "grid-worker", Some("A"), "exports:T:D"),
            Right::None
        );
        assert_eq!(dev("", "grid-worker", Some("A"), "exports:A:"), Right::None);
        // The township reads every log and writes its own, at the township's id.
        assert_eq!(dev("S", "township", None, "exports:A:D"), Right::Read);
        assert_eq!(dev("S", "township", None, "exports:T:S"), Right::Write);
        assert_eq!(dev("S", "township", None, "exports:A:S"), Right::Read);
        assert_eq!(
            right("township", None, Some("T"), "exports:T:S"),
            Right::Read
        );
        assert_eq!(
            right("grid-worker", Some("A"), Some("T"), "exports:A:D"),
            Right::None
        );
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn a_device_writes_only_what_its_role_allows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.add_village("甲村").unwrap();
        let b = store.add_village("乙村").unwrap();
        assert_eq!(store.writable_kinds().unwrap().len(), DocKind::ALL.len());
        store.set_setting("role", "grid-worker").unwrap();
        store.set_setting("village_id", &a).unwrap();
        assert_eq!(
            store.writable_kinds().unwrap(),
            ["ledger", "care", "gate", "entries", "reports", "answers", "control"]
        );
        let heads = store.doc_heads().unwrap();
        let household = |v: &str| crate::NewHousehold {
            village_id: v.to_owned(),
            address: "一组1号".into(),
            head: crate::NewPerson {
                name: "张三丰".into(),
                id_number: "11010519491231002X".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let e = store.add_household(&household(&b)).unwrap_err();
        assert_eq!(e.kind(), "refused");
        assert!(e.messages().0.contains("其他村"), "{}", e.messages().0);
        let e = store.add_village("丙村").unwrap_err();
        assert!(e.messages().0.contains("网格员"), "{}", e.messages().0);
        assert_eq!(store.doc_heads().unwrap(), heads, "nothing written");
        store.add_household(&household(&a)).unwrap();
        store.set_setting("role", "volunteer").unwrap();
        assert_eq!(store.writable_kinds().unwrap(), ["gate", "entries"]);
        assert!(!store.may_write(&format!("ledger:{a}")).unwrap());
    }
}
