// The lists behind the township overview's figures: persons by risk tag or vulnerable group,
// the day's follow-ups by state.
export default {
  persons: {
    title: 'Persons at risk',
    atRisk: 'Persons with a risk tag',
    count: '{n} persons',
    empty: 'No persons match',
  },
  followUps: {
    title: "Today's follow-ups",
    titleOf: 'Follow-ups of {date}',
    count: '{n} items',
    empty: 'No follow-ups in this state',
    all: 'All',
  },
  cases: {
    kind: 'Isolation kind: {kind}',
    kindOn: '{date} {kind}',
  },
};
