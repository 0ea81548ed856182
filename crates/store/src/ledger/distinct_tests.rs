//! Tests of "not the same person" (不是同一人) dismissals (real SQLite stores).

use gridbook_domain::validate::check_char;

use crate::engine::doc_id::{doc_id, DocKind};
use crate::{NewHousehold, NewPerson, Store};

fn idn(birth: &str, seq: u32) -> String {
    let first = format!("110105{birth}{seq:03}");
    format!("{first}{}", check_char(&first).unwrap())
}

/// Adds a household headed by a person named `name` born on `birth`; returns the person id.
fn household(s: &Store, village: &str, address: &str, name: &str, seq: u32) -> String {
    let h = NewHousehold {
        village_id: village.into(),
        address: address.into(),
        head: NewPerson {
            name: name.into(),
            id_number: idn("19800101", seq),
            ..Default::default()
        },
        ..Default::default()
    };
    s.add_household(&h).unwrap().1
}

fn listed(s: &Store) -> Vec<[String; 2]> {
    s.duplicates()
        .unwrap()
        .into_iter()
        .map(|d| d.persons)
        .collect()
}

#[test]
fn a_dismissed_pair_leaves_the_list_until_undone_and_syncs() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sa, sb) = (
        Store::open(da.path()).unwrap(),
        Store::open(db.path()).unwrap(),
    );
    let v = sa.add_village("东山村").unwrap();
    let w = sa.add_village("西山村").unwrap();
    let x = household(&sa, &v, "1组1号", "王芳", 11);
    let y = household(&sa, &v, "2组5号", "王芳", 23);
    let z = household(&sa, &w, "3组2号", "李强", 35);
    let pair = if x < y {
        [x.clone(), y.clone()]
    } else {
        [y.clone(), x.clone()]
    };
    assert!(listed(&sa).contains(&pair), "{:?}", listed(&sa));

    // Dismissed with the ids in either order and a reason; dismissing again writes nothing.
    sa.dismiss_duplicate(&y, &x, Some("  同名同生日，父女  "))
        .unwrap();
    assert!(!listed(&sa).contains(&pair));
    let heads = sa.doc_heads().unwrap();
    sa.dismiss_duplicate(&x, &y, None).unwrap();
    assert_eq!(sa.doc_heads().unwrap(), heads, "dismissed already");
    let dismissed = sa.dismissed_duplicates().unwrap();
    assert_eq!(dismissed.len(), 1);
    assert_eq!(dismissed[0].persons, pair);
    assert_eq!(dismissed[0].reason.as_deref(), Some("同名同生日，父女"));
    assert!(sa.reindex(true).unwrap().equal);

    // Another store that receives the ledger does not list the pair either.
    let township = sa.township_id().unwrap();
    sb.set_setting("township_id", &township).unwrap();
    let docs = [
        doc_id(DocKind::Grid, &township),
        doc_id(DocKind::Ledger, &v),
        doc_id(DocKind::Ledger, &w),
    ];
    let copy = |from: &Store, to: &Store| {
        for d in &docs {
            to.merge_doc_bytes(d, &from.export_doc(d).unwrap()).unwrap();
        }
    };
    copy(&sa, &sb);
    assert!(!listed(&sb).contains(&pair));
    assert_eq!(sb.dismissed_duplicates().unwrap(), dismissed);

    // Both stores dismissed it at the same time (two records); undone on one, it is listed
    // again everywhere once the other has the undoing.
    sa.restore_duplicate(&x, &y).unwrap();
    sb.restore_duplicate(&x, &y).unwrap();
    sb.dismiss_duplicate(&x, &y, None).unwrap();
    copy(&sb, &sa);
    assert!(!listed(&sa).contains(&pair), "b's new dismissal counts");
    sa.restore_duplicate(&y, &x).unwrap();
    copy(&sa, &sb);
    for s in [&sa, &sb] {
        assert!(listed(s).contains(&pair));
        assert!(s.dismissed_duplicates().unwrap().is_empty());
        assert!(
            s.conflicts().unwrap().is_empty(),
            "undone twice at once: no conflict"
        );
        assert!(s.reindex(true).unwrap().equal);
    }
    let e = sa.restore_duplicate(&x, &y).unwrap_err();
    assert_eq!(e.kind(), "refused");
    assert!(e.messages().0.contains("没有被标记"), "{}", e.messages().0);

    // Bad input: one person twice, an unknown id, a reason too long; nothing written.
    let heads = sa.doc_heads().unwrap();
    assert_eq!(
        sa.dismiss_duplicate(&x, &x, None).unwrap_err().kind(),
        "refused"
    );
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_eq!(
        sa.dismiss_duplicate(&x, unknown, None).unwrap_err().kind(),
        "not_found"
    );
    assert_eq!(
        sa.dismiss_duplicate(&x, "垃圾", None).unwrap_err().kind(),
        "invalid"
    );
    let long = "长".repeat(201);
    assert_eq!(
        sa.dismiss_duplicate(&x, &y, Some(&long))
            .unwrap_err()
            .kind(),
        "invalid"
    );
    assert_eq!(sa.doc_heads().unwrap(), heads);

    // A grid worker's device: within its village only, as a merge.
    sa.set_setting("role", "grid-worker").unwrap();
    sa.set_setting("village_id", &v).unwrap();
    let e = sa.dismiss_duplicate(&x, &z, None).unwrap_err();
    assert!(
        e.messages().0.contains("跨村排除疑似重复须由乡镇操作"),
        "{}",
        e.messages().0
    );
    assert_eq!(sa.doc_heads().unwrap(), heads);
    sa.dismiss_duplicate(&x, &y, None).unwrap();
    assert!(!listed(&sa).contains(&pair));
}
