//! The two printouts, laid out as the township's paper forms: the 居家隔离公示单 posted
//! at the door (no ID numbers, no health details) and the 期满证明 (ID number masked).

use chrono::NaiveDate;
use gridbook_domain::isolation::TeamRole;
use gridbook_domain::privacy::mask_id_number;
use gridbook_domain::RiskTag;
use gridbook_store::CasePaper;

use crate::error::PrintError;
use crate::font::CjkFont;
use crate::page::{Align, Page, HEIGHT, MARGIN, WIDTH};

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Where the person stays: the site of a centralized case, else the household's address.
fn room(p: &CasePaper) -> String {
    match (p.place.as_str(), &p.site, &p.address) {
        ("centralized", Some(site), _) => format!("{site}（集中隔离点）"),
        (_, _, Some(addr)) => addr.clone(),
        _ => format!("{}{}", p.village, p.group.as_deref().unwrap_or_default()),
    }
}

/// What the case is: 居家隔离医学观察, or 居家健康监测 for a policy that only monitors.
fn measure(p: &CasePaper) -> &'static str {
    match (p.isolates, p.place.as_str()) {
        (false, _) => "居家健康监测",
        (true, "centralized") => "集中隔离医学观察",
        (true, _) => "居家隔离医学观察",
    }
}

/// The certificate number: `XX镇〔2026〕第3F2A9C01号`. The serial is the first 8 hex digits
/// of the case id: the same on every device that prints the certificate again, and with no
/// counter that two offline devices could both advance.
pub fn certificate_number(p: &CasePaper) -> String {
    let year = p
        .released_on
        .map_or_else(|| "----".to_owned(), |d| d.format("%Y").to_string());
    let serial: String = p
        .case_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    format!("{}〔{year}〕第{serial}号", p.township)
}

/// The 居家隔离公示单 of a case, dated `today`.
pub fn notice(p: &CasePaper, font: &CjkFont, today: NaiveDate) -> Result<Vec<u8>, PrintError> {
    let mut page = Page::new(font);
    page.rect(
        MARGIN - 24.0,
        60.0,
        WIDTH - 2.0 * (MARGIN - 24.0),
        560.0,
        2.0,
    );
    page.y = 130.0;
    let title = format!("{}公示", measure(p));
    page.text(&title, 30.0, Align::Center);
    page.y += 28.0;
    page.rule(page.y);
    let size = 17.0;
    let leading = 36.0;
    page.y += 46.0;
    let label_x = MARGIN;
    let lines: Vec<(String, String)> = vec![
        ("隔离人员：".into(), format!("{}人", p.people)),
        ("居住房间：".into(), room(p)),
        (
            "旅居地：".into(),
            p.origin.clone().unwrap_or_else(|| "—".to_owned()),
        ),
        (
            "管控原因：".into(),
            p.reason
                .as_deref()
                .map(|r| RiskTag::parse(r).map_or_else(|_| r.to_owned(), |t| t.zh().to_owned()))
                .unwrap_or_else(|| "—".to_owned()),
        ),
        (
            "隔离日期：".into(),
            format!("{}至{}", cn_date(p.start), cn_date(p.end)),
        ),
    ];
    let value_x = label_x + page.width("居住房间：", size);
    for (label, value) in &lines {
        page.text_at(label_x, label, size);
        page.paragraph(value_x, 0.0, value, size, leading);
        page.y += leading;
    }
    page.text_at(label_x, "包保人员：", size);
    if p.team.is_empty() {
        page.text_at(value_x, "—", size);
        page.y += leading;
    }
    for m in &p.team {
        let role = TeamRole::parse(&m.role).map_or_else(|_| m.role.clone(), |r| r.zh().to_owned());
        let phone = m.phone.as_deref().unwrap_or_default();
        page.text_at(value_x, &format!("{role}  {}  {phone}", m.name), size);
        page.y += leading;
    }
    page.y += 8.0;
    page.paragraph(
        label_x,
        2.0 * 14.0,
        "隔离期间请不外出、不聚集、不接触他人；如有发热、干咳、乏力等症状，请立即联系包保人员。",
        14.0,
        24.0,
    );
    page.y += 8.0;
    let hotline = p.hotline.as_deref().unwrap_or("—");
    page.text_at(label_x, &format!("监督举报电话：{hotline}"), size);
    page.y = 570.0;
    page.text(
        &format!("{}疫情防控工作领导小组", p.township),
        size,
        Align::Right,
    );
    page.y += leading;
    page.text(&cn_date(today), size, Align::Right);
    page.finish(&title)
}

/// The 期满证明 of a released case. Refused for a case that is not released.
pub fn certificate(p: &CasePaper, font: &CjkFont) -> Result<Vec<u8>, PrintError> {
    let (Some(cert), "released") = (&p.certificate, p.status.as_str()) else {
        return Err(PrintError::NotReleased {
            status: p.status.clone(),
        });
    };
    let mut page = Page::new(font);
    page.y = 120.0;
    let what = measure(p);
    let title = format!("{what}期满证明");
    page.text(&title, 24.0, Align::Center);
    page.y += 40.0;
    page.text(
        &format!("编号：{}", certificate_number(p)),
        12.0,
        Align::Right,
    );
    page.y += 48.0;
    let size = 16.0;
    let leading = 34.0;
    let body = format!(
        "兹证明 {}（公民身份号码：{}），自{}至{}在{}进行{}（{}）。观察期间健康随访{}次；{}。\
         现已期满，于{}解除{}。",
        cert.person_name,
        mask_id_number(&cert.id_number),
        cn_date(cert.start),
        cn_date(cert.end),
        room(p),
        what,
        cert.period_zh,
        p.visits,
        cert.tests_zh.replace(' ', ""),
        cn_date(cert.released_on),
        what,
    );
    page.paragraph(MARGIN, 2.0 * size, &body, size, leading);
    page.y += leading;
    page.text_at(MARGIN + 2.0 * size, "特此证明。", size);
    page.y = HEIGHT * 0.62;
    page.text(&format!("{}人民政府（章）", p.township), size, Align::Right);
    page.y += leading;
    page.text(&cn_date(cert.released_on), size, Align::Right);
    page.finish(&title)
}
