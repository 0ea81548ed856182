//! Schema migrations: append-only, numbered by `PRAGMA user_version`, applied in one
//! IMMEDIATE transaction; a database newer than this code is refused.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// Each entry moves the schema from version `i` to `i + 1`. Never edit a shipped entry:
/// append a new one.
/// The flag says whether the migration changes what projections hold, so that an existing
/// database must rebuild them from its documents after upgrading.
const MIGRATIONS: &[(&str, bool)] = &[
    // 1: documents, chunks and the household ledger projections.
    (
        r#"
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        village_id TEXT,
        heads TEXT NOT NULL DEFAULT '',
        chunk_count INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE chunks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        bytes BLOB NOT NULL
    );
    CREATE INDEX chunks_doc ON chunks (doc_id, seq);
    CREATE TABLE villages (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL,
        name TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE households (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL,
        group_id TEXT,
        address TEXT NOT NULL,
        head_person_id TEXT,
        phone TEXT,
        created_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX households_village ON households (village_id, group_id);
    CREATE TABLE persons (
        id TEXT NOT NULL UNIQUE,
        household_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        name TEXT NOT NULL,
        gender TEXT NOT NULL,
        id_kind TEXT NOT NULL,
        id_number TEXT NOT NULL,
        birth_date TEXT,
        phone TEXT,
        relation TEXT NOT NULL,
        residency TEXT NOT NULL,
        tags TEXT NOT NULL,
        vulnerable TEXT NOT NULL,
        works_away INTEGER NOT NULL,
        plate TEXT,
        address TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX persons_household ON persons (household_id);
    "#,
        false,
    ),
    // 2: person search index and the conflicts table.
    (
        r#"
    CREATE TABLE search_terms (
        term TEXT NOT NULL,
        person INTEGER NOT NULL,
        PRIMARY KEY (term, person)
    ) WITHOUT ROWID;
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        village_id TEXT NOT NULL,
        household_id TEXT,
        person_id TEXT,
        at TEXT NOT NULL,
        value TEXT,
        device TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX events_household ON events (household_id, kind, at);
    CREATE INDEX events_person ON events (person_id, kind, at);
    CREATE TABLE conflicts (
        record_id TEXT NOT NULL,
        field TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        vals TEXT NOT NULL,
        PRIMARY KEY (record_id, field)
    );
    "#,
        true,
    ),
    // 3: per-peer sync states (the shared heads of each document with each peer).
    (
        r#"
    CREATE TABLE sync_states (
        peer TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        state BLOB NOT NULL,
        PRIMARY KEY (peer, doc_id)
    );
    "#,
        false,
    ),
    // 4: local changes not yet acknowledged by a relay (the unsynced count).
    (
        r#"
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX households_order ON households (village_id, group_id, address);
    "#,
        false,
    ),
    // 5: persons by village, covering the counts the app shows at start (per village, in all,
    // with a risk tag): without it each village's count scanned all persons.
    (
        r#"
    CREATE INDEX persons_village ON persons (village_id, deleted, tags);
    "#,
        false,
    ),
    // 6: isolation follow-ups: policies (grid document), cases, visits, tests and referrals
    // (isolation documents). Status that must survive merges is derived from these rows on read.
    (
        r#"
    CREATE TABLE policies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        household_id TEXT,
        policy_id TEXT NOT NULL,
        policy TEXT NOT NULL,
        reason TEXT,
        start TEXT NOT NULL,
        end_date TEXT NOT NULL,
        place TEXT NOT NULL,
        site TEXT,
        status TEXT NOT NULL,
        released_on TEXT,
        visits_seen INTEGER,
        team TEXT NOT NULL,
        certificate TEXT,
        created_at TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX cases_open ON cases (status, end_date, start);
    CREATE INDEX cases_person ON cases (person_id);
    CREATE TABLE visits (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        at TEXT NOT NULL,
        temp_tenths INTEGER,
        symptoms TEXT NOT NULL,
        method TEXT NOT NULL,
        by_name TEXT,
        device TEXT,
        escalated INTEGER NOT NULL
    );
    CREATE INDEX visits_case ON visits (case_id, at);
    CREATE INDEX visits_at ON visits (at);
    CREATE TABLE tests (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        date TEXT NOT NULL,
        result TEXT NOT NULL,
        device TEXT
    );
    CREATE INDEX tests_case ON tests (case_id, date);
    CREATE INDEX tests_date ON tests (date);
    CREATE TABLE referrals (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL,
        outcome TEXT NOT NULL
    );
    CREATE INDEX referrals_case ON referrals (case_id, at);
    "#,
        true,
    ),
    // 7: checkpoints, their entries per day, shifts, temporary passes and their uses.
    (
        r#"
    CREATE TABLE checkpoints (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL,
        name TEXT NOT NULL,
        place TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX checkpoints_village ON checkpoints (village_id, name);
    CREATE TABLE entries (
        id TEXT PRIMARY KEY,
        checkpoint_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        device TEXT NOT NULL,
        direction TEXT NOT NULL,
        name TEXT NOT NULL,
        id_kind TEXT NOT NULL,
        id_number TEXT NOT NULL,
        hukou_place TEXT,
        residence TEXT,
        phone TEXT,
        plate TEXT,
        temperature_tenths INTEGER NOT NULL,
        health_code TEXT NOT NULL,
        travel TEXT NOT NULL,
        declared_areas TEXT NOT NULL,
        purpose TEXT,
        suggested TEXT NOT NULL,
        decision TEXT NOT NULL,
        reasons TEXT NOT NULL,
        volunteer TEXT NOT NULL,
        note TEXT,
        overridden INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        person_id TEXT,
        pass_number TEXT
    );
    CREATE INDEX entries_day ON entries (checkpoint_id, day, at, device, id);
    CREATE TABLE passes (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL,
        village_id TEXT NOT NULL,
        household_id TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_to TEXT NOT NULL,
        issued_by TEXT NOT NULL
    );
    CREATE INDEX passes_number ON passes (number);
    CREATE TABLE pass_uses (
        id TEXT PRIMARY KEY,
        pass_number TEXT NOT NULL,
        village_id TEXT NOT NULL,
        checkpoint_id TEXT NOT NULL,
        at TEXT NOT NULL,
        direction TEXT NOT NULL,
        id_number TEXT NOT NULL,
        entry_id TEXT NOT NULL
    );
    CREATE INDEX pass_uses_number ON pass_uses (pass_number, at);
    CREATE TABLE shifts (
        id TEXT PRIMARY KEY,
        checkpoint_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        date TEXT NOT NULL,
        idx INTEGER NOT NULL,
        staff TEXT NOT NULL,
        signed_in_at TEXT,
        signed_out_at TEXT,
        handover_note TEXT
    );
    CREATE INDEX shifts_checkpoint ON shifts (checkpoint_id, date, idx);
    "#,
        true,
    ),
    // 8: a case transferred or cancelled keeps why (and where to).
    (
        r#"
    ALTER TABLE cases ADD COLUMN close_note TEXT;
    "#,
        true,
    ),
    // 9: each checkpoint's shift plan (JSON; NULL is the default plan); a household's passes.
    (
        r#"
    ALTER TABLE checkpoints ADD COLUMN shift_plan TEXT;
    CREATE INDEX passes_household ON passes (household_id, valid_from);
    "#,
        true,
    ),
    // 10: households are asked only for their checks (last verified, coverage): vaccinations
    // and tests, a dozen rows per household, no longer go into that index.
    (
        r#"
    DROP INDEX events_household;
    CREATE INDEX events_household ON events (household_id, at) WHERE kind = 'verification';
    "#,
        false,
    ),
    // 11: a person's vaccinations and tests are read only as how many doses and the latest
    // test: projected as two columns of the person (rebuilt from the documents), no longer as
    // a dozen event rows per household. Events keep the households' checks.
    (
        r#"
    ALTER TABLE persons ADD COLUMN doses INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE persons ADD COLUMN last_test TEXT;
    DELETE FROM events WHERE kind != 'verification';
    DROP INDEX events_person;
    "#,
        true,
    ),
    // 12: daily reports (日报告/零报告), one row per unit and day (reports documents).
    (
        r#"
    CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        level TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        village_id TEXT NOT NULL,
        date TEXT NOT NULL,
        zero INTEGER NOT NULL,
        figures TEXT NOT NULL,
        note TEXT,
        submitted_at TEXT NOT NULL,
        updated_at TEXT,
        device TEXT
    );
    CREATE INDEX reports_date ON reports (date, unit_id);
    "#,
        true,
    ),
    // 13: every export and printout this device made (who, what, when, how many rows, full ID
    // numbers or masked): local audit rows, not a projection (reindex keeps them).
    (
        r#"
    CREATE TABLE exports_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        device TEXT NOT NULL,
        kind TEXT NOT NULL,
        format TEXT NOT NULL,
        village_id TEXT,
        date_from TEXT,
        date_to TEXT,
        subject TEXT,
        rows INTEGER NOT NULL,
        full_ids INTEGER NOT NULL,
        path TEXT NOT NULL
    );
    CREATE INDEX exports_log_at ON exports_log (at);
    "#,
        false,
    ),
    // 14: which document each projected record id came from (rows are cleared only for it),
    // records held back instead of projected, and on a relay: the actors each device writes
    // as, when each change was received and from which device, and the devices' names.
    (
        r#"
    CREATE TABLE record_owner (
        record_id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        kind TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE quarantine (
        doc_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (doc_id, record_id)
    ) WITHOUT ROWID;
    CREATE INDEX quarantine_record ON quarantine (record_id);
    CREATE TABLE actor_devices (
        actor TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        bound_at INTEGER NOT NULL
    );
    CREATE INDEX actor_devices_device ON actor_devices (device_id);
    CREATE TABLE change_receipts (
        hash TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE device_names (
        device_id TEXT PRIMARY KEY,
        name TEXT NOT NULL
    );
    "#,
        true,
    ),
    // 15: a relay picks the documents of one device's village and kinds without listing all.
    (
        r#"
    CREATE INDEX documents_village_kind ON documents (village_id, kind);
    "#,
        false,
    ),
    // 16: households listed in natural address order (三组2号 before 三组10号): a sort key
    // kept beside the address (see gridbook_domain::natural) and the paging index on it.
    (
        r#"
    ALTER TABLE households ADD COLUMN address_key TEXT NOT NULL DEFAULT '';
    DROP INDEX households_order;
    CREATE INDEX households_order ON households (village_id, group_id, address_key);
    "#,
        true,
    ),
    // 17: 核查 tasks from pushed lists and their answers (projections of `tasks:<home>` and
    // `answers:<home>`; home is a village, or the township for rows that matched none).
    (
        r#"
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        home TEXT NOT NULL,
        village_id TEXT,
        person_id TEXT,
        match_by TEXT,
        source TEXT NOT NULL,
        category TEXT,
        list_date TEXT,
        name TEXT NOT NULL,
        id_number TEXT NOT NULL,
        id_valid INTEGER NOT NULL,
        phone TEXT,
        place TEXT,
        note TEXT,
        row_no INTEGER,
        due TEXT NOT NULL,
        created_at TEXT NOT NULL,
        device TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX tasks_village ON tasks (village_id, due);
    CREATE TABLE task_answers (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        home TEXT NOT NULL,
        task_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        note TEXT,
        tag TEXT,
        at TEXT NOT NULL,
        device TEXT
    );
    CREATE INDEX task_answers_task ON task_answers (task_id, at);
    "#,
        true,
    ),
    // 18: duplicate persons merged (疑似重复): a person's own `merged_into`, its own deletion
    // (`removed`), and the survivor the merge map resolves it to (`deleted` is then 1, so a
    // merged person leaves every list); indexes for the merge map and duplicate detection
    // (`deleted` in them too: SQLite reads a partial index's own condition column from the
    // table otherwise, one row lookup per entry of a 400k-entry scan).
    (
        r#"
    ALTER TABLE persons ADD COLUMN merged_into TEXT;
    ALTER TABLE persons ADD COLUMN survivor TEXT;
    ALTER TABLE persons ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;
    CREATE INDEX persons_survivor ON persons (survivor) WHERE survivor IS NOT NULL;
    CREATE INDEX persons_id_number ON persons (id_number, deleted) WHERE deleted = 0;
    CREATE INDEX persons_name_birth ON persons (name, birth_date, deleted) WHERE deleted = 0;
    CREATE INDEX persons_name_phone ON persons (name, phone, deleted) WHERE deleted = 0;
    "#,
        true,
    ),
    // 19: the township control list (管控名单): one row per isolation case of any village, by a
    // keyed hash of the ID number, with what the state on a day is computed from.
    (
        r#"
    CREATE TABLE control_list (
        id TEXT PRIMARY KEY,
        village_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        person_id TEXT NOT NULL,
        id_hash TEXT NOT NULL,
        phases TEXT NOT NULL,
        start TEXT NOT NULL,
        alarm_at TEXT,
        cleared_at TEXT,
        ended TEXT
    );
    CREATE INDEX control_list_hash ON control_list (id_hash);
    CREATE INDEX control_list_person ON control_list (person_id);
    "#,
        false,
    ),
    // 20: pairs dismissed as not one person
    // (不是同一人, `ledger::distinct`), projected from `distinct` records of the ledgers.
    (
        r#"
    CREATE TABLE distinct_persons (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        person_a TEXT NOT NULL,
        person_b TEXT NOT NULL,
        reason TEXT,
        at TEXT,
        device TEXT,
        deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX distinct_persons_pair ON distinct_persons (person_a, person_b);
    "#,
        true,
    ),
    // 21: coverage counted from the recent verifications (the overview: households verified in
    // the last days per village) instead of probing every household.
    (
        r#"
    CREATE INDEX events_verified_at ON events (at, household_id)
        WHERE kind = 'verification' AND deleted = 0;
    "#,
        false,
    ),
    // 22: an edit writes two pages fewer (on an encrypted store each page written is encrypted
    // and authenticated). A document's local changes not yet acknowledged by a relay are
    // counted in its `documents` row, which every change rewrites anyway, instead of an
    // `outbox` row per change. Chunk sequence numbers stay increasing without AUTOINCREMENT,
    // whose `sqlite_sequence` row every insert rewrote: deleting chunks keeps the highest
    // sequence number deleted as `chunks_floor` (see `engine::chunks`).
    (
        r#"
    ALTER TABLE documents ADD COLUMN local_made INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN local_acked INTEGER NOT NULL DEFAULT 0;
    UPDATE documents
       SET local_made = (SELECT count(*) FROM outbox WHERE outbox.doc_id = documents.id);
    DROP TABLE outbox;
    INSERT OR REPLACE INTO settings (key, value)
        SELECT 'chunks_floor', seq FROM sqlite_sequence WHERE name = 'chunks';
    CREATE TABLE chunks_v22 (
        seq INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        bytes BLOB NOT NULL
    );
    INSERT INTO chunks_v22 (seq, doc_id, bytes) SELECT seq, doc_id, bytes FROM chunks ORDER BY seq;
    DROP TABLE chunks;
    ALTER TABLE chunks_v22 RENAME TO chunks;
    CREATE INDEX chunks_doc ON chunks (doc_id, seq);
    "#,
        false,
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`], or refuses one that is newer. Returns whether
/// the projections must be rebuilt from the documents.
pub fn migrate(conn: &mut Connection) -> Result<bool> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the database to `target` (used by tests to build older fixtures).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut reproject = false;
    for (i, (sql, changes_rows)) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        reproject |= *changes_rows && found > 0;
    }
    tx.commit()?;
    Ok(reproject)
}
