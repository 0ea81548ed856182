// Shapes of the JSON that the Tauri commands return (see the backend contract in api.ts).

export interface AppStatus {
  device_name: string;
  township_id: string | null;
  /** The township's name, once its grid document is on the device. */
  township_name: string | null;
  enrolled: boolean;
  relay_url: string | null;
  /** The role the relay gave this device: grid-worker, volunteer, doctor, township (null before enrollment). */
  role?: string | null;
  /** The village this device serves; null for the whole township or before enrollment. */
  village_id?: string | null;
  /** Kinds of documents this device may write (grid, ledger, care, gate, entries, reports). */
  writes?: string[];
  /** Documents whose edits from this device the relay refused, still to be seen to. */
  refused?: number;
  households: number;
  persons: number;
  unsynced: number;
  last_sync: string | null;
  online: boolean;
  syncing: boolean;
  under_follow_up: number;
  /** Today at the deployment's local time (YYYY-MM-DD), whatever the device's time zone. */
  today?: string;
  /** Now at the deployment's local time, 'YYYY-MM-DDTHH:MM:SS'. */
  now?: string;
}

export interface Group {
  id: string;
  name: string;
}

export interface Village {
  id: string;
  name: string;
  households: number;
  persons: number;
  /** Optional: the groups (组) of the village, used by the household form's group picker. */
  groups?: Group[];
}

export interface HouseholdRow {
  id: string;
  village_id: string;
  group_id: string | null;
  group_name: string | null;
  address: string;
  head_person_id: string | null;
  head_name: string | null;
  phone: string | null;
  residents: number;
  last_verified: string | null;
}

export interface HouseholdPage {
  total: number;
  rows: HouseholdRow[];
}

/** `control`: a whole ID number only the township control list knows (another village). */
export type MatchKind = 'name' | 'pinyin' | 'id' | 'phone' | 'plate' | 'control';

export interface SearchHit {
  person_id: string;
  household_id: string;
  village_id: string;
  name: string;
  id_number: string | null;
  phone: string | null;
  plate: string | null;
  address: string | null;
  matched: MatchKind;
  /** The control state from an open case (checkpoint match only). */
  isolation?: IsolationState | null;
}

/** A person's control state from an open case, as the backend derives it. */
export interface IsolationState {
  case_id: string;
  kind: 'home-isolation' | 'centralized' | 'home-monitoring' | 'referral';
  kind_zh: string;
  phase: string;
  day: number;
  until: string;
  awaiting_release: boolean;
  /** 居家隔离第3天，至12月18日 */
  label: string;
  label_en: string;
  /** The village that keeps the case, when the state comes from its control list. */
  village?: string;
}

export type Gender = 'male' | 'female' | 'unknown';

export interface Person {
  id: string;
  household_id: string;
  name: string;
  gender: Gender;
  id_kind: string | null;
  id_number: string | null;
  birth_date: string | null;
  phone: string | null;
  relation: string | null;
  residency: string | null;
  tags: string[];
  vulnerable: string[];
  works_away: boolean;
  plate: string | null;
  address: string | null;
  doses: number;
  last_test: string | null;
  /** The person this one is merged into, if merged (疑似重复 → 合并). */
  merged_into?: string | null;
  /** Persons merged into this one. */
  merged?: string[];
}

export interface Conflict {
  record_id: string;
  field: string;
  doc_id: string;
  values: unknown[];
  /** A person's name or a household's address, when the record is one. */
  label?: string | null;
}

export interface HouseholdDetail extends Omit<HouseholdRow, 'residents'> {
  residents: Person[];
  conflicts: Conflict[];
}

export interface PersonInput {
  name: string;
  idNumber: string;
  phone?: string;
  relation?: string;
  residency?: string;
  tags: string[];
  vulnerable: string[];
  plate?: string;
}

export interface HouseholdInput {
  villageId: string;
  groupId?: string;
  address: string;
  phone?: string;
  head: PersonInput;
}

export type Edit = [string, string];

export interface HistoryEntry {
  at: string;
  device: string;
  actor: string | null;
  what: string;
  field: string | null;
  old: unknown;
  new: unknown;
  change: string;
}

export interface CoverageRow {
  household_id: string;
  village_id: string;
  group_name: string | null;
  address: string;
  head_name: string | null;
  last_verified: string | null;
}

export type CheckableField = 'name' | 'id_number' | 'phone' | 'plate' | 'address';

export interface CheckResult {
  ok: boolean;
  message?: string;
  normalized?: string;
}

export type Language = 'zh-CN' | 'en';

export interface Settings {
  device_name: string;
  relay_url: string | null;
  language: Language;
}

export interface Enrollment {
  relay_id: string;
  township_id: string;
  device_id: string;
  name: string;
  role: string;
  village_id: string | null;
}

export interface SyncReport {
  rounds: number;
  docs_sent: number;
  docs_received: number;
  bytes_sent: number;
  bytes_received: number;
  ms: number;
  /** Documents the relay refused, with its reason (a count in older backends). */
  refused: [string, string][] | number;
}

/** A record that discarding refused edits changes back (or removes, if they created it). */
export interface DiscardedRecord {
  id: string;
  type: string;
  label: string;
  created: boolean;
}

/** A record this device holds back instead of showing it (it could not be projected). */
export interface QuarantineRow {
  doc_id: string;
  /** The document as staff name it, in Chinese (红星村 · 户籍台账). */
  what: string;
  record_id: string;
  /** `duplicate_id`, `type_conflict` or `projection_failed: <technical detail>`. */
  reason: string;
  /** The document whose rows the record id has instead, if any. */
  owner_doc: string | null;
  /** When this device first held it back (UTC). */
  at: string;
}

/** A document whose edits from this device the relay refused. */
export interface RefusedEdit {
  doc_id: string;
  /** What the document holds, in Chinese. */
  what: string;
  /** Why, in Chinese; reason_en in English. */
  reason: string;
  reason_en: string;
  /** This device's role now, in Chinese. */
  role: string | null;
  changes: number;
  last_at: string | null;
  records: DiscardedRecord[];
  whole_document: boolean;
}

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'not_enrolled';

export interface SyncStatus {
  state: SyncState;
  unsynced: number;
  last_sync: string | null;
  /** What to tell the user for `offline` and `error`, in Chinese; `message_en` in English. */
  message?: string | null;
  message_en?: string | null;
}

/** The one error shape at the Tauri boundary. */
export interface ApiError {
  kind: string;
  /** The message in the UI's language (the backend sends both; `toApiError` picks one). */
  message: string;
  field?: string;
  /** A reason code: a refusal's (`already-used` for a pass) or what was not found (`pass`). */
  code?: string;
}

// ---- Isolation follow-ups ----------------------------------------------------------------------

export type SlotStatus = 'due' | 'done' | 'overdue' | 'missed';

/** One check or test due on a day for one case. Times are local, `YYYY-MM-DDTHH:MM`. */
export interface DueRow {
  case_id: string;
  person_id: string;
  name: string;
  village_id: string;
  village: string;
  kind: 'check' | 'test';
  day: number;
  window_start: string;
  window_end: string;
  status: SlotStatus;
}

export type CaseStatus = 'active' | 'escalated' | 'referred' | 'released' | 'transferred' | 'cancelled';

export interface CaseSummary {
  id: string;
  status: CaseStatus;
  escalated: boolean;
  needs_review: boolean;
  person_id: string;
  name: string;
  village_id: string;
  household_id: string | null;
  policy_id: string;
  policy_name: string;
  fever_threshold: number;
  reason: string | null;
  start: string;
  end: string;
  place: 'home' | 'centralized';
  site: string | null;
  released_on: string | null;
  created_at: string | null;
  /** Where a transferred case went, or why a case was cancelled. */
  close_note?: string | null;
}

export interface CasePhase {
  kind: string;
  kind_zh: string;
  days: number;
  start: string;
  end: string;
  checks: boolean;
}

export interface Visit {
  id: string;
  at: string;
  temperature: number | null;
  symptoms: string[];
  method: string;
  by: string | null;
  device: string | null;
  escalated: boolean;
}

export interface CaseTest {
  id: string;
  date: string;
  result: 'negative' | 'positive' | 'pending';
  device: string | null;
}

export interface Referral {
  id: string;
  at: string;
  reason: string;
  outcome: string;
}

export interface Certificate {
  person_name: string;
  id_number: string;
  policy_id: string;
  policy_name: string;
  policy_name_en: string;
  tests: { day: number; date: string; result: string }[];
  period_zh: string;
  period_en: string;
  start: string;
  end: string;
  released_on: string;
  tests_zh: string;
  tests_en: string;
}

export interface TeamMember {
  role: string;
  name: string;
  phone?: string | null;
}

/** A checkpoint entry of a case's person, as the case's timeline shows it. */
export interface CaseEntry {
  id: string;
  at: string;
  checkpoint: string;
  direction: 'in' | 'out';
  decision: string;
  overridden: boolean;
  /** `14:05 村口卡点登记外出，覆盖：就医` */
  line: string;
}

export interface CaseDetail extends CaseSummary {
  /** 旅居地, recorded when the case started (printed on the 公示单). */
  origin?: string | null;
  /** The person's checkpoint entries since the case started (the 包保 team sees them). */
  checkpoint_entries?: CaseEntry[];
  phases: CasePhase[];
  visits: Visit[];
  tests: CaseTest[];
  referrals: Referral[];
  certificate: Certificate | null;
  team: TeamMember[] | Record<string, unknown>;
}

export interface PolicySpec {
  id: string;
  name: string;
  name_en: string;
  phases: { kind: string; days: number; checks: boolean }[];
  windows: { start: string; end: string }[];
  test_days: number[];
  visit_days: number[];
  fever_tenths: number;
  /** `final_check` is always set on listed policies (the backend fills in its default). */
  release: { period_over: boolean; tests_negative: boolean; no_open_escalation: boolean; final_check?: boolean };
}

export interface PolicyRow {
  id: string;
  code: string | null;
  name: string;
  builtin: boolean;
  summary: string;
  spec: PolicySpec;
}

export interface CaseForm {
  person_id: string;
  policy: string;
  start: string;
  place: 'home' | 'centralized';
  site?: string | null;
  /** 旅居地, printed on the 公示单. */
  origin?: string | null;
  reason?: string | null;
  team: TeamMember[];
}

export interface CheckForm {
  case_id: string;
  temp: string;
  symptoms: string[];
  method: 'phone' | 'video' | 'visit';
  at?: string | null;
}

export interface FollowUpOutcome {
  id: string;
  escalated: boolean;
  reason: string | null;
  reason_en: string | null;
}

// ---- Checkpoints -------------------------------------------------------------------------------

export type Decision = 'allow' | 'turn-back' | 'observe';
export type HealthCode = 'green' | 'yellow' | 'red';

export interface Checkpoint {
  id: string;
  village_id: string;
  name: string;
  place: string | null;
  /** The checkpoint's shifts (default 00:00–08:00, 08:00–16:00, 16:00–00:00, 2 people). */
  shift_plan: ShiftPlan;
}

/** One shift of a plan, times 'HH:MM'; an end at or before the start is on the next day. */
export interface PlanShift {
  start: string;
  end: string;
}

export interface ShiftPlan {
  shifts: PlanShift[];
  staff_per_shift: number;
}

export interface ShiftRow {
  id: string;
  checkpoint_id: string;
  date: string;
  index: number;
  staff: string;
  signed_in_at: string | null;
  signed_out_at: string | null;
  handover_note: string | null;
}

export interface ShiftNow {
  date: string;
  index: number;
  start: string;
  end: string;
  staff_needed: number;
  signed_in: ShiftRow | null;
}

export interface DecisionReason {
  code: string;
  zh: string;
  en: string;
  decision: Decision;
}

export interface EntryRow {
  id: string;
  at: string;
  device: string;
  direction: 'in' | 'out';
  name: string;
  id_number: string;
  phone: string | null;
  plate: string | null;
  temperature: number;
  /** The rules found a fever when the entry was judged. */
  fever: boolean;
  health_code: HealthCode;
  travel: string;
  suggested: Decision;
  decision: Decision;
  reasons: DecisionReason[];
  volunteer: string;
  note: string | null;
  overridden: boolean;
  recorded_by: string;
  person_id: string | null;
  pass_number: string | null;
  hukou_place?: string | null;
  residence?: string | null;
  purpose?: string | null;
  declared_areas?: string[];
}

export interface CheckpointDay {
  date: string;
  counts: { in: number; out: number; turned_back: number; observed: number; total: number };
  shift: ShiftNow | null;
  last_handover: ShiftRow | null;
  recent: EntryRow[];
}

export interface EntryForm {
  checkpoint: string;
  direction: 'in' | 'out';
  name: string;
  id_number: string;
  phone: string;
  plate: string;
  temp: string;
  code: HealthCode | '';
  travel: string;
  hukou: string;
  residence: string;
  purpose: string;
  areas: string[];
  decision?: Decision | null;
  note?: string | null;
  pass?: string | null;
}

export interface EntryPreview {
  /** Null until the direction, temperature and health code are known. */
  decision: Decision | null;
  reasons: DecisionReason[];
  /** The decisions that may be chosen instead only with a note (less strict). */
  needs_note: Decision[];
  /** The temperature is a fever by the township's threshold. */
  fever: boolean;
  person_id?: string | null;
  isolation?: IsolationState | null;
}

export interface EntryResult {
  entry_id: string;
  decision: Decision;
  suggested: Decision;
  reasons: DecisionReason[];
  person_id: string | null;
}

export interface RiskArea {
  name: string;
  level: 'medium' | 'high';
  since: string;
}

export interface DecisionRules {
  fever_tenths: number;
  fever_decision: Decision;
  yellow_decision: Decision;
  red_decision: Decision;
  medium_risk_decision: Decision;
  high_risk_decision: Decision;
  risk_areas: RiskArea[];
}

/** One crossing on a pass. */
export interface PassUse {
  at: string;
  direction: 'in' | 'out';
  checkpoint_id: string;
  entry_id: string;
}

/** A temporary pass (临时通行证) of a household. Times are local 'YYYY-MM-DDTHH:MM:SS'. */
export interface PassRow {
  id: string;
  /** 8 characters of 23456789ABCDEFGHJKLMNPQRSTUVWXYZ. */
  number: string;
  household_id: string;
  valid_from: string;
  /** Exclusive. */
  valid_to: string;
  issued_by: string;
  /** What the QR code holds: 'GRIDBOOK-PASS:' + number. */
  payload: string;
  uses: PassUse[];
}

// ---- Township: overview and daily reports ------------------------------------------------------

/** A day's report of a unit: made on time, a 零报告, made after the deadline, or not made. */
export type ReportState = 'submitted' | 'zero' | 'late' | 'missing';

export type ReportLevel = 'group' | 'village';

/** A report's figures: key (registered_risk, checks_done, checkpoint_in, …) → count. */
export type Figures = Record<string, number>;

export interface CheckpointFigures {
  in: number;
  out: number;
  turned_back: number;
  observed: number;
}

/** One row of the township overview: a village, or the township's totals. */
export interface OverviewFigures {
  households: number;
  persons: number;
  cases_active: number;
  escalated: number;
  /** The day's follow-ups due, overdue and missed. */
  due: number;
  overdue: number;
  missed: number;
  /** The day's checkpoint counts. */
  checkpoint: CheckpointFigures;
  /** Share of households verified in the last days, 0..1. */
  coverage: number;
  /** The day's report status (the village's own report). */
  report?: ReportState;
}

export interface OverviewVillage extends OverviewFigures {
  id: string;
  name: string;
  report: ReportState;
}

export interface Overview {
  date: string;
  township: OverviewFigures;
  villages: OverviewVillage[];
}

/** Who reported on a day: a row per group and per village. */
export interface ReportStatusRow {
  level: ReportLevel;
  id: string;
  name: string;
  village_id: string;
  /** The deadline (local time). */
  due: string;
  /** When the report that counts for the day was made; null when none. */
  submitted_at: string | null;
  late: boolean;
  zero: boolean;
}

/** Reports due (expected), made (actual) and made by the deadline (on_time), with their figures. */
export interface RollupPart {
  figures: Figures;
  expected: number;
  actual: number;
  on_time: number;
}

export interface RollupVillage extends RollupPart {
  id: string;
  groups_submitted: number;
  groups_total: number;
}

export interface Rollup {
  date: string;
  township: RollupPart;
  villages: RollupVillage[];
}

export interface ReportSubmitResult {
  report_id: string;
  late: boolean;
  figures: Figures;
}

/** A device as the relay lists it for a township device (设备 screen). */
export interface ListedDevice {
  device_id: string;
  name: string;
  role: string;
  /** `township`, or `village:<id>`. */
  scope: string;
  revoked: boolean;
  /** Last sync, seconds since the Unix epoch; null if it never synced. */
  last_sync: number | null;
}

/** A device just added through the relay, with its one-time enrollment code. */
export interface NewDevice {
  device_id: string;
  /** `ABCD-EFGH`. */
  code: string;
  /** RFC 3339, UTC. */
  expires_at: string;
  /** What the QR code holds: `gridbook:enroll?relay=…&code=…`. */
  qr_text: string;
}

/** What the export sheet asks the backend to write (crates/export). */
export interface ExportForm {
  /** ledger | cases | checks | entries | coverage */
  kind: string;
  /** xlsx | csv */
  format: string;
  /** The path chosen in the save dialog. */
  out: string;
  village?: string | null;
  from?: string | null;
  to?: string | null;
  fullIds?: boolean;
}

/** What an export wrote. */
export interface ExportOutcome {
  rows: number;
  path: string;
  full_ids: boolean;
}

/** One export or printout in the log (who, what, when): crates/store's ExportRecord. */
export interface ExportLogEntry {
  id: string;
  /** Local time, YYYY-MM-DDTHH:MM:SS. */
  at: string;
  /** The name the device gave itself. */
  device: string;
  /** The device's id at the relay (null: an entry kept only on this device). */
  device_id: string | null;
  kind: string;
  format: string;
  village_id: string | null;
  date_from: string | null;
  date_to: string | null;
  /** The case of a printout; the person of a reveal. */
  subject: string | null;
  /** A reveal's person's name, when this device's ledger holds the person. */
  subject_name?: string | null;
  /** Which field a reveal (kind `reveal`) showed in full: id_number or phone. */
  field?: string | null;
  rows: number;
  full_ids: boolean;
  /** The file's name. */
  path: string;
}

/** What a printout wrote (crates/print). */
export interface Printed {
  path: string;
  bytes: number;
  /** The certificate number, for a 期满证明. */
  number: string | null;
}

/** The township as its papers name it (the store's TownshipInfo). */
export interface TownshipInfo {
  id: string;
  name: string;
  /** 监督举报电话 printed on every 公示单. */
  hotline: string | null;
}

/** A 核查 task (`gridbook tasks list --json`). */
export interface TaskRow {
  task_id: string;
  person_id: string | null;
  name: string;
  id_number: string;
  village_id: string | null;
  village_name: string | null;
  due: string;
  status: 'open' | 'done';
  overdue: boolean;
  outcome: TaskOutcome | null;
  source: string;
  category: string | null;
  list_date: string | null;
  phone: string | null;
  place: string | null;
  match_by: string | null;
  answered_at: string | null;
  answered_by: string | null;
  answer_note: string | null;
  tag: string | null;
}

export type TaskOutcome = 'present' | 'left' | 'unknown';

/** What importing a pushed list did. */
export interface TaskImportResult {
  columns: { header: string; field: string | null }[];
  result: {
    tasks: number;
    matched: number;
    unmatched: number;
    created: number;
    by_id_number: number;
    by_phone: number;
    by_name: number;
    due: string;
  };
}

/** What a task's answer says back. */
export interface TaskAnswered {
  answer_id: string;
  task_id: string;
  outcome: TaskOutcome;
  at: string;
  tag: string | null;
}

/** Why two persons look like one (machine words; labels in duplicates.* locales). */
export type DuplicateReason = 'same_id_number' | 'same_name_birth' | 'same_name_phone';

/** Two persons that look like one (`duplicates`). */
export interface Duplicate {
  persons: [string, string];
  reason: DuplicateReason;
}

/** A pair dismissed as not one person (不是同一人, `dismissed_duplicates`). */
export interface DismissedPair {
  persons: [string, string];
  names: [string, string];
  reason: string | null;
  at: string | null;
  device: string | null;
}

/** Two persons side by side before a merge (`merge_preview`). */
export interface MergePreview {
  persons: [Person, Person];
  addresses: [string, string];
  villages: [string, string];
  differing: string[];
}
