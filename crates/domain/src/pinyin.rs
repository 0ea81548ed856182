//! Pinyin initials of Chinese names, for search (张三丰 ← `zsf`).
//!
//! A grid worker searching the ledger types the initials of a name as they say it. Surnames
//! are often read differently from the character's everyday reading (单 is Shàn as a surname,
//! dān otherwise), so the surname gets its surname readings as extra variants.

use ::pinyin::ToPinyin;

/// Most variants returned by [`initials`]: enough for every surname below, few enough to index.
const MAX_VARIANTS: usize = 4;

/// Surname readings that differ from the pinyin crate's default reading, as space-separated
/// syllables. Compound surnames come first so that the longest surname wins (万俟 is Mòqí,
/// not Wàn + 俟).
const SURNAMES: &[(&str, &[&str])] = &[
    ("万俟", &["mo qi"]),
    ("尉迟", &["yu chi"]),
    ("单于", &["chan yu"]),
    ("单", &["shan"]),
    ("曾", &["zeng"]),
    ("解", &["xie"]),
    ("仇", &["qiu"]),
    ("朴", &["piao"]),
    ("区", &["ou"]),
    ("查", &["zha"]),
    ("覃", &["qin"]),
    ("翟", &["zhai"]),
    ("乐", &["yue", "le"]),
    ("尉", &["yu"]),
    ("盖", &["ge"]),
    ("长", &["chang"]),
    ("缪", &["miao"]),
    ("秘", &["bi"]),
    ("召", &["shao", "zhao"]),
];

/// The lower-case initial of one character: the first letter of its default pinyin reading,
/// or the letter itself for ASCII letters. `None` for anything else (dots, spaces, digits).
pub fn initial_of(c: char) -> Option<char> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase());
    }
    c.to_pinyin().and_then(|p| p.plain().chars().next())
}

/// The initials of a name, default reading first, then the variants for a polyphonic surname
/// (at most four, without duplicates). Empty when the name has no letters or Chinese
/// characters. `曾小明` gives `["cxm", "zxm"]`; `Tom` gives `["tom"]`.
pub fn initials(name: &str) -> Vec<String> {
    let kept: Vec<(char, char)> = name
        .chars()
        .filter_map(|c| initial_of(c).map(|i| (c, i)))
        .collect();
    if kept.is_empty() {
        return Vec::new();
    }
    let mut variants = vec![kept.iter().map(|&(_, i)| i).collect::<String>()];
    let surname = SURNAMES.iter().find(|(surname, _)| {
        let len = surname.chars().count();
        kept.len() >= len && surname.chars().zip(&kept).all(|(s, &(c, _))| s == c)
    });
    if let Some((surname, readings)) = surname {
        let rest: String = kept[surname.chars().count()..]
            .iter()
            .map(|&(_, i)| i)
            .collect();
        for reading in *readings {
            let head: String = reading
                .split(' ')
                .filter_map(|syl| syl.chars().next())
                .collect();
            let variant = head + &rest;
            if variants.len() < MAX_VARIANTS && !variants.contains(&variant) {
                variants.push(variant);
            }
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::pinyin::ToPinyinMulti;

    #[test]
    fn initial_of_single_characters() {
        let cases = [
            ('张', Some('z')),
            ('单', Some('d')),
            ('T', Some('t')),
            ('t', Some('t')),
        ];
        let skipped = [
            ('·', None),
            (' ', None),
            ('1', None),
            ('!', None),
            ('é', None),
        ];
        for (c, expected) in cases.into_iter().chain(skipped) {
            assert_eq!(initial_of(c), expected, "{c}");
        }
    }

    #[test]
    fn initials_of_names() {
        let cases: [(&str, &[&str]); 13] = [
            ("张三丰", &["zsf"]),
            ("曾小明", &["cxm", "zxm"]),
            ("单雄信", &["dxx", "sxx"]),
            ("乐嘉", &["lj", "yj"]),
            ("召忽", &["zh", "sh"]),
            ("万俟卨", &["wqx", "mqx"]),
            ("万达", &["wd"]),
            ("尉迟恭", &["wcg", "ycg"]),
            ("李·Tom", &["ltom"]),
            ("阿依古丽·买买提", &["ayglmmt"]),
            ("Tom Smith", &["tomsmith"]),
            ("小单", &["xd"]),
            ("  ·123 ", &[]),
        ];
        for (name, expected) in cases {
            assert_eq!(initials(name), expected, "{name}");
        }
    }

    #[test]
    fn surnames_alone_and_with_leading_space() {
        assert_eq!(initials("单"), ["d", "s"]);
        assert_eq!(initials(" 曾 小明"), ["cxm", "zxm"]);
        assert!(initials("").is_empty());
    }

    #[test]
    fn surname_readings_are_real_readings_of_their_characters() {
        // Guards the table against typos: every syllable must be a reading the crate knows.
        for (surname, readings) in SURNAMES {
            for reading in *readings {
                let syllables: Vec<&str> = reading.split(' ').collect();
                assert_eq!(
                    syllables.len(),
                    surname.chars().count(),
                    "{surname} {reading}"
                );
                for (c, syllable) in surname.chars().zip(syllables) {
                    let known: Vec<&str> = c
                        .to_pinyin_multi()
                        .map(|m| m.into_iter().map(|p| p.plain()).collect())
                        .unwrap_or_default();
                    assert!(
                        known.contains(&syllable),
                        "{c} has no reading {syllable}: {known:?}"
                    );
                }
            }
            assert!(initials(surname).len() <= MAX_VARIANTS, "{surname}");
        }
    }
}
