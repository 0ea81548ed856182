//! Input clean-up shared by the validators.
//!
//! People type on phones with Chinese IMEs, which often switch to full-width forms (１２３, Ｘ,
//! the ideographic space), so every validator folds those to ASCII before looking at shapes.

/// Folds full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Folds widths, drops whitespace and the given separators, and upper-cases ASCII letters.
pub(crate) fn compact_upper(raw: &str, separators: &[char]) -> String {
    raw.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace() && !separators.contains(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_forms() {
        let cases = [
            ('１', '1'),
            ('ｘ', 'x'),
            ('Ｘ', 'X'),
            ('（', '('),
            ('\u{3000}', ' '),
            ('张', '张'),
        ];
        for (input, expected) in cases {
            assert_eq!(fold_width(input), expected, "{input}");
        }
    }

    #[test]
    fn compacts_and_upper_cases() {
        assert_eq!(compact_upper(" ab\u{3000}１-2 ", &['-']), "AB12");
        assert_eq!(compact_upper("川a·12345", &['·']), "川A12345");
        assert_eq!(compact_upper("", &[]), "");
    }
}
