//! The header row: which column holds which field.
//!
//! Hand-made ledgers put a title (and sometimes a date line) above the header, merge header
//! cells over two rows (序号 spanning both, 户主信息 over 户主姓名 and 与户主关系), and name
//! the same field several ways. The header is the row (within the first 30) that names the
//! most known fields; a row above or below fills the columns it leaves empty.

use std::collections::HashSet;

use crate::mapping::{parse_spec, ColumnKey, Mapping};
use crate::normalize::fold_width;
use crate::read::SheetRow;

/// Rows searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 30;

macro_rules! fields {
    ($($variant:ident = ($code:literal, $zh:literal, [$($alias:literal),*])),+ $(,)?) => {
        /// A field of the ledger a column can hold.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $(#[doc = $zh] $variant),+ }

        impl Field {
            /// Every field.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];
            /// The name used by `--map` and in JSON.
            pub fn code(self) -> &'static str { match self { $(Field::$variant => $code),+ } }
            /// The Chinese column name gridbook's own ledger export writes.
            pub fn zh(self) -> &'static str { match self { $(Field::$variant => $zh),+ } }
            /// Header names (normalized by [`header_key`]) that mean this field.
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Field::$variant => &[$($alias),*]),+ }
            }
        }
    };
}

fields! {
    Seq = ("seq", "序号", ["序号", "编号", "序"]),
    Village = ("village", "村（社区）", ["村(社区)", "村", "社区", "村社区", "所属村", "所属村(社区)", "村名", "行政村", "村(居)"]),
    Group = ("group", "组", ["组", "村民小组", "所属组", "网格", "小组", "组别", "村组", "所属网格", "网格名称", "所属小组"]),
    HouseholdNo = ("household_no", "户号", ["户号", "户编号", "家庭编号", "户籍编号"]),
    HeadName = ("head_name", "户主姓名", ["户主姓名", "户主", "户主名字"]),
    Relation = ("relation", "与户主关系", ["与户主关系", "与户主的关系", "关系"]),
    Name = ("name", "姓名", ["姓名", "人员姓名", "名字"]),
    Gender = ("gender", "性别", ["性别"]),
    IdKind = ("id_kind", "证件类型", ["证件类型"]),
    IdNumber = ("id_number", "公民身份号码", ["公民身份号码", "身份证号", "证件号码", "身份证号码", "身份证", "身份证件号码", "公民身份证号码", "证件号"]),
    BirthDate = ("birth_date", "出生日期", ["出生日期", "出生年月", "生日"]),
    Phone = ("phone", "联系电话", ["联系电话", "手机号码", "电话", "手机号", "联系方式", "手机", "电话号码"]),
    Address = ("address", "现住址", ["现住址", "住址", "家庭住址", "地址", "居住地址", "现居住地址", "详细地址"]),
    Residency = ("residency", "人员类型", ["人员类型", "人员属性", "居住类型"]),
    Tags = ("tags", "重点人员类别", ["重点人员类别", "人员类别", "标签", "风险标签", "重点人员"]),
    Vulnerable = ("vulnerable", "七类人", ["七类人", "特殊人群", "七类人群"]),
    Doses = ("doses", "疫苗接种剂次", ["疫苗接种剂次", "接种剂次", "疫苗剂次"]),
    LastTestDate = ("last_test_date", "最近核酸日期", ["最近核酸日期", "核酸日期"]),
    LastTestResult = ("last_test_result", "最近核酸结果", ["最近核酸结果", "核酸结果"]),
    WorksAway = ("works_away", "外出务工", ["外出务工", "是否外出务工"]),
    LastCheckDate = ("last_check_date", "最近核查日期", ["最近核查日期"]),
    Checker = ("checker", "核查人", ["核查人"]),
    Plate = ("plate", "车牌号", ["车牌号", "车牌", "车牌号码"]),
    Note = ("note", "备注", ["备注"]),
    Ignore = ("ignore", "（不导入）", []),
}

impl Field {
    /// Parses a `--map` target: a code (`id_number`) or a Chinese column name.
    pub fn parse(s: &str) -> Option<Field> {
        let t = s.trim();
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.code() == t || header_key(f.zh()) == header_key(t))
    }
}

/// A header cell as compared with the aliases: widths folded, spaces, line breaks and the
/// marks of required columns (`*`, `（必填）`) dropped, ASCII lower-cased.
pub fn header_key(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s.replace("(必填)", "").replace("(选填)", "")
}

/// Overrides of a roster's columns (`--map`, the import screen's choices).
pub type Overrides = Mapping<Field>;

/// Parses `HEADER=FIELD,…` (or `#C=FIELD`, `FIELD=#3` by position); the error names the bad
/// entry.
pub fn parse_map(spec: &str) -> Result<Overrides, String> {
    parse_spec(spec, Field::parse)
}

/// The field a header cell names: the first override naming this header, else an alias.
/// Positions are not looked at: they say nothing of which row is the header.
fn field_of(cell: &str, overrides: &Overrides) -> Option<Field> {
    let key = header_key(cell);
    if key.is_empty() {
        return None;
    }
    if let Some(i) = override_at(&key, overrides) {
        return Some(overrides[i].1);
    }
    Field::ALL
        .iter()
        .copied()
        .find(|f| f.aliases().contains(&key.as_str()))
}

/// The first override naming the header `key`.
fn override_at(key: &str, overrides: &Overrides) -> Option<usize> {
    overrides
        .iter()
        .position(|(k, _)| matches!(k, ColumnKey::Header(h) if h == key))
}

/// The header found: each column's field and text, and where the data starts.
#[derive(Debug, Clone)]
pub struct Header {
    /// Row number in the file (1-based) of the header row (the upper one of a two-row header).
    pub row: usize,
    /// Index (in the rows read) of the first data row.
    pub data_start: usize,
    /// Per column: the header text and the field it maps to (`None`: not imported).
    pub columns: Vec<(String, Option<Field>)>,
    /// Per column: the override that gave it its field (an index into the overrides).
    pub(crate) chosen: Vec<Option<usize>>,
    /// Per column: whether a data row among those read with the header has a value there.
    data: Vec<bool>,
    /// Per field (by its position in [`Field::ALL`]): its columns, left to right.
    by_field: Vec<Vec<usize>>,
}

impl Header {
    /// A header of these columns, with data from row index `data_start` on.
    pub fn new(data_start: usize, columns: Vec<(String, Option<Field>)>) -> Self {
        let by_field = Field::ALL
            .iter()
            .map(|field| {
                columns
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, f))| *f == Some(*field))
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        Header {
            row: data_start,
            data_start,
            chosen: vec![None; columns.len()],
            data: Vec::new(),
            columns,
            by_field,
        }
    }

    /// Columns holding `field`, left to right.
    pub fn columns_of(&self, field: Field) -> &[usize] {
        let i = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self.by_field.get(i).map_or(&[], Vec::as_slice)
    }

    /// Whether some column holds `field`.
    pub fn has(&self, field: Field) -> bool {
        !self.columns_of(field).is_empty()
    }

    /// Whether a data row read with the header has a value in column `index`.
    pub fn has_data(&self, index: usize) -> bool {
        self.data.get(index).copied().unwrap_or(false)
    }
}

/// The header of `columns` (named by their text) at row `row`, data from index `data_start`
/// of `rows` on: the overrides by position applied, and a header repeated over several
/// columns given to one of them.
///
/// A field is fed by one column: a repeated header (two 联系电话 columns), or two headers
/// meaning the same field (住址 and 现住址), give it to their leftmost column only; the others
/// are not imported, and the screen shows them (a repeated header with its letter) so the
/// township can choose another. The ledger keeps one value per person: taking whichever
/// column has a value, row by row, would mix the two columns' meanings (the person's phone
/// here, a relative's there) without anyone having chosen it. A column the township named
/// takes the field from the columns that have it only by a usual name, and a column named by
/// position from all others; columns the township itself named twice for one field keep it,
/// the first with a value counting. 不导入 (ignore) is no field and stays on every column it
/// names.
fn settle(
    rows: &[SheetRow],
    row: usize,
    data_start: usize,
    mut columns: Vec<(String, Option<Field>)>,
    overrides: &Overrides,
) -> Header {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    columns.resize(width.max(columns.len()), (String::new(), None));
    let keys: Vec<String> = columns.iter().map(|(t, _)| header_key(t)).collect();
    let mut chosen: Vec<Option<usize>> = columns
        .iter()
        .zip(&keys)
        .map(|((_, f), k)| override_at(k, overrides).filter(|i| Some(overrides[*i].1) == *f))
        .collect();
    let mut by_position = vec![false; columns.len()];
    for (i, (k, f)) in overrides.iter().enumerate() {
        if let ColumnKey::Position(p) = k {
            if *p < columns.len() && !by_position[*p] {
                columns[*p].1 = Some(*f);
                chosen[*p] = Some(i);
                by_position[*p] = true;
            }
        }
    }
    // Fields already given to a column: by position first, then by a header the township
    // named (`--map 现住址=address`), then by a header's usual name, left to right within each.
    let mut given: HashSet<Field> = columns
        .iter()
        .zip(&by_position)
        .filter_map(|((_, f), p)| f.filter(|_| *p))
        .collect();
    for named in [true, false] {
        for i in 0..columns.len() {
            let Some(f) = columns[i].1 else { continue };
            if by_position[i] || f == Field::Ignore || chosen[i].is_some() != named {
                continue;
            }
            if !given.insert(f) {
                columns[i].1 = None;
                chosen[i] = None;
            }
        }
    }
    let data = (0..columns.len())
        .map(|c| {
            rows.iter()
                .skip(data_start)
                .any(|r| r.cells.get(c).is_some_and(|x| !x.is_blank()))
        })
        .collect();
    let mut header = Header::new(data_start, columns);
    header.row = row;
    header.chosen = chosen;
    header.data = data;
    header
}

fn row_fields(r: &SheetRow, overrides: &Overrides) -> Vec<Option<Field>> {
    r.cells
        .iter()
        .map(|c| field_of(&c.text(), overrides))
        .collect()
}

/// Finds the header: the row naming the most fields (at least the name or the ID number, and
/// three fields in all), completed by the row below (a two-row header; data then starts after
/// it) or above (a cell merged down from there) where it has empty or unknown cells.
pub fn find_header(rows: &[SheetRow], overrides: &Overrides) -> Option<Header> {
    let limit = rows.len().min(HEADER_SEARCH_ROWS);
    let scored: Vec<Vec<Option<Field>>> = rows[..limit]
        .iter()
        .map(|r| row_fields(r, overrides))
        .collect();
    let count = |f: &[Option<Field>]| {
        let mut v: Vec<Field> = f.iter().flatten().copied().collect();
        v.sort();
        v.dedup();
        v.len()
    };
    let usable =
        |f: &[Option<Field>]| f.contains(&Some(Field::Name)) || f.contains(&Some(Field::IdNumber));
    let (best, _) = scored
        .iter()
        .enumerate()
        .filter(|(_, f)| count(f) >= 3 && usable(f))
        .max_by_key(|(i, f)| (count(f), std::cmp::Reverse(*i)))?;
    let width = rows[..limit]
        .iter()
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0);
    let text = |i: usize, c: usize| rows[i].cells.get(c).map(|x| x.text()).unwrap_or_default();
    // The row below continues the header only if every cell it fills is a header name: a
    // data row (names, numbers) never is, so the first person is never taken for a header.
    let below_is_header = rows.get(best + 1).is_some_and(|r| {
        r.cells
            .iter()
            .zip(scored.get(best + 1).into_iter().flatten())
            .all(|(c, f)| c.is_blank() || f.is_some())
    });
    let mut columns = Vec::with_capacity(width);
    let mut below_used = false;
    for c in 0..width {
        let here = scored[best].get(c).copied().flatten();
        let below = scored
            .get(best + 1)
            .filter(|_| below_is_header)
            .and_then(|f| f.get(c).copied().flatten());
        let above = best
            .checked_sub(1)
            .and_then(|i| scored[i].get(c).copied().flatten());
        let col = match (here, below, above) {
            (Some(f), _, _) => (text(best, c).trim().to_owned(), Some(f)),
            (None, Some(f), _) => {
                below_used = true;
                (text(best + 1, c).trim().to_owned(), Some(f))
            }
            (None, None, Some(f)) => (text(best - 1, c).trim().to_owned(), Some(f)),
            (None, None, None) => (text(best, c).trim().to_owned(), None),
        };
        columns.push(col);
    }
    let data_start = best + 1 + usize::from(below_used);
    Some(settle(
        &rows[..limit],
        rows[best].row,
        data_start,
        columns,
        overrides,
    ))
}

/// The header the person chose: the row numbered `row` in the file (among `rows`, the first
/// rows read), each cell mapped by its name (and the overrides); data starts below it.
/// `None` when no row of `rows` has that number.
pub fn header_at(rows: &[SheetRow], row: usize, overrides: &Overrides) -> Option<Header> {
    let at = rows.iter().position(|r| r.row == row)?;
    let columns = rows[at]
        .cells
        .iter()
        .map(|c| {
            let text = c.text().trim().to_owned();
            let field = field_of(&text, overrides);
            (text, field)
        })
        .collect();
    let limit = rows.len().min(HEADER_SEARCH_ROWS).max(at + 1);
    Some(settle(&rows[..limit], row, at + 1, columns, overrides))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Cell;

    fn row(n: usize, cells: &[&str]) -> SheetRow {
        SheetRow {
            row: n,
            cells: cells
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*s).to_owned())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn header_below_a_title_and_over_two_merged_rows() {
        let rows = [
            row(
                1,
                &["红星村一户一档台账（截至2026年12月1日）", "", "", "", ""],
            ),
            row(
                2,
                &["序号", "户主信息", "", "姓 名", "公民身份号码（必填）"],
            ),
            row(3, &["", "户主姓名", "与户主关系", "", ""]),
            row(4, &["1", "张三", "户主", "张三", "110101199003074477"]),
        ];
        let h = find_header(&rows, &Vec::new()).unwrap();
        assert_eq!(h.data_start, 3);
        let fields: Vec<Option<Field>> = h.columns.iter().map(|(_, f)| *f).collect();
        assert_eq!(
            fields,
            [
                Some(Field::Seq),
                Some(Field::HeadName),
                Some(Field::Relation),
                Some(Field::Name),
                Some(Field::IdNumber)
            ]
        );
    }

    #[test]
    fn map_overrides_and_unknown_fields() {
        let m = parse_map("证件=id_number,手机=ignore").unwrap();
        let rows = [row(1, &["名字", "证件", "手机", "住址"])];
        let h = find_header(&rows, &m).unwrap();
        assert_eq!(h.columns[1].1, Some(Field::IdNumber));
        assert_eq!(h.columns[2].1, Some(Field::Ignore));
        assert_eq!(parse_map("姓名=nonsense"), Err("nonsense".to_owned()));
        assert_eq!(parse_map("姓名"), Err("姓名".to_owned()));
        assert_eq!(parse_map("号=公民身份号码").unwrap()[0].1, Field::IdNumber);
    }

    #[test]
    fn a_chosen_row_is_the_header_with_the_overrides() {
        let rows = [
            row(1, &["2026年12月名单", "", ""]),
            row(2, &["人名", "证号", "住处"]),
            row(3, &["张三", "110101199003074477", "一组1号"]),
        ];
        assert!(find_header(&rows, &Vec::new()).is_none());
        let m = parse_map("人名=name,证号=id_number,住处=address").unwrap();
        let h = header_at(&rows, 2, &m).unwrap();
        assert_eq!((h.row, h.data_start), (2, 2));
        assert_eq!(h.columns[1], ("证号".to_owned(), Some(Field::IdNumber)));
        assert!(h.has(Field::Address));
        let unmapped = header_at(&rows, 2, &Vec::new()).unwrap();
        assert!(unmapped.columns.iter().all(|(_, f)| f.is_none()));
        assert!(header_at(&rows, 9, &m).is_none());
    }

    #[test]
    fn a_repeated_header_feeds_one_column_and_a_position_picks_which() {
        let rows = [
            row(1, &["姓名", "身份证号", "联系电话", "联系电话", "", "住址"]),
            row(
                2,
                &[
                    "张三",
                    "110101199003074477",
                    "",
                    "13900000001",
                    "京A12345",
                    "一组1号",
                ],
            ),
            row(3, &["李四", "", "", "", "", ""]),
        ];
        let fields = |h: &Header| h.columns.iter().map(|(_, f)| *f).collect::<Vec<_>>();
        // By name: the leftmost 联系电话 only; the blank column is there, with its value.
        let h = find_header(&rows, &Vec::new()).unwrap();
        assert_eq!(
            fields(&h)[2..5],
            [Some(Field::Phone), None, None],
            "the second 联系电话 is not imported unless chosen"
        );
        assert_eq!(h.columns_of(Field::Phone), [2]);
        assert!(h.has_data(3) && h.has_data(4) && !h.has_data(2));
        // By position: column D is the phone (C gives it up), E the plate.
        let m = parse_map("#D=phone,plate=#5").unwrap();
        let h = find_header(&rows, &m).unwrap();
        assert_eq!(
            fields(&h)[2..5],
            [None, Some(Field::Phone), Some(Field::Plate)]
        );
        assert_eq!((h.chosen[3], h.chosen[4]), (Some(0), Some(1)));
        // By the repeated header's text: the leftmost again; ignoring it ignores both.
        let h = find_header(&rows, &parse_map("联系电话=phone").unwrap()).unwrap();
        assert_eq!(fields(&h)[2..4], [Some(Field::Phone), None]);
        let h = find_header(&rows, &parse_map("联系电话=ignore").unwrap()).unwrap();
        assert_eq!(fields(&h)[2..4], [Some(Field::Ignore), Some(Field::Ignore)]);
        // A chosen header row reaches as wide as the data, past its last header cell.
        let short = [
            row(1, &["姓名", "身份证号", "住址"]),
            row(2, &["张三", "110101199003074477", "一组1号", "13900000001"]),
        ];
        let h = header_at(&short, 1, &parse_map("#4=phone").unwrap()).unwrap();
        assert_eq!(h.columns.len(), 4);
        assert_eq!(h.columns[3], (String::new(), Some(Field::Phone)));
    }

    #[test]
    fn two_names_of_one_field_feed_it_from_one_column() {
        let rows = [
            row(1, &["姓名", "身份证号", "住址", "现住址", "电话"]),
            row(
                2,
                &["张三", "110101199003074477", "", "二组2号", "13900000001"],
            ),
        ];
        let fields = |h: &Header| h.columns.iter().map(|(_, f)| *f).collect::<Vec<_>>();
        // By their usual names: the leftmost, even where its cell is blank.
        let h = find_header(&rows, &Vec::new()).unwrap();
        assert_eq!(fields(&h)[2..4], [Some(Field::Address), None]);
        assert_eq!(h.columns_of(Field::Address), [2]);
        // A header the township names takes it from the one with only a usual name ...
        let h = find_header(&rows, &parse_map("现住址=address").unwrap()).unwrap();
        assert_eq!(fields(&h)[2..4], [None, Some(Field::Address)]);
        assert_eq!(h.chosen[3], Some(0));
        // ... and so does a position; setting the left one aside leaves the right one.
        let h = find_header(&rows, &parse_map("#D=address").unwrap()).unwrap();
        assert_eq!(h.columns_of(Field::Address), [3]);
        let h = find_header(&rows, &parse_map("住址=ignore").unwrap()).unwrap();
        assert_eq!(
            fields(&h)[2..4],
            [Some(Field::Ignore), Some(Field::Address)]
        );
        // Both named by the township: both kept, as it chose.
        let h = find_header(&rows, &parse_map("#C=address,#D=address").unwrap()).unwrap();
        assert_eq!(h.columns_of(Field::Address), [2, 3]);
    }

    #[test]
    fn no_header_without_a_name_or_id_column() {
        let rows = [row(1, &["序号", "住址", "联系电话", "备注"])];
        assert!(find_header(&rows, &Vec::new()).is_none());
    }
}
