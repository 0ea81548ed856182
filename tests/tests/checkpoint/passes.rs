//! Passes (expired, not yet valid, used once, scanned QR text) and the ledger match.

use super::*;

#[test]
fn passes_valid_expired_not_yet_and_used_once() {
    let g = site();
    let issue = |from: &str, to: &str| {
        let p = g.data.json(&format!(
            "pass issue --household {} --from {from} --to {to}",
            g.household
        ));
        assert!(!str_of(&p, "pass_id").is_empty(), "{p}");
        str_of(&p, "number").to_owned()
    };
    let valid = issue("2022-11-20T08:00", "2022-11-20T12:00");
    let expired = issue("2022-11-19T08:00", "2022-11-19T12:00");
    let later = issue("2022-11-21T08:00", "2022-11-21T12:00");
    g.data.ok(&format!("pass check {valid}"));
    assert_eq!(
        g.fails(&format!("pass check {expired}"), 3)["kind"],
        "expired"
    );
    assert_eq!(
        g.fails(&format!("pass check {later}"), 3)["kind"],
        "not-yet-valid"
    );

    let out = |pass: &str| {
        format!(
            "entry add --checkpoint {} --direction out --name 张三丰 --id-number {} \
             --temp 36.4 --code green --pass {pass}",
            g.checkpoint,
            mainland_id(7)
        )
    };
    let first = g.data.json(&out(&valid));
    assert_eq!(first["person_id"], g.head.as_str(), "{first}");
    let used = g.fails(&format!("pass check {valid}"), 3);
    assert_eq!(used["kind"], "already-used", "{used}");
    assert_eq!(g.fails(&out(&valid), 3)["kind"], "already-used");
    assert_eq!(g.entries().len(), 1, "the refused crossing was written");
    // The person who went out comes back in on the same pass.
    g.data.ok(&format!(
        "pass check {valid} --direction in --id-number {}",
        mainland_id(7)
    ));
    g.data.reindex_check();
}

#[test]
fn ledger_match_offers_the_village_residents() {
    let g = site();
    // A namesake with the same phone tail in another village must not be offered.
    let other = str_of(&g.data.json("village add --name 荷花村"), "id").to_owned();
    g.data.json(&format!(
        "household add --village {other} --address 荷花村1号 --head-name 张三丰 \
         --head-id {} --phone 13900138000",
        mainland_id(8)
    ));
    let id = mainland_id(7);
    let tail = &id[id.len() - 4..];
    for query in [tail, "zsf", "8000", "张三"] {
        let hits = g
            .data
            .json(&format!("match {query} --checkpoint {}", g.checkpoint));
        let ids: Vec<&str> = array(&hits)
            .iter()
            .map(|h| str_of(h, "person_id"))
            .collect();
        assert_eq!(ids, vec![g.head.as_str()], "match {query}: {hits}");
    }
    let none = g
        .data
        .json(&format!("match 9999 --checkpoint {}", g.checkpoint));
    assert!(array(&none).is_empty(), "{none}");
    assert_eq!(g.village.len(), 36);
}

#[test]
fn a_pass_qr_code_is_written_and_its_scanned_text_is_accepted() {
    let g = site();
    let svg = g.data.path().join("pass.svg");
    let p = g.data.json(&format!(
        "pass issue --household {} --from 2022-11-20T08:00 --to 2022-11-20T20:00 --qr {}",
        g.household,
        svg.display()
    ));
    let number = str_of(&p, "number").to_owned();
    assert_eq!(p["payload"], format!("GRIDBOOK-PASS:{number}"));
    let text = std::fs::read_to_string(&svg).expect("QR file written");
    assert!(text.contains("<svg") && text.contains("</svg>"), "{text}");
    // A handheld scanner types the payload; the check and the entry take it as the number.
    g.data.ok(&format!("pass check GRIDBOOK-PASS:{number}"));
    let out = g.data.json(&format!(
        "entry add --checkpoint {} --direction out --name 张三丰 --id-number {} \
         --temp 36.4 --code green --pass gridbook-pass:{}",
        g.checkpoint,
        mainland_id(7),
        number.to_lowercase()
    ));
    assert_eq!(out["decision"], "allow", "{out}");
    let list = g
        .data
        .json(&format!("pass list --household {}", g.household));
    let passes = array(&list);
    assert_eq!(passes.len(), 1, "{list}");
    assert_eq!(passes[0]["number"], number.as_str());
    let uses = array(&passes[0]["uses"]);
    assert_eq!(uses.len(), 1, "{list}");
    assert_eq!(uses[0]["direction"], "out");
    assert_eq!(uses[0]["checkpoint_id"], g.checkpoint.as_str());
    // A code that is not a pass is refused as a bad number, nothing written.
    let err = g.fails("pass check HTTPS://EXAMPLE.COM", 2);
    assert_eq!(err["field"], "pass_number", "{err}");
}
