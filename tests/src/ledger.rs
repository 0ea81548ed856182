//! The 一户一档 ledger in tests: its header row as the township files it (every export of the
//! ledger carries it, and the tests check it), and two devices sharing one household, as the
//! tests of merging and masking start from.

use gridbook_store::{NewHousehold, NewPerson, Store};
use tempfile::TempDir;

use crate::mainland_id;

/// The ledger's header row, column by column.
pub const LEDGER_HEADER: [&str; 21] = [
    "序号",
    "村（社区）",
    "组",
    "户号",
    "户主姓名",
    "与户主关系",
    "姓名",
    "性别",
    "公民身份号码",
    "联系电话",
    "现住址",
    "人员类型",
    "重点人员类别",
    "七类人",
    "疫苗接种剂次",
    "最近核酸日期",
    "最近核酸结果",
    "外出务工",
    "最近核查日期",
    "核查人",
    "备注",
];

/// Two devices: real stores on SQLite files, each in its own temporary directory (kept
/// alive as long as the value).
pub struct TwoStores {
    /// The first device, where [`household_with_member`] usually writes.
    pub a: Store,
    /// The second device.
    pub b: Store,
    /// The directories of `a` and `b`.
    pub dirs: (TempDir, TempDir),
}

/// Opens two empty stores in fresh temporary directories.
pub fn two_stores() -> TwoStores {
    let dirs = (
        tempfile::tempdir().expect("dir a"),
        tempfile::tempdir().expect("dir b"),
    );
    let a = Store::open(dirs.0.path()).expect("open a");
    let b = Store::open(dirs.1.path()).expect("open b");
    TwoStores { a, b, dirs }
}

/// What [`household_with_member`] writes: its ids.
pub struct OneHousehold {
    /// The village 清水村.
    pub village: String,
    /// The household at 清水村三组12号.
    pub household: String,
    /// Its second resident, 李秀英.
    pub member: String,
}

/// Writes on `store` the village 清水村 and a household at 清水村三组12号 with `phone` as the
/// household's phone, headed by 张晓明 (`mainland_id(1_001)`, 13812345678), with a second
/// resident 李秀英 (`mainland_id(2_002)`, 13987654321).
pub fn household_with_member(store: &Store, phone: Option<&str>) -> OneHousehold {
    let village = store.add_village("清水村").expect("village");
    let (household, _head) = store
        .add_household(&NewHousehold {
            village_id: village.clone(),
            address: "清水村三组12号".into(),
            phone: phone.map(str::to_owned),
            head: NewPerson {
                name: "张晓明".into(),
                id_number: mainland_id(1_001),
                phone: Some("13812345678".into()),
                ..Default::default()
            },
            ..Default::default()
        })
        .expect("household");
    let member = store
        .add_person(
            &household,
            &NewPerson {
                name: "李秀英".into(),
                id_number: mainland_id(2_002),
                phone: Some("13987654321".into()),
                ..Default::default()
            },
        )
        .expect("person");
    OneHousehold {
        village,
        household,
        member,
    }
}

/// Sends every document of `from` to `to`, as whole saved documents (the bytes of
/// `export_doc`, arriving through `merge_doc_bytes` as through a file or a relay).
pub fn send_all(from: &Store, to: &Store) {
    for doc in from.docs().expect("docs") {
        let bytes = from.export_doc(&doc.id).expect("export");
        to.merge_doc_bytes(&doc.id, &bytes).expect("merge");
    }
}
