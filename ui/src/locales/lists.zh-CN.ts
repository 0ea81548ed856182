// The lists behind the township overview's figures: persons by risk tag or 七类人, the day's
// follow-ups by state.
export default {
  persons: {
    title: '重点人员',
    atRisk: '有风险标签的人员',
    count: '共 {n} 人',
    empty: '没有符合条件的人员',
  },
  followUps: {
    title: '今日随访',
    titleOf: '{date} 随访',
    count: '共 {n} 项',
    empty: '没有这一状态的随访',
    all: '全部',
  },
  cases: {
    kind: '管控类型：{kind}',
    kindOn: '{date} {kind}',
  },
};
