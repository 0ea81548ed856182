// The township's rules (判定规则) of the checkpoint fake, as staff edit them: the rules the app
// sends are read, checked and kept as the backend keeps them by the real rules (`gridbook rules
// check`, ./judge.js), which refuse a bad value on its field.
import { checkRules } from './judge.js';
import { unavailable } from '../backend/gridbook.js';
import { fake, state, touched } from './state.js';

Object.assign(fake.commands, {
  rules: () => JSON.parse(JSON.stringify(state.rules)),
  set_rules: async ({ rules }) => {
    const kept = await checkRules({ ...state.rules, ...(rules || {}) });
    if (!kept) throw unavailable('检查规则');
    state.rules = kept;
    touched();
    return JSON.parse(JSON.stringify(state.rules));
  },
});
