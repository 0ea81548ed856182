//! Real codes: county codes for ID numbers, mobile prefixes, plate prefixes, and the cities
//! where 达州 people go to work (外出务工).

/// County codes of the 达州 area (通川区 达川区 宣汉县 开江县 大竹县 渠县 万源市).
pub(super) const DAZHOU: &[u32] = &[511702, 511703, 511722, 511723, 511724, 511725, 511781];

/// County codes elsewhere, weighted: neighbours (成都, 南充, 广安, 重庆) more than the coast.
pub(super) const ELSEWHERE: &[(u32, u32)] = &[
    (510104, 12), // 锦江区
    (510107, 8),  // 武侯区
    (511302, 8),  // 南充 顺庆区
    (511602, 8),  // 广安 广安区
    (500101, 14), // 重庆 万州区
    (500103, 5),  // 重庆 渝中区
    (500233, 5),  // 重庆 忠县
    (420106, 4),  // 武汉 武昌区
    (440305, 4),  // 深圳 南山区
    (440106, 3),  // 广州 天河区
    (330106, 3),  // 杭州 西湖区
    (320102, 2),  // 南京 玄武区
    (110105, 2),  // 北京 朝阳区
    (310115, 3),  // 上海 浦东新区
    (350203, 2),  // 厦门 思明区
    (610113, 3),  // 西安 雁塔区
];

/// Mobile prefixes of the three carriers, the common ones first.
pub(super) const MOBILE_PREFIXES: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "152", "157", "158", "159", "182", "183",
    "187", "188", "198", "130", "131", "132", "155", "156", "185", "186", "166", "133", "153",
    "180", "181", "189", "177", "199", "173",
];

/// Telephone area code of 达州.
pub(super) const AREA_CODE: &str = "0818";

/// Letters allowed in plates (I and O are never used).
pub(super) const PLATE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Plate prefixes (province + issuing office) of cars registered elsewhere.
pub(super) const PLATE_ELSEWHERE: &[&str] = &[
    "川A", "川A", "川R", "川X", "渝A", "渝B", "渝F", "鄂A", "粤B", "粤S", "浙A", "苏E", "京N",
];

/// Where people who work away live (常住地), weighted.
pub(super) const WORK_CITIES: &[(&str, u32)] = &[
    ("广东省深圳市宝安区", 10),
    ("广东省东莞市长安镇", 9),
    ("广东省广州市白云区", 7),
    ("广东省佛山市南海区", 4),
    ("浙江省宁波市鄞州区", 5),
    ("浙江省杭州市萧山区", 4),
    ("福建省厦门市集美区", 4),
    ("福建省泉州市晋江市", 3),
    ("江苏省苏州市昆山市", 4),
    ("上海市浦东新区", 4),
    ("重庆市渝北区", 8),
    ("四川省成都市武侯区", 10),
    ("四川省成都市郫都区", 5),
    ("北京市大兴区", 2),
    ("新疆维吾尔自治区乌鲁木齐市", 2),
];

/// Inactivated vaccines of the first two doses, weighted.
pub(super) const VACCINES: &[(&str, u32)] = &[("北京生物", 48), ("科兴中维", 38), ("武汉生物", 14)];

/// The heterologous booster offered in 2022.
pub(super) const BOOSTER_OTHER: &str = "智飞龙科马";
