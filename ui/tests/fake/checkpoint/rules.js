// The township's rules (判定规则) of the checkpoint fake, as staff edit them: the rules the app
// sends are read, checked and kept as the backend keeps them by the real rules (`gridbook rules
// check`, ./judge.js), which refuse a bad value on its field.
import { checkRules, rulesInForce } from './judge.js';
import { unavailable } from '../backend/gridbook.js';
import { fake, state, touched } from './state.js';

Object.assign(fake.commands, {
  rules: async () => {
    const rules = await rulesInForce();
    if (!rules) throw unavailable('读取规则');
    return JSON.parse(JSON.stringify(rules));
  },
  set_rules: async ({ rules }) => {
    const kept = await checkRules({ ...(await rulesInForce()), ...(rules || {}) });
    if (!kept) throw unavailable('检查规则');
    state.rules = kept;
    touched();
    return JSON.parse(JSON.stringify(state.rules));
  },
});
