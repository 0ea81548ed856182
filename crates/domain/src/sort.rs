//! Orders that people expect, as opposed to byte order.

use std::cmp::Ordering;

/// Compares two texts the way a person reads addresses and house numbers: runs of ASCII
/// digits compare by their value, so 三组2号 comes before 三组10号 (byte order puts "10"
/// first). Everything else compares character by character. Leading zeros do not change a
/// number's place, but they break a tie (7 before 07), so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(ca), Some(cb)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let (na, ra) = split_digits(a);
            let (nb, rb) = split_digits(b);
            let (va, vb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
            let by_value = va.len().cmp(&vb.len()).then_with(|| va.cmp(vb));
            match by_value.then_with(|| na.len().cmp(&nb.len())) {
                Ordering::Equal => (a, b) = (ra, rb),
                other => return other,
            }
        } else {
            match ca.cmp(&cb) {
                Ordering::Equal => (a, b) = (&a[ca.len_utf8()..], &b[cb.len_utf8()..]),
                other => return other,
            }
        }
    }
}

/// The leading run of ASCII digits and the rest.
fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn house_numbers_sort_by_value() {
        let mut v = vec![
            "三组10号",
            "三组2号",
            "三组1号",
            "二组5号",
            "三组2号附1",
            "三组",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "三组",
                "三组1号",
                "三组2号",
                "三组2号附1",
                "三组10号",
                "二组5号"
            ]
        );
    }

    #[test]
    fn the_order_is_total_and_consistent() {
        assert_eq!(natural_cmp("7号", "07号"), Ordering::Less);
        assert_eq!(natural_cmp("07号", "7号"), Ordering::Greater);
        assert_eq!(natural_cmp("a9", "a9"), Ordering::Equal);
        assert_eq!(natural_cmp("", "1"), Ordering::Less);
        assert_eq!(
            natural_cmp("99999999999999999999999", "100000000000000000000000"),
            Ordering::Less
        );
        assert_eq!(natural_cmp("12a", "12b"), Ordering::Less);
    }
}
