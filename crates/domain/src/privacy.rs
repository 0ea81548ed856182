//! What a paper or a file shows of a person's ID number when it must not show all of it.

/// The ID number with its middle replaced by `*`: a mainland ID keeps its first 6 (the place
/// of registration) and last 4 characters, `110101********3931`; any number of 10 characters
/// or more keeps the same 6 and 4; a shorter one (a passport, a permit) keeps its first and
/// last character; one of 2 characters or fewer is all stars. The length is kept, so a clerk
/// can still see what kind of document it was.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=2 => (0, 0),
        3..=9 => (1, 1),
        _ => (6, 4),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::mask_id_number;

    #[test]
    fn the_middle_is_masked_and_the_length_kept() {
        assert_eq!(mask_id_number("110101199003073931"), "110101********3931");
        assert_eq!(mask_id_number("11010119900307393X"), "110101********393X");
        assert_eq!(mask_id_number("E12345678"), "E*******8");
        assert_eq!(mask_id_number("AB"), "**");
        assert_eq!(mask_id_number(""), "");
        assert_eq!(mask_id_number(" 110101199003073931 "), "110101********3931");
    }
}
