use super::input;
use crate::checkpoint::{validate_entry, Direction, EntryInput, HealthCode};
use crate::model::IdKind;

#[test]
fn a_complete_form_is_normalized() {
    let e = validate_entry(&input()).expect("valid");
    assert_eq!(e.direction, Direction::In);
    assert_eq!(e.name, "张三");
    assert_eq!(
        (e.id_kind, e.id_number.as_str()),
        (IdKind::Mainland, "11010519491231002X")
    );
    assert_eq!(e.phone.as_deref(), Some("13800138000"));
    assert_eq!(e.plate.as_deref(), Some("川A12345"));
    assert_eq!(e.temperature_tenths, 365);
    assert_eq!(e.temperature(), 36.5);
    assert_eq!(e.health_code, HealthCode::Green);
    assert_eq!(e.travel, "");
    assert_eq!(e.purpose.as_deref(), Some("购买生活物资"));
}

#[test]
fn chinese_labels_lower_case_ids_and_blank_optionals_are_accepted() {
    let mut i = input();
    i.direction = "出".into();
    i.health_code = "红码".into();
    i.id_number = "110105 19491231 002x".into();
    i.phone = " ".into();
    i.plate = String::new();
    i.hukou_place = String::new();
    i.temperature = "37.25℃".into();
    let e = validate_entry(&i).expect("valid");
    assert_eq!(e.direction, Direction::Out);
    assert_eq!(e.health_code, HealthCode::Red);
    assert_eq!(e.id_number, "11010519491231002X");
    assert_eq!((e.phone, e.plate, e.hukou_place), (None, None, None));
    assert_eq!(e.temperature_tenths, 373);
}

#[test]
fn a_passport_needs_its_kind() {
    let mut i = input();
    i.id_number = "X1234567".into();
    i.id_kind = Some(IdKind::Passport);
    assert_eq!(validate_entry(&i).expect("valid").id_kind, IdKind::Passport);
}

#[test]
fn each_bad_field_is_named() {
    type Spoil = fn(&mut EntryInput);
    let cases: [(Spoil, &str); 10] = [
        (|i| i.id_number = "110105194912310021".into(), "id_number"),
        (|i| i.id_number = String::new(), "id_number"),
        (|i| i.plate = "川12345".into(), "plate"),
        (|i| i.phone = "1380013800".into(), "phone"),
        (|i| i.temperature = "43.0".into(), "temperature"),
        (|i| i.temperature = String::new(), "temperature"),
        (|i| i.name = "张3".into(), "name"),
        (|i| i.direction = "sideways".into(), "direction"),
        (|i| i.health_code = "blue".into(), "health_code"),
        (|i| i.travel = "武汉".repeat(101), "travel"),
    ];
    for (spoil, field) in cases {
        let mut i = input();
        spoil(&mut i);
        let errors = validate_entry(&i).expect_err(field);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [field], "{field}");
        assert!(!errors[0].zh.is_empty() && !errors[0].en.is_empty());
    }
}

#[test]
fn every_failure_is_reported_at_once() {
    let mut i = input();
    i.id_number = "123".into();
    i.plate = "ABC".into();
    i.phone = "12".into();
    i.temperature = "98.6°F".into();
    let errors = validate_entry(&i).expect_err("four bad fields");
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["id_number", "phone", "plate", "temperature"]);
}

#[test]
fn declared_areas_are_trimmed_and_deduplicated() {
    let mut i = input();
    i.declared_areas = vec![
        " 武汉市 ".into(),
        String::new(),
        "武汉市".into(),
        "重庆".into(),
    ];
    let e = validate_entry(&i).expect("valid");
    assert_eq!(e.declared_areas, ["武汉市", "重庆"]);
}
