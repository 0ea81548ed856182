//! The policies read from the township's work plans, as the township's starting point.
//!
//! "如相关政策出现调整，按照最新文件规定执行" (002, last line): these are seeds for editable
//! data, not rules the code enforces. Seed line numbers below are those of the seed files.

use super::policy::{Phase, PhaseKind, Policy, ReleaseRule, Window, DEFAULT_FEVER_TENTHS};
use PhaseKind::{Centralized, DailyMonitoring, HomeIsolation, HomeMonitoring};

/// Two follow-ups a day (000 line 18 "每日进行两次健康随访"; 001 line 249 "每天早晚测量体温
/// 各1次"): a morning and an afternoon window, wide enough for one worker's round.
fn twice_daily() -> Vec<Window> {
    vec![Window::hm(8, 0, 10, 0), Window::hm(16, 0, 18, 0)]
}

fn policy(
    id: &str,
    name: &str,
    name_en: &str,
    phases: Vec<Phase>,
    windows: Vec<Window>,
    test_days: Vec<u32>,
) -> Policy {
    Policy {
        id: id.to_owned(),
        name: name.to_owned(),
        name_en: name_en.to_owned(),
        windows,
        test_days,
        visit_days: Vec::new(),
        fever_tenths: DEFAULT_FEVER_TENTHS,
        // 001 line 255: home isolation ends "期满后…经体检无异常后"; the seeds ask no final
        // check of centralized isolation or monitoring alone.
        release: ReleaseRule {
            final_check: Some(phases.iter().any(|p| p.kind == HomeIsolation)),
            ..ReleaseRule::default()
        },
        phases,
    }
}

/// The built-in policies, in the order a township officer looks for them.
pub fn builtin_policies() -> Vec<Policy> {
    vec![
        // 002 line 18: 高风险地区 "集中隔离14天+7天居家隔离观察，期间进行4次核酸检测". The seed
        // gives the count, not the days: day 1 because the same line asks for the first sample
        // on arrival day; day 13 after 002 line 14 ("在集中隔离期满的前一天进行核酸") so the
        // result is back when centralized isolation ends; day 7 halfway; day 21 so release
        // rests on a sample from the last day.
        policy(
            "high-risk-arrival",
            "高风险地区来返人员",
            "Arrival from a high-risk area",
            vec![Phase::new(Centralized, 14), Phase::new(HomeIsolation, 7)],
            twice_daily(),
            vec![1, 7, 13, 21],
        ),
        // 002 line 18: 中风险地区 "集中隔离14天+7天居家健康管理，集中隔离期间进行3次核酸检测":
        // centralized (not home) isolation first, and all three tests inside it: days 1, 7 and
        // 13 as above.
        policy(
            "medium-risk-arrival",
            "中风险地区来返人员",
            "Arrival from a medium-risk area",
            vec![Phase::new(Centralized, 14), Phase::new(HomeMonitoring, 7)],
            twice_daily(),
            vec![1, 7, 13],
        ),
        // 002 line 19: 红码 "集中隔离观察14天后，继续居家隔离观察7天". No tests are named.
        policy(
            "red-code",
            "健康码红码人员",
            "Red health code",
            vec![Phase::new(Centralized, 14), Phase::new(HomeIsolation, 7)],
            twice_daily(),
            Vec::new(),
        ),
        // 002 line 19: 黄码 "居家隔离观察14天后，继续居家健康管理7天". No tests are named.
        policy(
            "yellow-code",
            "健康码黄码人员",
            "Yellow health code",
            vec![Phase::new(HomeIsolation, 14), Phase::new(HomeMonitoring, 7)],
            twice_daily(),
            Vec::new(),
        ),
        // 001 line 249 "每天早晚测量体温各1次" and line 255 "居家隔离观察期限为14天", after which
        // the township issues the 期满证明.
        policy(
            "home-isolation",
            "居家隔离观察",
            "Home isolation",
            vec![Phase::new(HomeIsolation, 14)],
            twice_daily(),
            Vec::new(),
        ),
        // 001 line 323: 返乡人员 "14天居家健康监测……每7天开展一次核酸检测" → days 7 and 14.
        // Monitoring, not isolation: one check a day is enough.
        policy(
            "returnee-monitoring",
            "返乡人员居家健康监测",
            "Returnee home health monitoring",
            vec![Phase::new(HomeMonitoring, 14)],
            vec![Window::hm(8, 0, 10, 0)],
            vec![7, 14],
        ),
        post_discharge(),
    ]
}

/// 002 line 20: after treatment, 14 days of centralized observation at the hospital, 14 days
/// of health monitoring at home, and "出院后14天、28天、3个月、半年随访复诊与核酸检测".
/// The hospital and the clinic follow these people, not the grid worker, so there are no
/// daily checks (000 line 22 asks for two a day once home: set `checks` on the second phase
/// and add windows to follow it); the tail up to the half-year visit is daily monitoring so
/// the case stays open until the last visit. Three months and half a year are days 90 and 180.
fn post_discharge() -> Policy {
    let visits = vec![14, 28, 90, 180];
    let mut p = policy(
        "post-discharge",
        "出院患者随访",
        "Post-discharge follow-up",
        vec![
            Phase::unchecked(Centralized, 14),
            Phase::unchecked(HomeMonitoring, 14),
            Phase::unchecked(DailyMonitoring, 152),
        ],
        Vec::new(),
        visits.clone(),
    );
    p.visit_days = visits;
    p
}

/// The built-in policy with this id.
pub fn builtin_policy(id: &str) -> Option<Policy> {
    builtin_policies().into_iter().find(|p| p.id == id)
}
