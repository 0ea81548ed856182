//! Tests of the key file with small Argon2 parameters (the real ones are measured by the
//! bench).

use super::*;

const FAST: KdfParams = KdfParams {
    m_kib: 8 * 1024,
    t: 1,
    p: 1,
};

#[test]
fn create_unlock_and_wrong_pin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = create(dir.path(), "246810", FAST).expect("create");
    assert!(is_encrypted(dir.path()));
    let again = unlock(dir.path(), "246810", 100).expect("unlock");
    assert_eq!(key.bytes(), again.bytes());
    match unlock(dir.path(), "246811", 100) {
        Err(KeyError::WrongPin {
            failures: 1,
            wait_secs: 0,
        }) => {}
        other => panic!("wrong PIN accepted or odd error: {other:?}"),
    }
    // The right PIN clears the count.
    unlock(dir.path(), "246810", 100).expect("unlock");
    assert_eq!(status(dir.path(), 100).expect("status").failures, 0);
    assert!(matches!(
        create(dir.path(), "135790", FAST),
        Err(KeyError::Exists)
    ));
}

#[test]
fn backoff_refuses_even_the_right_pin_until_the_wait_is_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    create(dir.path(), "246810", FAST).expect("create");
    for i in 1..FREE_ATTEMPTS {
        assert!(matches!(
            unlock(dir.path(), "000000", 1000),
            Err(KeyError::WrongPin { failures, wait_secs: 0 }) if failures == i
        ));
    }
    match unlock(dir.path(), "000000", 1000) {
        Err(KeyError::WrongPin { wait_secs, .. }) => assert_eq!(wait_secs, FIRST_WAIT_SECS),
        other => panic!("{other:?}"),
    }
    let st = status(dir.path(), 1010).expect("status");
    assert_eq!((st.failures, st.wait_secs), (FREE_ATTEMPTS, 20));
    assert!(matches!(
        unlock(dir.path(), "246810", 1010),
        Err(KeyError::Wait { secs: 20 })
    ));
    // The next wrong one doubles the wait.
    match unlock(dir.path(), "000000", 1030) {
        Err(KeyError::WrongPin { wait_secs, .. }) => assert_eq!(wait_secs, 2 * FIRST_WAIT_SECS),
        other => panic!("{other:?}"),
    }
    unlock(dir.path(), "246810", 1090).expect("after the wait");
    assert_eq!(backoff_secs(100), MAX_WAIT_SECS);
}

#[test]
fn pin_change_rewraps_the_same_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = create(dir.path(), "246810", FAST).expect("create");
    set_pin(dir.path(), &key, "1357-abcd").expect("set pin");
    assert!(unlock(dir.path(), "246810", 0).is_err());
    let k2 = unlock(dir.path(), "1357-abcd", 0).expect("new pin");
    assert_eq!(key.bytes(), k2.bytes());
    assert!(matches!(
        set_pin(dir.path(), &key, "12"),
        Err(KeyError::BadPin)
    ));
}

#[test]
fn recovery_code_unlocks_and_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = create(dir.path(), "246810", FAST).expect("create");
    assert!(matches!(
        unlock_with_recovery(dir.path(), "X", 0),
        Err(KeyError::NoRecovery)
    ));
    let code = new_recovery_code(dir.path(), &key).expect("code");
    assert_eq!(code.len(), 29);
    let typed = code.to_lowercase().replace('-', " ");
    let k2 = unlock_with_recovery(dir.path(), &typed, 0).expect("recovery");
    assert_eq!(key.bytes(), k2.bytes());
    let newer = new_recovery_code(dir.path(), &key).expect("code");
    assert!(unlock_with_recovery(dir.path(), &code, 0).is_err());
    unlock_with_recovery(dir.path(), &newer, 0).expect("newer code");
    // A PIN does not open the recovery wrap and the other way round.
    assert!(unlock(dir.path(), &newer, 0).is_err());
}

#[test]
fn crafted_key_files_are_refused_without_panicking() {
    let dir = tempfile::tempdir().expect("tempdir");
    create(dir.path(), "246810", FAST).expect("create");
    let path = dir.path().join(KEY_FILE);
    let good = std::fs::read_to_string(&path).expect("read");
    let cases = [
        good.replace("\"m_kib\": 8192", "\"m_kib\": 4000000000"),
        good.replace("\"t\": 1", "\"t\": 0"),
        good.replacen("\"salt\": \"", "\"salt\": \"zz", 1),
        "{".to_owned(),
        "x".repeat(20_000),
    ];
    for c in cases {
        std::fs::write(&path, &c).expect("write");
        assert!(
            matches!(unlock(dir.path(), "246810", 0), Err(KeyError::Corrupt(_))),
            "accepted {}",
            &c[..c.len().min(60)]
        );
    }
}
