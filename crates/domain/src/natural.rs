//! Natural order for addresses and group names: 三组2号 before 三组10号, 二组 before 十组.
//!
//! [`natural_key`] turns a text into a key whose plain (byte) order is the natural order, so
//! that SQLite can keep it in an index and page through 100k households without sorting
//! them in memory. Runs of ASCII digits, full-width digits and Chinese numerals (一…九十百千,
//! 零/〇, 两) become fixed-width numbers; everything else is kept as it is.

/// Width of a number in the key: addresses and group numbers are far below 10^10.
const WIDTH: usize = 10;

/// The natural sort key of `text`. Equal numbers spelt differently (三组, 3组, ３组) get the
/// same key; callers order by the key first and the original text after it.
pub fn natural_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.trim().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if digit(c).is_some() {
            let mut value: u64 = 0;
            while let Some(d) = chars.get(i).and_then(|&c| digit(c)) {
                value = value.saturating_mul(10).saturating_add(d);
                i += 1;
            }
            push_number(&mut out, value);
        } else if chinese_numeral(c) {
            let start = i;
            while chars.get(i).is_some_and(|&c| chinese_numeral(c)) {
                i += 1;
            }
            match chinese_value(&chars[start..i]) {
                Some(value) => push_number(&mut out, value),
                None => out.extend(&chars[start..i]),
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn push_number(out: &mut String, value: u64) {
    let digits = value.to_string();
    // A marker below every printable character puts a number before any text at the same
    // place (2号 before 东2号); the fixed width puts 2号 before 10号.
    out.push('\u{1}');
    for _ in digits.len()..WIDTH {
        out.push('0');
    }
    out.push_str(&digits);
}

/// The value of an ASCII or full-width digit.
fn digit(c: char) -> Option<u64> {
    match c {
        '0'..='9' => Some(c as u64 - '0' as u64),
        '０'..='９' => Some(c as u64 - '０' as u64),
        _ => None,
    }
}

fn chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
    )
}

/// The value of a run of Chinese numerals (十二 = 12, 二十 = 20, 一百零五 = 105, 一〇五 = 105),
/// or `None` when the run is not a number (a lone 千 or 百, 十十).
fn chinese_value(run: &[char]) -> Option<u64> {
    let unit = |c: char| match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    };
    let small = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    if !run.iter().any(|&c| unit(c).is_some()) {
        // Spelt digit by digit: 一〇五.
        return run
            .iter()
            .try_fold(0u64, |acc, &c| Some(acc * 10 + small(c)?));
    }
    let mut total = 0u64;
    let mut pending: Option<u64> = None;
    let mut last_unit = u64::MAX;
    for &c in run {
        if let Some(u) = unit(c) {
            if u >= last_unit {
                return None;
            }
            let times = match pending.take() {
                Some(d) => d,
                // 十 alone means one ten (十二 = 12); a lone 百 or 千 is not a number.
                None if u == 10 => 1,
                None => return None,
            };
            total += times * u;
            last_unit = u;
        } else {
            let d = small(c)?;
            if pending.is_some() && d != 0 {
                return None;
            }
            if d != 0 {
                pending = Some(d);
            }
        }
    }
    Some(total + pending.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|s| (natural_key(s), s.clone()));
        v
    }

    #[test]
    fn numbers_sort_by_value() {
        assert_eq!(
            sorted(&["三组10号", "三组2号", "三组1号", "二组15号"]),
            ["二组15号", "三组1号", "三组2号", "三组10号"]
        );
        assert_eq!(
            sorted(&["十组", "二组", "十一组", "九组"]),
            ["二组", "九组", "十组", "十一组"]
        );
        assert_eq!(
            sorted(&["20号", "东3号", "2号", "3号"]),
            ["2号", "3号", "20号", "东3号"]
        );
    }

    #[test]
    fn spellings_of_one_number_share_a_key() {
        assert_eq!(natural_key("三组"), natural_key("3组"));
        assert_eq!(natural_key("３组"), natural_key("3组"));
        assert_eq!(natural_key("一百零五号"), natural_key("105号"));
        assert_eq!(natural_key("一〇五号"), natural_key("105号"));
        assert_eq!(natural_key("二十号"), natural_key("20号"));
        assert_eq!(natural_key("两组"), natural_key("2组"));
    }

    #[test]
    fn text_that_is_not_a_number_is_kept() {
        assert_eq!(natural_key("千佛路"), "千佛路");
        assert_eq!(natural_key("十十"), "十十");
        assert!(natural_key("东街").starts_with("东街"));
        // Very long digit runs saturate instead of overflowing.
        assert!(natural_key("99999999999999999999999").contains('9'));
    }
}
