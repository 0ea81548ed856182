//! Dates as the Chinese texts write them within the year: `12月18日`, `12月18日 14:05` — the
//! same form as the UI's short dates. English texts keep ISO dates and do not use this.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// `12月18日`.
pub fn short(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

/// `12月18日 14:05`.
pub fn short_time(at: NaiveDateTime) -> String {
    format!("{} {}", short(at.date()), at.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_and_day_without_leading_zeros_time_with() {
        let d = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
        assert_eq!(short(d), "5月1日");
        assert_eq!(
            short(NaiveDate::from_ymd_opt(2026, 12, 18).unwrap()),
            "12月18日"
        );
        assert_eq!(short_time(d.and_hms_opt(9, 5, 30).unwrap()), "5月1日 09:05");
    }
}
