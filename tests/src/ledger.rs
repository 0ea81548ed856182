//! The 一户一档 ledger's header row as the township files it (township-formats.md in the
//! design notes): every export of the ledger carries it, and the tests check it.

/// The ledger's header row, column by column.
pub const LEDGER_HEADER: [&str; 21] = [
    "序号",
    "村（社区）",
    "组",
    "户号",
    "户主姓名",
    "与户主关系",
    "姓名",
    "性别",
    "公民身份号码",
    "联系电话",
    "现住址",
    "人员类型",
    "重点人员类别",
    "七类人",
    "疫苗接种剂次",
    "最近核酸日期",
    "最近核酸结果",
    "外出务工",
    "最近核查日期",
    "核查人",
    "备注",
];
