//! What a list, a paper or a file shows of a person's ID number or phone when it must not
//! show all of it. The app's lists follow the same two rules (`ui/src/logic/mask.ts`).

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

/// The phone with its middle replaced by `*`: a mobile keeps its first 3 and last 4 digits,
/// `138****5678`; any number of 8 characters or more keeps the same 3 and 4; a shorter one
/// keeps its first and last character (3 to 7 characters) or is all stars. Spaces and dashes
/// are dropped first, so `138 0013 8000` masks as `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=2 => (0, 0),
        3..=7 => (1, 1),
        _ => (3, 4),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{mask_id_number, mask_phone};

    #[test]
    fn a_phone_keeps_its_first_3_and_last_4_digits() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("0471-6912345"), "047****2345");
        assert_eq!(mask_phone("12345"), "1***5");
        assert_eq!(mask_phone("12"), "**");
        assert_eq!(mask_phone(""), "");
    }

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
