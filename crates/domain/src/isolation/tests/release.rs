//! Release refused for each unmet condition, allowed when all are met, and the certificate.

use chrono::NaiveDate;

use super::{builtin, d};
use crate::isolation::{issue_certificate, release_check, Unmet};
use crate::model::TestResult::{self, Negative, Pending, Positive};

/// Sample dates and results of one case.
type Samples = Vec<(NaiveDate, TestResult)>;

/// High-risk arrival from 2022-05-01: ends 2022-05-21, tests on days 1, 7, 13, 21.
fn start() -> NaiveDate {
    d(2022, 5, 1)
}

fn may(day: u32) -> NaiveDate {
    d(2022, 5, day)
}

fn all_negative() -> Samples {
    vec![
        (may(1), Negative),
        (may(7), Negative),
        (may(13), Negative),
        (may(21), Negative),
    ]
}

fn refusal(tests: &[(NaiveDate, TestResult)], on: NaiveDate, open_escalation: bool) -> Vec<String> {
    match release_check(
        &builtin("high-risk-arrival"),
        start(),
        on,
        tests,
        open_escalation,
    ) {
        Ok(()) => Vec::new(),
        Err(r) => {
            assert!(!r.unmet.is_empty());
            assert_eq!(
                r.zh(),
                r.unmet.iter().map(Unmet::zh).collect::<Vec<_>>().join("；")
            );
            r.unmet.iter().map(Unmet::zh).collect()
        }
    }
}

fn with(mut tests: Samples, extra: &[(NaiveDate, TestResult)]) -> Samples {
    tests.extend_from_slice(extra);
    tests
}

#[test]
fn each_condition_refuses_on_its_own() {
    let without = |day: u32| -> Samples {
        all_negative()
            .into_iter()
            .filter(|t| t.0 != may(day))
            .collect()
    };
    let pending_21 = with(without(21), &[(may(21), Pending)]);
    let positive_9 = with(all_negative(), &[(may(9), Positive)]);
    let rows: Vec<(&str, Samples, NaiveDate, bool, Vec<&str>)> = vec![
        ("all met", all_negative(), may(22), false, vec![]),
        (
            "released later",
            all_negative(),
            d(2022, 6, 30),
            false,
            vec![],
        ),
        (
            "last day",
            all_negative(),
            may(21),
            false,
            vec!["隔离期未满：还需 1 天（至5月21日）"],
        ),
        (
            "day 13 not sampled",
            without(13),
            may(22),
            false,
            vec!["第 13 天核酸未采样（应于5月13日采样）"],
        ),
        (
            "day 21 pending",
            pending_21,
            may(22),
            false,
            vec!["第 21 天核酸结果未出"],
        ),
        (
            "positive",
            positive_9,
            may(22),
            false,
            vec!["第 9 天（5月9日）核酸阳性"],
        ),
        (
            "open referral",
            all_negative(),
            may(22),
            true,
            vec!["有未关闭的发热转诊"],
        ),
    ];
    for (what, tests, on, open, want) in rows {
        assert_eq!(refusal(&tests, on, open), want, "{what}");
    }
}

#[test]
fn every_unmet_condition_is_named_in_order() {
    let tests = [(may(1), Negative), (may(3), Positive), (may(8), Pending)];
    let got = refusal(&tests, may(19), true);
    assert_eq!(
        got,
        [
            "隔离期未满：还需 3 天（至5月21日）",
            "第 3 天（5月3日）核酸阳性",
            "第 7 天核酸结果未出",
            "第 13 天核酸未采样（应于5月13日采样）",
            "有未关闭的发热转诊",
        ]
    );
    let err = release_check(
        &builtin("high-risk-arrival"),
        start(),
        may(19),
        &tests,
        true,
    )
    .expect_err("refused");
    assert_eq!(
        err.unmet[0].en(),
        "isolation period not over: 3 more days (until 2022-05-21)"
    );
    assert_eq!(err.unmet[0].code(), "period-not-over");
    assert!(err.to_string().starts_with("不能解除：隔离期未满"), "{err}");
}

#[test]
fn late_samples_and_retests_count() {
    let rows: Vec<(&str, Samples, Vec<&str>)> = vec![
        (
            "a day late",
            vec![
                (may(1), Negative),
                (may(8), Negative),
                (may(14), Negative),
                (may(21), Negative),
            ],
            vec![],
        ),
        (
            "an extra pending sample after a negative",
            with(all_negative(), &[(may(12), Pending)]),
            vec![],
        ),
        (
            "pending superseded by a later negative",
            vec![
                (may(1), Negative),
                (may(7), Pending),
                (may(9), Negative),
                (may(13), Negative),
                (may(21), Negative),
            ],
            vec![],
        ),
        (
            "an extra pending sample after the last test day",
            with(all_negative(), &[(may(22), Pending)]),
            vec![],
        ),
        (
            "two results the same day, one negative",
            with(all_negative(), &[(may(21), Pending)]),
            vec![],
        ),
        (
            "before the start and after the release date do not count",
            vec![
                (d(2022, 4, 30), Negative),
                (may(7), Negative),
                (may(13), Negative),
                (may(21), Negative),
                (may(23), Negative),
            ],
            vec!["第 1 天核酸未采样（应于5月1日采样）"],
        ),
        (
            "a sample early for day 21 counts for day 13 only",
            vec![
                (may(1), Negative),
                (may(7), Negative),
                (may(13), Negative),
                (may(20), Negative),
            ],
            vec!["第 21 天核酸未采样（应于5月21日采样）"],
        ),
    ];
    for (what, tests, want) in rows {
        assert_eq!(refusal(&tests, may(22), false), want, "{what}");
    }
}

#[test]
fn test_days_still_to_come_are_not_asked_for() {
    let tests = [(may(1), Negative), (may(7), Negative)];
    assert_eq!(
        refusal(&tests, may(12), false),
        ["隔离期未满：还需 10 天（至5月21日）"]
    );
}

#[test]
fn monitoring_policies_say_monitoring_period() {
    let policy = builtin("returnee-monitoring");
    let err = release_check(&policy, start(), may(10), &[(may(7), Negative)], false)
        .expect_err("refused");
    assert_eq!(err.zh(), "健康监测期未满：还需 5 天（至5月14日）");
    assert!(err.en().starts_with("health monitoring period not over"));
}

#[test]
fn switched_off_conditions_are_not_checked() {
    let mut policy = builtin("high-risk-arrival");
    policy.release.tests_negative = false;
    policy.release.no_open_escalation = false;
    assert_eq!(release_check(&policy, start(), may(22), &[], true), Ok(()));
    policy.release.period_over = false;
    assert_eq!(release_check(&policy, start(), may(3), &[], true), Ok(()));
}

#[test]
fn certificate_when_released() {
    let policy = builtin("high-risk-arrival");
    let tests = all_negative();
    let cert = issue_certificate(
        &policy,
        start(),
        may(22),
        &tests,
        false,
        "王小明",
        "110101199003077578",
    )
    .expect("released");
    assert_eq!(cert.person_name, "王小明");
    assert_eq!(cert.id_number, "110101199003077578");
    assert_eq!(cert.policy_id, "high-risk-arrival");
    assert_eq!(cert.policy_name, "高风险地区来返人员");
    assert_eq!(cert.period_zh, "集中隔离14天+居家隔离7天");
    assert_eq!(
        (cert.start, cert.end, cert.released_on),
        (may(1), may(21), may(22))
    );
    let days: Vec<u32> = cert.tests.iter().map(|t| t.day).collect();
    assert_eq!(days, [1, 7, 13, 21]);
    assert_eq!(cert.tests_zh, "核酸检测 4 次，均为阴性");
    assert_eq!(cert.tests_en, "4 nucleic-acid tests, all negative");

    let extra = with(all_negative(), &[(may(22), Pending)]);
    let cert = issue_certificate(&policy, start(), may(22), &extra, false, "王小明", "x")
        .expect("released");
    assert_eq!(cert.tests_zh, "核酸检测 5 次：阴性 4 次、待出结果 1 次");

    let red = builtin("red-code");
    let cert =
        issue_certificate(&red, start(), may(22), &[], false, "李四", "x").expect("released");
    assert_eq!(cert.tests_zh, "无核酸检测记录");
}

#[test]
fn no_certificate_when_refused() {
    let policy = builtin("high-risk-arrival");
    let err = issue_certificate(
        &policy,
        start(),
        may(20),
        &all_negative(),
        false,
        "王小明",
        "x",
    )
    .expect_err("refused");
    assert_eq!(err.zh(), "隔离期未满：还需 2 天（至5月21日）");
}
