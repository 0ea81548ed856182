// The fake backend's checkpoint commands: added to window.__fake.commands (see fake-backend.js).
//
// Faithful enough for the screens: the same validation order and Chinese messages (with
// `field`) as the store's entry form, the default rules of the township's work plan (fever ≥ 37.3
// and red code → 留观转运, yellow → 劝返, risk areas), the volunteer's override needing a note
// when it is less strict, temporary passes issued to a household (with their QR code, an SVG
// made here), refused when used twice, out of their window or unknown, the township's rules
// edited by staff, each checkpoint's shift plan (three 8-hour shifts by default) with sign-in
// and handover, and today's counts. A demo checkpoint is seeded in the first village, with a
// few entries today and yesterday and a handover note, and a second, empty one in the next
// village (so the screen has a checkpoint to switch to).
//
// Options (window.__FAKE_OPTS): now ('YYYY-MM-DDTHH:MM', local) starts the clock there, as in
// fake-isolation.js; checkpointEntries (6) is how many entries today starts with; demoPass (a valid
// pass number) numbers the seeded pass of the 王 household instead of a random one. Tests reach
// the state and helpers through window.__fake.checkpoint.
(function installFakeCheckpoint() {
  const g = globalThis;
  if (!g.__fake || g.__fake.checkpoint) return;
  const fake = g.__fake;
  const { uuid, Invalid, notFound, touched, search, pick, int } = fake.lib;
  const opts = Object.assign({ checkpointEntries: 6 }, g.__FAKE_OPTS || {});

  // The clock: opts.now ('YYYY-MM-DDTHH:MM', local) fixes where it starts, and it runs on from
  // there, so entries made during a test are newer than the seeded ones.
  const started = Date.now();
  const start = opts.now ? new Date(`${opts.now.slice(0, 16)}:00`).getTime() : started;
  const clock = () => start + (Date.now() - started);
  const now = () => new Date(clock());

  const MINUTE = 60000;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const hms = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  /** Local time as the store writes entry times: fixed width, sorts as text. */
  const entryAt = (d) => `${ymd(d)}T${hms(d)}.${pad(d.getMilliseconds(), 3)}000000`;
  const localAt = (d) => `${ymd(d)}T${hms(d)}`;
  const hm = (s) => s.slice(0, 16).replace('T', ' ');
  /** A local time as the store's Chinese texts write it: 12月18日 14:05. */
  const zhShortTime = (s) => `${+s.slice(5, 7)}月${+s.slice(8, 10)}日 ${s.slice(11, 16)}`;

  const LABEL = {
    allow: '放行',
    'turn-back': '劝返',
    observe: '留观转运',
    green: '绿码',
    yellow: '黄码',
    red: '红码',
    in: '进',
    out: '出',
    medium: '中风险',
    high: '高风险',
  };
  const SEVERITY = { allow: 0, 'turn-back': 1, observe: 2 };

  // 00:00–08:00, 08:00–16:00, 16:00–00:00, two people each (三班倒、每班2人).
  const defaultPlan = () => ({
    shifts: [
      { start: '00:00', end: '08:00' },
      { start: '08:00', end: '16:00' },
      { start: '16:00', end: '00:00' },
    ],
    staff_per_shift: 2,
  });

  const state = {
    checkpoints: [
      { id: 'cp-hongxing', village_id: 'v-hongxing', name: '红星村村口卡点', place: '红星村北路口', shift_plan: defaultPlan(), deleted: false },
      { id: 'cp-xinhua', village_id: 'v-xinhua', name: '新华村南口卡点', place: null, shift_plan: defaultPlan(), deleted: false },
    ],
    entries: [],
    shifts: [],
    passes: [],
    rules: {
      fever_tenths: 373,
      fever_decision: 'observe',
      yellow_decision: 'turn-back',
      red_decision: 'observe',
      medium_risk_decision: 'observe',
      high_risk_decision: 'observe',
      risk_areas: [
        { name: '满洲里市', level: 'high', since: ymd(new Date(clock() - 10 * DAY)) },
        { name: '呼和浩特市赛罕区', level: 'medium', since: ymd(new Date(clock() - 10 * DAY)) },
      ],
    },
    device: 'a1b2c3d4e5f60718',
  };

  // ---- validation, in the order and with the messages of the store's entry form ---------------
  function checked(field, value, errField) {
    const r = fake.commands.check_field({ field, value });
    if (!r.ok) throw new Invalid(errField || field, r.message);
    return r.normalized;
  }
  function enumOf(field, zhName, value, values) {
    const v = String(value ?? '').trim();
    for (const c of values) if (v === c || v === LABEL[c]) return c;
    throw new Invalid(field, `${zhName}“${v}”无效，可选：${values.map((c) => LABEL[c]).join('、')}`);
  }
  function temperature(raw) {
    const t = String(raw ?? '')
      .replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .trim();
    if (!t) throw new Invalid('temperature', '请输入体温');
    if (/[fF℉]/.test(t)) throw new Invalid('temperature', '请以摄氏度（℃）填写体温');
    const n = t.replace(/(℃|°C|度)$/, '').replace(',', '.').trim();
    if (!/^\d+(\.\d+)?$/.test(n)) throw new Invalid('temperature', '体温格式无效，应为数字，如36.5');
    const tenths = Math.round(Number(n) * 10);
    if (tenths < 350 || tenths > 420) throw new Invalid('temperature', '体温应在35.0–42.0℃之间');
    return tenths;
  }
  function freeText(raw, field, zhName, max) {
    const t = String(raw ?? '').trim();
    if (!t) return null;
    if ([...t].length > max) throw new Invalid(field, `${zhName}最多${max}个字`);
    return t;
  }
  /** The control state of a person with an open case of the fake isolation backend (the store
   * derives it from the case's policy snapshot: the phase of today, its last day). */
  function isolationOf(personId) {
    const isolation = fake.isolation;
    if (!isolation) return null;
    const c = [...isolation.cases.values()].find((x) => x.person_id === personId && !x.deleted && ['active', 'escalated', 'referred'].includes(x.status));
    if (!c) return null;
    const today = ymd(now());
    const day = Math.round((Date.parse(today) - Date.parse(c.start)) / DAY) + 1;
    if (day < 1) return null;
    let last = 0;
    let phase = c.spec.phases[c.spec.phases.length - 1];
    for (const p of c.spec.phases) {
      last += p.days;
      if (day <= last) {
        phase = p;
        break;
      }
    }
    const until = new Date(Date.parse(c.start) + (last - 1) * DAY);
    const ZH = { centralized: '集中隔离', 'home-isolation': '居家隔离', 'home-monitoring': '居家健康监测', 'daily-monitoring': '居家健康监测' };
    const referral = c.status !== 'active';
    const kind = referral ? 'referral' : phase.kind === 'daily-monitoring' ? 'home-monitoring' : phase.kind;
    const base = `${ZH[phase.kind]}第${day}天，至${until.getUTCMonth() + 1}月${until.getUTCDate()}日`;
    const label = referral ? `待转诊（${base}）` : base;
    return { case_id: c.id, kind, kind_zh: referral ? '待转诊' : ZH[phase.kind], phase: phase.kind, day, until: until.toISOString().slice(0, 10), awaiting_release: day > last, label, label_en: label };
  }

  /** The township control list (管控名单), as the store reads it: whoever another village keeps
   * under control with this whole ID number, labelled with that village's name; the state only,
   * never a name or an address. */
  function listedOf(idNumber, villageId) {
    const id = String(idNumber ?? '').replace(/\s/g, '').toUpperCase();
    if (!/^\d{17}[\dX]$/.test(id)) return null;
    const villageOf = (x) => fake.state.households.get(x.household_id)?.village_id;
    const p = [...fake.state.persons.values()].find((x) => !x.deleted && x.id_number === id && villageOf(x) !== villageId);
    const iso = p ? isolationOf(p.id) : null;
    if (!iso) return null;
    const village = fake.state.villages.find((v) => v.id === villageOf(p))?.name ?? '';
    return { ...iso, label: `${village}管控：${iso.label}`, label_en: `listed by ${village}: ${iso.label_en}`, village };
  }

  function validate(form) {
    const direction = enumOf('direction', '进出方向', form.direction, ['in', 'out']);
    const name = checked('name', form.name);
    const idRaw = String(form.id_number ?? '').trim();
    if (!idRaw) throw new Invalid('id_number', '请输入证件号码');
    const id_number = checked('id_number', idRaw);
    const phone = String(form.phone ?? '').trim() ? checked('phone', form.phone) : null;
    const plate = String(form.plate ?? '').trim() ? checked('plate', form.plate) : null;
    const temperature_tenths = temperature(form.temp);
    const health_code = enumOf('health_code', '健康码', form.code, ['green', 'yellow', 'red']);
    const hukou = freeText(form.hukou, 'hukou_place', '户口所在地', 100);
    const residence = freeText(form.residence, 'residence', '常住地', 100);
    const travel = freeText(form.travel, 'travel', '旅居史', 200) || '';
    const purpose = freeText(form.purpose, 'purpose', '事由', 100);
    const areas = [];
    for (const a of form.areas || []) {
      const t = freeText(a, 'declared_areas', '风险地区名称', 50);
      if (t && !areas.includes(t)) areas.push(t);
    }
    return { direction, name, id_number, phone, plate, temperature_tenths, health_code, hukou, residence, travel, purpose, areas };
  }

  // ---- the township's rules ------------------------------------------------------------------
  const SUFFIXES = ['特别行政区', '自治区', '自治州', '自治县', '街道', '社区', '省', '市', '区', '县', '州', '镇', '乡', '村'];
  const fold = (s) => String(s).replace(/\s+/g, '').toLowerCase();
  function stem(name) {
    for (const s of SUFFIXES) {
      if (name.endsWith(s) && [...name].length - [...s].length >= 2) return name.slice(0, -s.length);
    }
    return name;
  }
  function matchAreas(text, day) {
    const t = fold(text);
    if (!t) return [];
    return state.rules.risk_areas.filter((a) => a.since <= day && (t.includes(fold(a.name)) || t.includes(stem(fold(a.name)))));
  }
  function suggest(v, day) {
    const r = state.rules;
    const reasons = [];
    const reason = (code, decision, zh, en) => reasons.push({ code, zh, en, decision });
    if (v.temperature_tenths >= r.fever_tenths) {
      const t = (v.temperature_tenths / 10).toFixed(1), limit = (r.fever_tenths / 10).toFixed(1);
      reason('fever', r.fever_decision, `体温${t}℃，达到发热标准${limit}℃`, `temperature ${t} °C is at or above the fever threshold ${limit} °C`);
    }
    if (v.health_code !== 'green') {
      reason(`health-code-${v.health_code}`, r[`${v.health_code}_decision`], `健康码为${LABEL[v.health_code]}`, `health code is ${v.health_code}`);
    }
    for (const a of matchAreas([...v.areas, v.travel].join('|'), day)) {
      reason(`risk-area-${a.level}`, r[`${a.level}_risk_decision`], `14天内到过${LABEL[a.level]}地区：${a.name}`, `visited ${a.level} risk area ${a.name} in the last 14 days`);
    }
    for (const name of v.areas) {
      if (!matchAreas(name, day).length) {
        const d = SEVERITY[r.high_risk_decision] >= SEVERITY[r.medium_risk_decision] ? r.high_risk_decision : r.medium_risk_decision;
        reason('risk-area-unlisted', d, `申报到过风险地区“${name}”，当前名单中没有`, `declared risk area '${name}' is not on the current list`);
      }
    }
    const decision = reasons.reduce((d, x) => (SEVERITY[x.decision] > SEVERITY[d] ? x.decision : d), 'allow');
    if (!reasons.length) {
      reason('all-clear', 'allow', '体温正常、绿码、14天内无中高风险地区旅居史', 'normal temperature, green code, no medium- or high-risk travel in 14 days');
    }
    return { decision, reasons };
  }

  // ---- passes --------------------------------------------------------------------------------
  const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  function checkValue(values) {
    let factor = 2, sum = 0;
    for (let i = values.length - 1; i >= 0; i--) {
      const addend = factor * values[i];
      sum += Math.floor(addend / 32) + (addend % 32);
      factor = factor === 2 ? 1 : 2;
    }
    return (32 - (sum % 32)) % 32;
  }
  function passNumber(values) {
    return values.map((v) => ALPHABET[v]).join('') + ALPHABET[checkValue(values)];
  }
  const PASS_PREFIX = 'GRIDBOOK-PASS:';
  function parsePass(text) {
    let raw = String(text ?? '').trim();
    // A scanned QR code holds the payload: the prefix goes, in any case.
    if (raw.slice(0, PASS_PREFIX.length).toUpperCase() === PASS_PREFIX) raw = raw.slice(PASS_PREFIX.length);
    const n = raw
      .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/[\s\-－—]/g, '')
      .toUpperCase();
    const err = (m) => new Invalid('pass_number', m);
    if (!n) throw err('请输入通行证号');
    if (n.length !== 8) throw err('通行证号应为8位');
    const values = [...n].map((c) => ALPHABET.indexOf(c));
    if (values.some((v) => v < 0)) throw err('通行证号只含数字2–9和字母（无O、I）');
    if (checkValue(values.slice(0, 7)) !== values[7]) throw err('通行证号校验位不符，请核对');
    return n;
  }
  function issuePass(householdId, fromMs, toMs, issuedBy = '王海', number = null) {
    let n = number ? parsePass(number) : null;
    while (!n || state.passes.some((p) => p.number === n)) n = passNumber(Array.from({ length: 7 }, () => int(0, 31)));
    const pass = {
      id: uuid('pass'),
      number: n,
      household_id: householdId,
      valid_from: localAt(new Date(fromMs)),
      valid_to: localAt(new Date(toMs)),
      issued_by: issuedBy,
      uses: [],
    };
    state.passes.push(pass);
    return pass.number;
  }
  /** A pass as the passes command lists it: the uses without the person's ID number. */
  const publicPass = (p) => ({
    id: p.id,
    number: p.number,
    household_id: p.household_id,
    valid_from: p.valid_from,
    valid_to: p.valid_to,
    issued_by: p.issued_by,
    payload: PASS_PREFIX + p.number,
    uses: p.uses.map((u) => ({ at: u.at, direction: u.direction, checkpoint_id: u.checkpoint_id, entry_id: u.entry_id })),
  });
  /** Local 'YYYY-MM-DDTHH:MM' of a pass window, strictly as issue_pass takes it. */
  function passTime(field, raw) {
    const text = String(raw ?? '').trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
    const d = m && new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    if (!m || d.getMonth() !== +m[2] - 1 || d.getDate() !== +m[3] || +m[4] > 23 || +m[5] > 59) {
      throw new Invalid(field, `时间“${text}”应为 YYYY-MM-DDTHH:MM`);
    }
    return d.getTime();
  }
  /** The domain's MAX_PASS_WINDOW_HOURS. */
  const MAX_PASS_HOURS = 24;

  // ---- QR codes (ISO 18004): byte mode, error correction M, versions 1–4 ----------------------
  // Enough for a pass payload (22 characters, version 2); the unit tests decode it with jsQR.
  const GF_EXP = new Array(512);
  const GF_LOG = new Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    GF_EXP[i] = x;
    GF_LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) GF_EXP[i] = GF_EXP[i - 255];
  const gfMul = (a, b) => (a && b ? GF_EXP[GF_LOG[a] + GF_LOG[b]] : 0);
  function rsRemainder(data, n) {
    let gen = [1];
    for (let i = 0; i < n; i++) {
      const next = new Array(gen.length + 1).fill(0);
      for (let j = 0; j < gen.length; j++) {
        next[j] ^= gen[j];
        next[j + 1] ^= gfMul(gen[j], GF_EXP[i]);
      }
      gen = next;
    }
    const rem = new Array(n).fill(0);
    for (const d of data) {
      const f = d ^ rem.shift();
      rem.push(0);
      for (let j = 0; j < n; j++) rem[j] ^= gfMul(gen[j + 1], f);
    }
    return rem;
  }
  // Data codewords, EC codewords per block, blocks, alignment centre (level M).
  const QR_M = [null, [16, 10, 1, 0], [28, 16, 1, 18], [44, 26, 1, 22], [64, 18, 2, 26]];
  const QR_MASKS = [
    (y, x) => (y + x) % 2 === 0,
    (y) => y % 2 === 0,
    (y, x) => x % 3 === 0,
    (y, x) => (y + x) % 3 === 0,
    (y, x) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
    (y, x) => ((y * x) % 2) + ((y * x) % 3) === 0,
    (y, x) => (((y * x) % 2) + ((y * x) % 3)) % 2 === 0,
    (y, x) => (((y + x) % 2) + ((y * x) % 3)) % 2 === 0,
  ];
  /** The module matrix (true = dark) of `text`, without the quiet zone. */
  function qrMatrix(text) {
    const bytes = [...new TextEncoder().encode(text)];
    let version = 1;
    while (version <= 4 && 12 + bytes.length * 8 > QR_M[version][0] * 8) version++;
    if (version > 4) throw new Error('QR payload too long');
    const [dataLen, ecLen, blocks, align] = QR_M[version];
    const bits = [];
    const put = (v, n) => {
      for (let i = n - 1; i >= 0; i--) bits.push((v >>> i) & 1);
    };
    put(4, 4);
    put(bytes.length, 8);
    for (const b of bytes) put(b, 8);
    put(0, Math.min(4, dataLen * 8 - bits.length));
    while (bits.length % 8) bits.push(0);
    const data = [];
    for (let i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).join(''), 2));
    for (let pad = 0xec; data.length < dataLen; pad ^= 0xec ^ 0x11) data.push(pad);
    const per = dataLen / blocks;
    const dataBlocks = Array.from({ length: blocks }, (_, b) => data.slice(b * per, (b + 1) * per));
    const ecBlocks = dataBlocks.map((blk) => rsRemainder(blk, ecLen));
    const codewords = [];
    for (let i = 0; i < per; i++) for (const blk of dataBlocks) codewords.push(blk[i]);
    for (let i = 0; i < ecLen; i++) for (const blk of ecBlocks) codewords.push(blk[i]);

    const size = 17 + 4 * version;
    const dark = Array.from({ length: size }, () => new Array(size).fill(false));
    const fixed = Array.from({ length: size }, () => new Array(size).fill(false));
    const set = (x, y, v) => {
      dark[y][x] = v;
      fixed[y][x] = true;
    };
    for (let i = 0; i < size; i++) {
      set(6, i, i % 2 === 0);
      set(i, 6, i % 2 === 0);
    }
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx, y = cy + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) continue;
          const d = Math.max(Math.abs(dx), Math.abs(dy));
          set(x, y, d !== 2 && d !== 4);
        }
      }
    }
    if (align) {
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) set(align + dx, align + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }
    const format = (mask) => {
      const v = (0 << 3) | mask; // level M is 00
      let rem = v;
      for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
      const b = ((v << 10) | rem) ^ 0x5412;
      const bit = (i) => ((b >>> i) & 1) === 1;
      for (let i = 0; i <= 5; i++) set(8, i, bit(i));
      set(8, 7, bit(6));
      set(8, 8, bit(7));
      set(7, 8, bit(8));
      for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
      for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
      for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
      set(8, size - 8, true);
    };
    format(0); // reserves the format areas before the data goes in
    const stream = codewords.flatMap((c) => Array.from({ length: 8 }, (_, i) => ((c >>> (7 - i)) & 1) === 1));
    let k = 0;
    for (let right = size - 1, up = true; right >= 1; right -= 2, up = !up) {
      if (right === 6) right = 5;
      for (let v = 0; v < size; v++) {
        const y = up ? size - 1 - v : v;
        for (const x of [right, right - 1]) {
          if (fixed[y][x]) continue;
          dark[y][x] = k < stream.length ? stream[k] : false;
          k++;
        }
      }
    }
    const base = dark.map((row) => row.slice());
    const applied = (mask) => {
      const m = base.map((row, y) => row.map((d, x) => (fixed[y][x] ? d : d !== QR_MASKS[mask](y, x))));
      for (let y = 0; y < size; y++) dark[y] = m[y];
      format(mask);
      return dark.map((row) => row.slice());
    };
    let best = null;
    for (let mask = 0; mask < 8; mask++) {
      const m = applied(mask);
      const score = penalty(m);
      if (!best || score < best.score) best = { score, m };
    }
    return best.m;
  }
  function penalty(m) {
    const n = m.length;
    let score = 0;
    const lines = [];
    for (let i = 0; i < n; i++) {
      lines.push(m[i]);
      lines.push(m.map((row) => row[i]));
    }
    for (const line of lines) {
      let run = 1;
      for (let i = 1; i <= n; i++) {
        if (i < n && line[i] === line[i - 1]) run++;
        else {
          if (run >= 5) score += run - 2;
          run = 1;
        }
      }
      const s = line.map((d) => (d ? '1' : '0')).join('');
      for (const pat of ['10111010000', '00001011101']) {
        for (let i = s.indexOf(pat); i >= 0; i = s.indexOf(pat, i + 1)) score += 40;
      }
    }
    let darkCount = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (m[y][x]) darkCount++;
        if (y < n - 1 && x < n - 1 && m[y][x] === m[y][x + 1] && m[y][x] === m[y + 1][x] && m[y][x] === m[y + 1][x + 1]) score += 3;
      }
    }
    return score + Math.floor(Math.abs(darkCount * 20 - n * n * 10) / (n * n)) * 10;
  }
  /** A standalone SVG document of the QR code, with the quiet zone, at least 240 px wide. */
  function qrSvg(text) {
    const m = qrMatrix(text);
    const quiet = 4;
    const cell = Math.ceil(240 / (m.length + 2 * quiet));
    const side = (m.length + 2 * quiet) * cell;
    let d = '';
    m.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) d += `M${(x + quiet) * cell} ${(y + quiet) * cell}h${cell}v${cell}h-${cell}z`;
      }),
    );
    return `<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${side}" height="${side}" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges"><rect x="0" y="0" width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
  }
  /** Null when the person may cross, else the refusal (`{kind:'refused', code, message}`). */
  function passRefusal(number, direction, idNumber, now) {
    const pass = state.passes.find((p) => p.number === number);
    if (!pass) throw { kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' };
    const outs = pass.uses.filter((u) => u.direction === 'out');
    const refuse = (code, message) => ({ kind: 'refused', code, message });
    if (direction === 'in') {
      return outs.some((u) => u.id_number === idNumber) ? null : refuse('not-out-on-pass', '此人未凭此通行证外出，不能凭证返回');
    }
    const at = localAt(now);
    if (at < pass.valid_from) return refuse('not-yet-valid', `通行证尚未生效，${zhShortTime(pass.valid_from)}起可用`);
    if (at >= pass.valid_to) return refuse('expired', `通行证已于${zhShortTime(pass.valid_to)}过期`);
    if (outs.length) {
      const first = outs.map((u) => u.at).sort()[0];
      return refuse('already-used', `本户已有一人于${zhShortTime(first)}凭此证外出，每户每时段限一人`);
    }
    return null;
  }

  // ---- shifts: each checkpoint's plan (00–08, 08–16, 16–24 and two people by default) -------
  const minutesOf = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const shiftLength = (s) => {
    const d = minutesOf(s.end) - minutesOf(s.start);
    return d <= 0 ? d + 24 * 60 : d;
  };
  /** The shift on at `d`: the day it started (a shift past midnight belongs to that day) and its index. */
  function shiftAt(plan, d) {
    for (const back of [0, 1]) {
      const day = new Date(d.getFullYear(), d.getMonth(), d.getDate() - back);
      for (let i = 0; i < plan.shifts.length; i++) {
        const s = plan.shifts[i];
        const start = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minutesOf(s.start));
        if (start <= d && d < new Date(start.getTime() + shiftLength(s) * MINUTE)) return { date: ymd(day), index: i };
      }
    }
    return { date: ymd(d), index: 0 };
  }
  /** set_shift_plan's checks, in the store's order and with its messages. */
  function validPlan(shifts, staffPerShift) {
    const list = Array.isArray(shifts) ? shifts : [];
    const hm = (raw) => {
      const t = String(raw ?? '').trim().replace('：', ':');
      if (t === '24:00') return '00:00';
      const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
      return m && +m[1] < 24 && +m[2] < 60 ? `${m[1].padStart(2, '0')}:${m[2]}` : null;
    };
    const parsed = list.map((s, i) => {
      const start = hm(s && s.start), end = hm(s && s.end);
      if (!start || !end) throw new Invalid('shifts', `第${i + 1}班时间“${s && s.start}–${s && s.end}”应为 HH:MM`);
      return { start, end };
    });
    const staff = Number(staffPerShift);
    if (!Number.isInteger(staff) || staff < 1 || staff > 20) throw new Invalid('staff_per_shift', '每班人数应为1–20人');
    if (!parsed.length) throw new Invalid('shifts', '至少需要一个班次');
    parsed.forEach((s, i) => {
      const next = parsed[(i + 1) % parsed.length];
      if (s.end !== next.start) throw new Invalid('shifts', `第${i + 1}班${s.end}结束，下一班${next.start}开始，班次须连续、无空档无重叠`);
    });
    if (parsed.reduce((sum, s) => sum + shiftLength(s), 0) !== 24 * 60) throw new Invalid('shifts', '班次合计应为24小时');
    return { shifts: parsed, staff_per_shift: staff };
  }
  function signedIn(cp, date, index) {
    return state.shifts
      .filter((s) => s.checkpoint_id === cp && s.date === date && s.index === index && !s.signed_out_at)
      .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0] || null;
  }
  function onDuty(cp) {
    return state.shifts
      .filter((s) => s.checkpoint_id === cp && !s.signed_out_at)
      .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0] || null;
  }

  function checkpointOf(id) {
    const cp = state.checkpoints.find((c) => c.id === id && !c.deleted);
    if (!cp) throw { kind: 'not_found', message: '找不到该卡口' };
    return cp;
  }
  const publicShift = (s) => (s ? { ...s } : null);
  const publicCheckpoint = ({ deleted, shift_plan, ...c }) => (void deleted, { ...c, shift_plan: { shifts: shift_plan.shifts.map((s) => ({ ...s })), staff_per_shift: shift_plan.staff_per_shift } });
  const publicEntry = (e) => {
    const { day, checkpoint_id, areas, hukou, residence, purpose, ...row } = e;
    void day; void checkpoint_id; void areas; void hukou; void residence; void purpose;
    return row;
  };

  function record(form, now) {
    const cp = checkpointOf(form.checkpoint);
    const v = validate(form);
    const day = ymd(now);
    const s = suggest(v, day);
    const chosen = form.decision ? enumOf('decision', '处置', form.decision, ['allow', 'turn-back', 'observe']) : s.decision;
    const duty = onDuty(cp.id);
    const volunteer = duty ? duty.staff.split(',')[0] : '未签到';
    const note = freeText(form.note, 'note', '说明', 200);
    if (SEVERITY[chosen] < SEVERITY[s.decision] && !note) {
      throw new Invalid('note', `建议“${LABEL[s.decision]}”，改为“${LABEL[chosen]}”须填写原因`);
    }
    let pass = null;
    if (form.pass && String(form.pass).trim()) {
      const number = parsePass(form.pass);
      const refusal = passRefusal(number, v.direction, v.id_number, now);
      if (refusal) throw refusal;
      pass = state.passes.find((p) => p.number === number);
    }
    const person = [...fake.state.persons.values()].find((p) => {
      const h = fake.state.households.get(p.household_id);
      return !p.deleted && p.id_number === v.id_number && h && h.village_id === cp.village_id;
    });
    const entry = {
      id: uuid('e'),
      checkpoint_id: cp.id,
      day,
      at: entryAt(now),
      device: state.device,
      direction: v.direction,
      name: v.name,
      id_number: v.id_number,
      phone: v.phone,
      plate: v.plate,
      temperature: v.temperature_tenths / 10,
      health_code: v.health_code,
      travel: v.travel,
      suggested: s.decision,
      decision: chosen,
      reasons: s.reasons,
      volunteer,
      note,
      overridden: chosen !== s.decision,
      recorded_by: fake.state.device_name,
      person_id: person ? person.id : null,
      pass_number: pass ? pass.number : null,
      areas: v.areas,
      hukou: v.hukou,
      residence: v.residence,
      purpose: v.purpose,
    };
    state.entries.push(entry);
    if (pass) pass.uses.push({ at: localAt(now), direction: v.direction, id_number: v.id_number, checkpoint_id: cp.id, entry_id: entry.id });
    return { entry, suggestion: s };
  }

  function dayEntries(cp, day) {
    return state.entries
      .filter((e) => e.checkpoint_id === cp && e.day === day)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  }

  // ---- commands ------------------------------------------------------------------------------
  Object.assign(fake.commands, {
    checkpoints: () => state.checkpoints.filter((c) => !c.deleted).map(publicCheckpoint),
    add_checkpoint: ({ villageId, name, place }) => {
      if (!fake.state.villages.some((v) => v.id === villageId)) throw { kind: 'not_found', message: '找不到该村（社区）' };
      const n = String(name ?? '').trim();
      if (!n || [...n].length > 40) throw new Invalid('name', '卡口名称应为1–40个字');
      const id = uuid('cp');
      state.checkpoints.push({ id, village_id: villageId, name: n, place: String(place ?? '').trim() || null, shift_plan: defaultPlan(), deleted: false });
      touched();
      return id;
    },
    checkpoint_today: ({ checkpoint }) => {
      const cp = checkpointOf(checkpoint);
      const at = now();
      const today = dayEntries(cp.id, ymd(at));
      const counts = { in: 0, out: 0, turned_back: 0, observed: 0, total: 0 };
      for (const e of today) {
        counts.total++;
        if (e.decision === 'turn-back') counts.turned_back++;
        else if (e.decision === 'observe') counts.observed++;
        else if (e.direction === 'in') counts.in++;
        else counts.out++;
      }
      const plan = cp.shift_plan;
      const { date, index } = shiftAt(plan, at);
      const last = state.shifts
        .filter((s) => s.checkpoint_id === cp.id && s.signed_out_at)
        .sort((a, b) => (a.signed_out_at < b.signed_out_at ? 1 : -1))[0];
      return {
        date: ymd(at),
        counts,
        shift: {
          date,
          index,
          start: plan.shifts[index].start,
          end: plan.shifts[index].end,
          staff_needed: plan.staff_per_shift,
          signed_in: publicShift(signedIn(cp.id, date, index)),
        },
        last_handover: publicShift(last),
        recent: today.slice(-20).reverse().map(publicEntry),
      };
    },
    entries: ({ checkpoint, date }) => {
      const cp = checkpointOf(checkpoint);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(date ?? '').trim())) throw new Invalid('date', `日期“${date}”应为 YYYY-MM-DD`);
      return dayEntries(cp.id, String(date).trim()).map(publicEntry);
    },
    match_residents: ({ checkpoint, query, limit }) => {
      const cp = checkpointOf(checkpoint);
      const hits = search(query, 100000)
        .filter((h) => h.village_id === cp.village_id)
        .slice(0, Math.min(limit || 8, 50))
        .map((h) => ({ ...h, isolation: isolationOf(h.person_id) }));
      const id = String(query ?? '').replace(/\s/g, '').toUpperCase();
      const listed = hits.some((h) => h.id_number === id) ? null : listedOf(id, cp.village_id);
      if (listed) {
        hits.unshift({ person_id: '', household_id: '', village_id: '', name: '', id_number: id, phone: null, plate: null, address: '', matched: 'control', isolation: listed });
      }
      return hits;
    },
    preview_entry: ({ form }) => {
      const v = validate(form);
      const person = [...fake.state.persons.values()].find((p) => !p.deleted && p.id_number === v.id_number);
      const cp = checkpointOf(form.checkpoint);
      const own = person ? isolationOf(person.id) : null;
      return { ...suggest(v, ymd(now())), isolation: own ?? listedOf(v.id_number, cp.village_id) };
    },
    add_entry: ({ form }) => {
      const { entry, suggestion } = record(form, now());
      touched();
      return { entry_id: entry.id, decision: entry.decision, suggested: suggestion.decision, reasons: suggestion.reasons, person_id: entry.person_id };
    },
    shift_start: ({ checkpoint, staff }) => {
      const cp = checkpointOf(checkpoint);
      const names = [];
      for (const raw of staff || []) {
        const name = checked('name', raw, 'staff');
        if (names.includes(name)) throw new Invalid('staff', `值班人员“${name}”重复`);
        names.push(name);
      }
      if (!names.length) throw new Invalid('staff', '请填写值班人员');
      const at = now();
      const { date, index } = shiftAt(cp.shift_plan, at);
      const row = { id: uuid('shift'), checkpoint_id: cp.id, date, index, staff: names.join(','), signed_in_at: localAt(at), signed_out_at: null, handover_note: null };
      state.shifts.push(row);
      touched();
      return publicShift(row);
    },
    shift_handover: ({ checkpoint, note }) => {
      const cp = checkpointOf(checkpoint);
      const text = freeText(note, 'note', '交接班记录', 500);
      if (!text) throw new Invalid('note', '请填写交接班记录，无事可写“无异常”');
      // Written in the first 30 minutes of a shift, it belongs to the one that just ended.
      const { date, index } = shiftAt(cp.shift_plan, new Date(clock() - 30 * MINUTE));
      const row = state.shifts
        .filter((s) => s.checkpoint_id === cp.id && s.date === date && s.index === index)
        .sort((a, b) => (a.signed_in_at < b.signed_in_at ? 1 : -1))[0];
      if (!row) throw new Invalid('shift', '本班次尚未签到，无法交班');
      row.signed_out_at = localAt(now());
      row.handover_note = text;
      touched();
      return publicShift(row);
    },
    check_pass: ({ number, direction, idNumber }) => {
      const dir = enumOf('direction', '进出方向', direction, ['in', 'out']);
      const refusal = passRefusal(parsePass(number), dir, String(idNumber ?? '').trim().toUpperCase(), now());
      if (refusal) throw refusal;
      return null;
    },
    rules: () => JSON.parse(JSON.stringify(state.rules)),
    set_rules: ({ rules }) => {
      const r = rules || {};
      const tenths = Number(r.fever_tenths);
      if (!Number.isInteger(tenths) || tenths < 370 || tenths > 385) throw new Invalid('fever_tenths', '发热标准应在37.0–38.5℃之间');
      const decisions = {};
      for (const f of ['fever_decision', 'yellow_decision', 'red_decision', 'medium_risk_decision', 'high_risk_decision']) {
        decisions[f] = enumOf(f, '处置', r[f], ['allow', 'turn-back', 'observe']);
      }
      if (decisions.fever_decision === 'allow') throw new Invalid('fever_decision', '发热人员不能设为直接放行');
      if (decisions.red_decision === 'allow') throw new Invalid('red_decision', '红码人员不能设为直接放行');
      if (SEVERITY[decisions.high_risk_decision] < SEVERITY[decisions.medium_risk_decision]) {
        throw new Invalid('high_risk_decision', '高风险地区的处置不能比中风险地区宽松');
      }
      const areas = [];
      const seen = [];
      (Array.isArray(r.risk_areas) ? r.risk_areas : []).forEach((a, i) => {
        const name = String((a && a.name) ?? '').trim();
        const key = fold(name);
        const len = [...key].length;
        if (len < 2 || len > 50) throw new Invalid('risk_areas', `第${i + 1}个风险地区名称应为2–50个字`);
        if (seen.includes(key)) throw new Invalid('risk_areas', `风险地区“${name}”重复`);
        seen.push(key);
        const level = enumOf('risk_areas', '风险等级', a.level, ['medium', 'high']);
        const since = String(a.since ?? '').trim();
        const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since);
        const day = d && new Date(+d[1], +d[2] - 1, +d[3]);
        if (!d || day.getMonth() !== +d[2] - 1 || day.getDate() !== +d[3]) {
          throw new Invalid('risk_areas', `第${i + 1}个风险地区的起始日期“${since}”应为 YYYY-MM-DD`);
        }
        areas.push({ name, level, since });
      });
      state.rules = { fever_tenths: tenths, ...decisions, risk_areas: areas };
      touched();
      return JSON.parse(JSON.stringify(state.rules));
    },
    set_shift_plan: ({ checkpoint, shifts, staffPerShift }) => {
      const cp = checkpointOf(checkpoint);
      cp.shift_plan = validPlan(shifts, staffPerShift);
      touched();
      return publicCheckpoint(cp);
    },
    issue_pass: ({ household, from, to }) => {
      const fromMs = passTime('valid_from', from);
      const toMs = passTime('valid_to', to);
      if (toMs <= fromMs) throw new Invalid('valid_to', '通行证结束时间应晚于开始时间');
      if (toMs - fromMs > MAX_PASS_HOURS * 3600 * 1000) throw new Invalid('valid_to', `通行证时段最长${MAX_PASS_HOURS}小时，更长请分次发放`);
      const h = fake.state.households.get(String(household ?? ''));
      if (!h || h.deleted) throw notFound('户');
      const number = issuePass(h.id, fromMs, toMs, fake.state.device_name);
      touched();
      return publicPass(state.passes.find((p) => p.number === number));
    },
    passes: ({ household }) => {
      const h = fake.state.households.get(String(household ?? ''));
      if (!h || h.deleted) throw notFound('户');
      return state.passes
        .filter((p) => p.household_id === h.id)
        .sort((a, b) => (a.valid_from < b.valid_from ? 1 : a.valid_from > b.valid_from ? -1 : 0))
        .map(publicPass);
    },
    pass_qr: ({ number }) => {
      const n = parsePass(number);
      if (!state.passes.some((p) => p.number === n)) throw { kind: 'not_found', code: 'pass', message: '找不到该通行证', message_en: 'The pass was not found' };
      return qrSvg(PASS_PREFIX + n);
    },
  });

  // ---- demo data -----------------------------------------------------------------------------
  function seed() {
    const t0 = clock();
    const wang = fake.state.persons.get('p-wang');
    const liming = fake.state.persons.get('p-liming');
    const visitor = (name, birth, male) => ({ name, id_number: fake.makeValidId(birth, male) });
    const people = [
      wang && { name: wang.name, id_number: wang.id_number, phone: wang.phone },
      liming && { name: liming.name, id_number: liming.id_number, phone: liming.phone, plate: liming.plate },
      visitor('赵志刚', '1979-04-12', true),
      visitor('孙丽', '1992-08-30', false),
      visitor('周海涛', '1986-01-05', true),
      visitor('吴春梅', '1968-12-19', false),
    ].filter(Boolean);
    const make = (i, extra) => {
      const p = people[i % people.length];
      return {
        checkpoint: 'cp-hongxing',
        direction: i % 3 === 1 ? 'out' : 'in',
        phone: '',
        plate: '',
        travel: '',
        hukou: '',
        residence: '',
        purpose: '',
        areas: [],
        temp: pick(['36.2', '36.4', '36.5', '36.6', '36.8']),
        code: 'green',
        ...p,
        ...extra,
      };
    };
    // Yesterday: a day shift with its handover, and a few entries.
    const y = new Date(t0 - DAY);
    const yAt = (h, m) => new Date(y.getFullYear(), y.getMonth(), y.getDate(), h, m);
    state.shifts.push({ id: 'shift-y1', checkpoint_id: 'cp-hongxing', date: ymd(y), index: 2, staff: '刘洋,陈静', signed_in_at: localAt(yAt(15, 55)), signed_out_at: localAt(yAt(23, 58)), handover_note: '夜间无异常，测温枪已充电' });
    const yesterday = [[9, 12, {}], [10, 40, { code: 'yellow' }], [14, 5, {}], [18, 30, { temp: '37.6' }]];
    yesterday.forEach(([h, m, extra], i) => {
      record(make(i + 2, extra), yAt(h, m)).entry.volunteer = h < 16 ? '王海' : '刘洋';
    });
    // Today: the last hour or so, only after midnight.
    const midnight = new Date(t0);
    midnight.setHours(0, 0, 0, 0);
    for (let i = 0; i < opts.checkpointEntries; i++) {
      const at = new Date(t0 - (opts.checkpointEntries - i) * 9 * MINUTE);
      if (at < midnight) continue;
      record(make(i, i === 2 ? { code: 'yellow' } : {}), at);
    }
    // A pass of the 王 household, valid from an hour ago for the next six hours.
    return issuePass('h-wang', t0 - HOUR, t0 + 6 * HOUR, '王海', opts.demoPass || null);
  }
  const demoPass = seed();

  fake.checkpoint = { state, demoPass, issuePass, passNumber, parsePass, suggest, validate, qrMatrix, qrSvg, shiftAt };
})();
