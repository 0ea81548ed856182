//! Writes `tests/fixtures/v1.sqlite`: a store as schema version 1 left it (documents,
//! chunks and v1 projections, no search index), for the migration test. Run once when the
//! fixture must be remade: `cargo run -p gridbook-store --example make_v1_fixture`.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjType, ROOT};
use rusqlite::{params, Connection};

const VILLAGE: &str = "7162e633-8e94-4b7e-8635-f27202104ad5";
const HOUSEHOLD: &str = "3345e155-2d21-438c-889e-7ffd26c85f59";
const PERSON: &str = "89d1ac48-897a-4969-b7f3-cd3d83fe2744";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.sqlite");
    let _ = std::fs::remove_file(&path);
    let mut conn = Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    gridbook_store::schema::migrate_to(&mut conn, 1)?;
    conn.execute(
        "INSERT INTO settings VALUES ('actor', '00112233445566778899aabbccddeeff')",
        [],
    )?;
    conn.execute("INSERT INTO settings VALUES ('device_name', '旧设备')", [])?;

    let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![0x11; 16]));
    let h = doc.put_object(ROOT, HOUSEHOLD, ObjType::Map)?;
    doc.put(&h, "type", "household")?;
    doc.put(&h, "address", "桂花村三组12号")?;
    doc.put(&h, "head_person_id", PERSON)?;
    let p = doc.put_object(ROOT, PERSON, ObjType::Map)?;
    for (k, v) in [
        ("type", "person"),
        ("household_id", HOUSEHOLD),
        ("name", "张三丰"),
        ("gender", "female"),
        ("id_kind", "mainland"),
        ("id_number", "11010519491231002X"),
        ("birth_date", "1949-12-31"),
        ("phone", "13800138000"),
        ("relation", "head"),
        ("residency", "registered"),
    ] {
        doc.put(&p, k, v)?;
    }
    doc.put(&p, "tag.close-contact", true)?;
    let msg = format!(r#"{{"d":"旧设备","k":["{HOUSEHOLD}","{PERSON}"],"w":"create"}}"#);
    doc.commit_with(
        CommitOptions::default()
            .with_message(msg)
            .with_time(1_700_000_000_000),
    );
    let doc_id = format!("ledger:{VILLAGE}");
    conn.execute(
        "INSERT INTO chunks (doc_id, bytes) VALUES (?1, ?2)",
        params![doc_id, doc.save()],
    )?;
    conn.execute(
        "INSERT INTO documents (id, kind, village_id, heads, chunk_count) VALUES (?1, 'ledger', ?2, '', 1)",
        params![doc_id, VILLAGE],
    )?;
    // The v1 projections of those records, as v1 wrote them.
    conn.execute(
        "INSERT INTO households (id, village_id, address, head_person_id) VALUES (?1, ?2, '桂花村三组12号', ?3)",
        params![HOUSEHOLD, VILLAGE, PERSON],
    )?;
    conn.execute(
        "INSERT INTO persons (id, household_id, village_id, name, gender, id_kind, id_number,
         birth_date, phone, relation, residency, tags, vulnerable, works_away)
         VALUES (?1, ?2, ?3, '张三丰', 'female', 'mainland', '11010519491231002X', '1949-12-31',
         '13800138000', 'head', 'registered', 'close-contact', '', 0)",
        params![PERSON, HOUSEHOLD, VILLAGE],
    )?;
    println!("wrote {}", path.display());
    Ok(())
}
