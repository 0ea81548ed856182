use uuid::Uuid;

use super::at;
use crate::checkpoint::{
    check_pass, parse_pass_number, pass_number, pass_payload, pass_qr_svg, validate_pass_window,
    Direction, Pass, PassRefusal, PassUse, PASS_ALPHABET,
};

const ME: &str = "11010519491231002X";
const SPOUSE: &str = "110105195001010027";

/// Valid on 11-20 from 09:00 to 12:00.
fn pass() -> Pass {
    Pass::issue(
        Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        Uuid::from_u128(7),
        at(20, 9, 0),
        at(20, 12, 0),
        "王五",
    )
    .expect("valid pass")
}

fn crossing(p: &Pass, hour: u32, direction: Direction, id: &str) -> PassUse {
    PassUse {
        pass_number: p.number.clone(),
        at: at(20, hour, 0),
        direction,
        id_number: id.into(),
        entry_id: Uuid::from_u128(u128::from(hour)),
    }
}

#[test]
fn numbers_are_eight_plain_characters_with_a_valid_check() {
    let p = pass();
    assert_eq!(p.number.len(), 8);
    assert!(p.number.bytes().all(|b| PASS_ALPHABET.contains(&b)));
    assert_eq!(parse_pass_number(&p.number), Ok(p.number.clone()));
    assert_eq!(
        pass_number(&[0; 16]),
        pass_number(&[]),
        "short seeds are zero-padded"
    );
    assert_ne!(pass_number(&[1; 16]), pass_number(&[2; 16]));
    for n in 0..200u128 {
        let number = pass_number(Uuid::from_u128(n << 90).as_bytes());
        assert_eq!(parse_pass_number(&number), Ok(number.clone()));
    }
}

#[test]
fn typed_numbers_are_normalized() {
    let p = pass();
    let (a, b) = p.number.split_at(4);
    let typed = format!(" {}-{} ", a.to_lowercase(), b.to_lowercase());
    assert_eq!(parse_pass_number(&typed), Ok(p.number.clone()));
    let wide: String = p
        .number
        .chars()
        .map(|c| char::from_u32(u32::from(c) + 0xFEE0).expect("full-width form"))
        .collect();
    assert_eq!(parse_pass_number(&wide), Ok(p.number));
}

#[test]
fn every_single_typo_is_caught_by_the_check_character() {
    let number = pass().number;
    for pos in 0..number.len() {
        for &c in PASS_ALPHABET {
            let mut typo = number.clone().into_bytes();
            if typo[pos] == c {
                continue;
            }
            typo[pos] = c;
            let typo = String::from_utf8(typo).expect("ascii");
            let e = parse_pass_number(&typo).expect_err(&typo);
            assert_eq!((e.field, e.reason), ("pass_number", "check_char"), "{typo}");
        }
    }
}

#[test]
fn malformed_numbers_say_why() {
    let cases = [
        ("", "empty"),
        ("ABC", "length"),
        ("ABCDEFGHJ", "length"),
        ("ABCDEF0O", "character"),
        ("ABCDEF1I", "character"),
        ("ABCDEF2?", "character"),
    ];
    for (text, reason) in cases {
        let e = parse_pass_number(text).expect_err(text);
        assert_eq!((e.field, e.reason), ("pass_number", reason), "{text}");
    }
}

#[test]
fn the_window_bounds_going_out() {
    let p = pass();
    assert_eq!(
        check_pass(&p, at(20, 9, 0), Direction::Out, ME, &[]),
        Ok(())
    );
    assert_eq!(
        check_pass(&p, at(20, 11, 59), Direction::Out, ME, &[]),
        Ok(())
    );
    assert_eq!(
        check_pass(&p, at(20, 8, 59), Direction::Out, ME, &[]),
        Err(PassRefusal::NotYetValid {
            valid_from: at(20, 9, 0)
        })
    );
    let expired = check_pass(&p, at(20, 12, 0), Direction::Out, ME, &[]);
    assert_eq!(
        expired,
        Err(PassRefusal::Expired {
            valid_to: at(20, 12, 0)
        })
    );
    let refusal = expired.expect_err("expired");
    assert_eq!(refusal.code(), "expired");
    assert_eq!(refusal.zh(), "通行证已于11月20日 12:00过期");
    assert_eq!(refusal.en(), "pass expired at 2022-11-20 12:00");
}

#[test]
fn one_outing_per_window() {
    let p = pass();
    let uses = [crossing(&p, 9, Direction::Out, ME)];
    for who in [SPOUSE, ME] {
        assert_eq!(
            check_pass(&p, at(20, 10, 0), Direction::Out, who, &uses),
            Err(PassRefusal::AlreadyUsed { at: at(20, 9, 0) }),
            "{who}"
        );
    }
    let back = [uses[0].clone(), crossing(&p, 10, Direction::In, ME)];
    assert!(check_pass(&p, at(20, 11, 0), Direction::Out, SPOUSE, &back).is_err());
    let refusal = PassRefusal::AlreadyUsed { at: at(20, 9, 0) };
    assert_eq!(
        refusal.zh(),
        "本户已有一人于11月20日 09:00凭此证外出，每户每时段限一人"
    );
    assert_eq!(
        refusal.en(),
        "someone of this household went out on this pass at 2022-11-20 09:00; one person per window"
    );
    assert!(
        refusal.zh().contains("每户每时段限一人"),
        "{}",
        refusal.zh()
    );
    assert!(
        !refusal.to_string().contains(ME),
        "no personal data in refusals"
    );
}

#[test]
fn the_person_who_went_out_comes_back_in() {
    let p = pass();
    let uses = [crossing(&p, 9, Direction::Out, ME)];
    assert_eq!(
        check_pass(&p, at(20, 10, 30), Direction::In, ME, &uses),
        Ok(())
    );
    assert_eq!(
        check_pass(&p, at(20, 13, 0), Direction::In, ME, &uses),
        Ok(()),
        "late, but never locked out of home"
    );
    assert_eq!(
        check_pass(&p, at(20, 10, 30), Direction::In, SPOUSE, &uses),
        Err(PassRefusal::NotOutOnPass)
    );
    assert_eq!(
        check_pass(&p, at(20, 10, 30), Direction::In, ME, &[]),
        Err(PassRefusal::NotOutOnPass)
    );
}

#[test]
fn crossings_on_other_passes_do_not_count() {
    let p = pass();
    let mut other = crossing(&p, 9, Direction::Out, SPOUSE);
    other.pass_number = "22222222".into();
    assert_eq!(
        check_pass(&p, at(20, 10, 0), Direction::Out, ME, &[other]),
        Ok(())
    );
}

#[test]
fn windows_run_forward_for_at_most_a_day() {
    assert_eq!(validate_pass_window(at(20, 9, 0), at(21, 9, 0)), Ok(()));
    let cases = [
        (at(20, 9, 0), at(20, 9, 0), "before_start"),
        (at(20, 9, 0), at(20, 8, 0), "before_start"),
        (at(20, 9, 0), at(21, 9, 1), "too_long"),
    ];
    for (from, to, reason) in cases {
        let e = validate_pass_window(from, to).expect_err(reason);
        assert_eq!((e.field, e.reason), ("valid_to", reason));
    }
    let e = Pass::issue(Uuid::nil(), Uuid::nil(), at(20, 9, 0), at(20, 10, 0), "")
        .expect_err("no issuer");
    assert_eq!(e.field, "issued_by");
}

#[test]
fn a_scanned_qr_payload_reads_as_its_pass_number() {
    let p = pass();
    let payload = pass_payload(&p.number);
    assert_eq!(payload, format!("GRIDBOOK-PASS:{}", p.number));
    assert_eq!(parse_pass_number(&payload), Ok(p.number.clone()));
    // Scanners may lower-case, and add a line end.
    let lower = format!("{}\r\n", payload.to_lowercase());
    assert_eq!(parse_pass_number(&lower), Ok(p.number.clone()));
    // Another QR code's text is not a pass.
    let other = parse_pass_number("https://example.com/x").expect_err("not a pass");
    assert_eq!(other.field, "pass_number");
    // The prefix alone, or with a broken number, is refused with the number's reason.
    assert_eq!(
        parse_pass_number("GRIDBOOK-PASS:").map_err(|e| e.reason),
        Err("empty")
    );
}

#[test]
fn the_qr_code_is_an_svg_of_the_payload() {
    let p = pass();
    let svg = pass_qr_svg(&p.number);
    assert!(svg.starts_with("<?xml"), "{}", &svg[..40.min(svg.len())]);
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    // Dark modules are drawn as one path; a 22-character payload at level M is version 2
    // (25 modules) and draws hundreds of them.
    assert!(svg.matches('M').count() > 100, "too few modules: {svg}");
    // Different numbers give different codes.
    let other = pass_number(&[9; 16]);
    assert_ne!(pass_qr_svg(&other), svg);
}
