//! The feedback sheet of 核查 tasks (核查情况反馈表): one row per person of the pushed lists,
//! back to the sender, with what the village's grid worker found. Rows come from the same
//! query as the task lists on the screens (`Store::tasks`).

use gridbook_domain::privacy::mask_id_number;
use gridbook_domain::task::Outcome;
use gridbook_store::{ExportFilter, Store, TaskFilter};

use crate::sink::{Cell, Column, Sink};
use crate::ExportError;

const fn col(name: &'static str, width: f64) -> Column {
    Column { name, width }
}

/// The columns: the township's feedback format, with the phone the list gave.
pub(crate) const FEEDBACK: [Column; 12] = [
    col("序号", 7.0),
    col("姓名", 10.0),
    col("公民身份号码", 21.0),
    col("联系电话", 14.0),
    col("推送来源", 18.0),
    col("推送日期", 12.0),
    col("所属村", 12.0),
    col("核查结果", 12.0),
    col("管控措施", 16.0),
    col("核查人", 14.0),
    col("核查时间", 17.0),
    col("备注", 24.0),
];

/// Writes the sheet; returns the rows written.
pub(crate) fn write(
    store: &Store,
    full_ids: bool,
    title_place: &str,
    filter: &ExportFilter,
    sink: &mut dyn Sink,
) -> Result<u64, ExportError> {
    let today = store.now_local().date();
    let title = format!(
        "{title_place}核查情况反馈表（截至{}）",
        today.format("%Y年%m月%d日")
    );
    sink.begin("核查反馈", &title, &FEEDBACK)?;
    let rows = store.tasks(&TaskFilter {
        village: filter.village.clone(),
        ..TaskFilter::default()
    })?;
    let mut n = 0u64;
    for t in &rows {
        n += 1;
        let outcome = match (&t.outcome, &t.village_id) {
            (Some(o), _) => Outcome::parse(o).map_or_else(|_| o.clone(), |o| o.zh().to_owned()),
            (None, None) => "未匹配到本镇人员".to_owned(),
            (None, Some(_)) if t.overdue => "未核查（已超时）".to_owned(),
            (None, Some(_)) => "核查中".to_owned(),
        };
        let id = if full_ids || !t.id_number.is_ascii() {
            t.id_number.clone()
        } else {
            mask_id_number(&t.id_number)
        };
        let at = t
            .answered_at
            .as_deref()
            .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok());
        let measure = match (&t.outcome, &t.measure) {
            (_, Some(m)) => Some(m.clone()),
            (Some(_), None) => Some("无".to_owned()),
            (None, None) => None,
        };
        sink.row(&[
            Cell::Int(n as i64),
            Cell::Text(t.name.clone()),
            Cell::opt(Some(id)),
            Cell::opt(t.phone.clone()),
            Cell::Text(t.source.clone()),
            t.list_date
                .as_deref()
                .and_then(|d| d.parse().ok())
                .map_or(Cell::Empty, Cell::Date),
            Cell::opt(t.village_name.clone()),
            Cell::Text(outcome),
            Cell::opt(measure),
            Cell::opt(t.answered_by.clone()),
            at.map_or_else(|| Cell::opt(t.answered_at.clone()), Cell::DateTime),
            Cell::opt(t.answer_note.clone()),
        ])?;
    }
    Ok(n)
}
