// Generated from the Rust types by tests/tests/ts_types.rs: do not edit.
// Regenerate with `GRIDBOOK_WRITE_TS=1 cargo test -p gridbook-tests --test ts_types`.

// ---- The device

/**
 * The home screen's figures and the sync bar's state.
 */
export type AppStatus = {
  /**
   * This device's name.
   */
  device_name: string;
  /**
   * The township, once known.
   */
  township_id: string | null;
  /**
   * Its name, once its grid document is on this device.
   */
  township_name: string | null;
  /**
   * Whether a relay is configured.
   */
  enrolled: boolean;
  /**
   * The role the relay gave this device at enrollment (grid-worker, volunteer, doctor,
   * township), `None` before enrollment.
   */
  role: string | null;
  /**
   * The village the device serves, `None` for the whole township or before enrollment.
   */
  village_id: string | null;
  /**
   * The relay address.
   */
  relay_url: string | null;
  /**
   * Kinds of documents this device may write (`grid`, `ledger`, `care`, `gate`, `entries`,
   * `reports`), as its role allows: the screens hide or disable the rest.
   */
  writes: Array<string>;
  /**
   * Documents whose changes from this device the relay refused, still to be seen to.
   */
  refused: number;
  /**
   * Households (not deleted).
   */
  households: number;
  /**
   * Persons (not deleted).
   */
  persons: number;
  /**
   * Persons carrying a risk tag (密接, 次密接, 红码, …): the people under follow-up.
   */
  under_follow_up: number;
  /**
   * Local changes not yet acknowledged by the relay.
   */
  unsynced: number;
  /**
   * Local time of the last successful sync.
   */
  last_sync: string | null;
  /**
   * Whether the last attempt reached the relay.
   */
  online: boolean;
  /**
   * Whether a sync is running.
   */
  syncing: boolean;
  /**
   * Today at the deployment's local time (`YYYY-MM-DD`): the day of due lists and forms,
   * whatever time zone the device's own clock is set to.
   */
  today: string;
  /**
   * Now at the deployment's local time (`YYYY-MM-DDTHH:MM:SS`): the UI keeps its offset from
   * the device's clock for the times it suggests (a new pass starts now).
   */
  now: string;
};

/**
 * Settings shown on the settings screen.
 */
export type Settings = {
  /**
   * This device's name.
   */
  device_name: string;
  /**
   * The relay address.
   */
  relay_url: string | null;
  /**
   * `zh-CN` (default) or `en`.
   */
  language: string;
};

/**
 * What the relay says about itself and this device.
 */
export type Enrollment = {
  /**
   * The relay's id (its sync peer name on devices).
   */
  relay_id: string;
  /**
   * The township the relay serves.
   */
  township_id: string;
  /**
   * This device's id at the relay.
   */
  device_id: string;
  /**
   * This device's name at the relay.
   */
  name: string;
  /**
   * Role: grid-worker, volunteer, doctor, township.
   */
  role: string;
  /**
   * Village of the device, or `None` for the whole township.
   */
  village_id: string | null;
};

/**
 * Figures of one session, as `gridbook sync --json` prints them.
 */
export type SyncReport = {
  /**
   * Round trips.
   */
  rounds: number;
  /**
   * Documents this device sent at least one message about.
   */
  docs_sent: number;
  /**
   * Documents that changed here.
   */
  docs_received: number;
  /**
   * Request bytes.
   */
  bytes_sent: number;
  /**
   * Response bytes.
   */
  bytes_received: number;
  /**
   * Wall time.
   */
  ms: number;
  /**
   * Documents the relay refused, with the reason.
   */
  refused: Array<[string, string]>;
};

/**
 * What the sync bar shows.
 */
export type SyncStatus = {
  /**
   * `idle`, `syncing`, `offline`, `error` or `not_enrolled`.
   */
  state: string;
  /**
   * Local changes not yet acknowledged by the relay.
   */
  unsynced: number;
  /**
   * Local time of the last successful sync.
   */
  last_sync: string | null;
  /**
   * What to tell the user for `offline` and `error`, in Chinese.
   */
  message: string | null;
  /**
   * The same in English.
   */
  message_en: string | null;
};

/**
 * A document whose changes from this device the relay refused.
 */
export type RefusedEdit = {
  /**
   * What the document holds, in Chinese (户籍台账, 全镇设置…).
   */
  what: string;
  /**
   * Why the relay refused, in Chinese.
   */
  reason: string;
  /**
   * The same in English, with the relay's own words.
   */
  reason_en: string;
  /**
   * The role this device has now, in Chinese.
   */
  role: string | null;
  /**
   * The document.
   */
  doc_id: string;
  /**
   * How many changes of this device would be discarded.
   */
  changes: number;
  /**
   * When the latest of them was made (local time, `YYYY-MM-DDTHH:MM`).
   */
  last_at: string | null;
  /**
   * The records they touched.
   */
  records: Array<DiscardedRecord>;
  /**
   * Whether the relay holds nothing of the document (it goes whole).
   */
  whole_document: boolean;
};

/**
 * This device's changes to one document that the relay does not have.
 */
export type Unacknowledged = {
  /**
   * The document.
   */
  doc_id: string;
  /**
   * How many changes of this device would be discarded.
   */
  changes: number;
  /**
   * When the latest of them was made (local time, `YYYY-MM-DDTHH:MM`).
   */
  last_at: string | null;
  /**
   * The records they touched.
   */
  records: Array<DiscardedRecord>;
  /**
   * Whether the relay holds nothing of the document (it goes whole).
   */
  whole_document: boolean;
};

/**
 * A record that discarding a document's unacknowledged changes would change back (or remove,
 * if they created it).
 */
export type DiscardedRecord = {
  /**
   * The record id.
   */
  id: string;
  /**
   * Its type (`household`, `rules`, …), as this device holds it now.
   */
  type: string;
  /**
   * What a person recognises it by (a name, an address), if it has one.
   */
  label: string;
  /**
   * Whether the relay's version has no such record (the changes created it).
   */
  created: boolean;
};

/**
 * A quarantined record, as `gridbook quarantine` lists it.
 */
export type QuarantineRow = {
  /**
   * The document holding the record.
   */
  doc_id: string;
  /**
   * That document as township staff name it: its village and kind (红星村 · 户籍台账).
   */
  what: string;
  /**
   * The record id.
   */
  record_id: string;
  /**
   * `duplicate_id`, `type_conflict` or `projection_failed: …`.
   */
  reason: string;
  /**
   * The document whose rows the record id has instead, if any.
   */
  owner_doc: string | null;
  /**
   * When this store first held it back (UTC).
   */
  at: string;
};

// ---- Grid and ledger

/**
 * A village as listed.
 */
export type Village = {
  /**
   * The village's record id (UUID).
   */
  id: string;
  /**
   * The village's name, e.g. 红星村.
   */
  name: string;
  /**
   * Households not deleted.
   */
  households: number;
  /**
   * Persons not deleted.
   */
  persons: number;
  /**
   * The groups (组) of the village, in their natural order (一组, 二组, … 十一组).
   */
  groups: Array<Group>;
};

/**
 * A group (组) of a village.
 */
export type Group = {
  /**
   * The group's record id (UUID).
   */
  id: string;
  /**
   * The group's name, e.g. 3组.
   */
  name: string;
};

/**
 * A village or group as named.
 */
export type Named = {
  /**
   * The record id (UUID), unchanged by a rename.
   */
  id: string;
  /**
   * Its name now.
   */
  name: string;
};

/**
 * The township as its papers name it.
 */
export type TownshipInfo = {
  /**
   * The township's record id (UUID).
   */
  id: string;
  /**
   * Its name, e.g. 莫斯台街道.
   */
  name: string;
  /**
   * 监督举报电话, if set.
   */
  hotline: string | null;
};

/**
 * A household as listed.
 */
export type HouseholdRow = {
  /**
   * The household's record id (UUID).
   */
  id: string;
  /**
   * The village the household lives in.
   */
  village_id: string;
  /**
   * Its group (组), if assigned.
   */
  group_id: string | null;
  /**
   * Group name.
   */
  group_name: string | null;
  /**
   * Address within the village, e.g. 3组12号.
   */
  address: string;
  /**
   * Head's person id.
   */
  head_person_id: string | null;
  /**
   * Head's name.
   */
  head_name: string | null;
  /**
   * Household phone.
   */
  phone: string | null;
  /**
   * Number of residents.
   */
  residents: number;
  /**
   * Last verification (local time), if any.
   */
  last_verified: string | null;
};

/**
 * A person as shown.
 */
export type Person = {
  /**
   * The person's record id (UUID).
   */
  id: string;
  /**
   * The household the person belongs to.
   */
  household_id: string;
  /**
   * The person's name as on the ID document.
   */
  name: string;
  /**
   * Gender code.
   */
  gender: Gender;
  /**
   * Document kind code.
   */
  id_kind: string;
  /**
   * Document number.
   */
  id_number: string;
  /**
   * Birth date.
   */
  birth_date: string | null;
  /**
   * Mobile phone, if known.
   */
  phone: string | null;
  /**
   * Relation code.
   */
  relation: string;
  /**
   * Residency code.
   */
  residency: string;
  /**
   * Risk tag codes.
   */
  tags: Array<string>;
  /**
   * 七类人 codes.
   */
  vulnerable: Array<string>;
  /**
   * Works away from home.
   */
  works_away: boolean;
  /**
   * Vehicle plate, if any.
   */
  plate: string | null;
  /**
   * Address if different from the household's.
   */
  address: string | null;
  /**
   * Vaccination doses recorded.
   */
  doses: number;
  /**
   * Latest test date and result.
   */
  last_test: string | null;
  /**
   * The person this one is merged into (its survivor), if merged (see `ledger::merge`).
   */
  merged_into: string | null;
  /**
   * Persons merged into this one: their doses and tests count here.
   */
  merged: Array<string>;
};

/**
 * A household with its residents. Its row's count of residents is written as
 * `resident_count`, since `residents` is the list of them.
 */
export type HouseholdDetail = Omit<HouseholdRow, "residents"> & { resident_count: number, residents: Array<Person>, conflicts: Array<Conflict> };

/**
 * One page of the household list, with the number of households in all.
 */
export type HouseholdPage = {
  /**
   * Households in all (of the village and group, if asked for).
   */
  total: number;
  /**
   * The page's households.
   */
  rows: Array<HouseholdRow>;
};

/**
 * A household nobody verified recently.
 */
export type CoverageRow = {
  /**
   * The household not verified recently.
   */
  household_id: string;
  /**
   * Its village.
   */
  village_id: string;
  /**
   * Group name.
   */
  group_name: string | null;
  /**
   * Address within the village.
   */
  address: string;
  /**
   * Head's name.
   */
  head_name: string | null;
  /**
   * Last verification, if ever.
   */
  last_verified: string | null;
};

/**
 * One person found by a search.
 */
export type SearchHit = {
  /**
   * The person.
   */
  person_id: string;
  /**
   * The household.
   */
  household_id: string;
  /**
   * The village.
   */
  village_id: string;
  /**
   * Full name.
   */
  name: string;
  /**
   * ID document number.
   */
  id_number: string;
  /**
   * Mobile phone, if known.
   */
  phone: string | null;
  /**
   * Vehicle plate, if any.
   */
  plate: string | null;
  /**
   * Household address.
   */
  address: string;
  /**
   * How the query matched: name, pinyin, id, phone or plate; `control` for a person
   * only the township control list knows (no name, no address).
   */
  matched: string;
  /**
   * The person's control state from an open case (filled by the checkpoint match only).
   */
  isolation?: IsolationState;
};

/**
 * A person to add, as typed (validated by the store).
 */
export type PersonInput = {
  /**
   * Full name.
   */
  name: string;
  /**
   * ID document number; its kind is detected unless `id_kind` is given.
   */
  idNumber: string;
  /**
   * Kind of document, if known.
   */
  idKind?: IdKind | null;
  /**
   * Mobile phone, if any.
   */
  phone?: string | null;
  /**
   * Relation to the head (defaults to head for the first person, other otherwise).
   */
  relation?: Relation | null;
  /**
   * Residency (defaults to 户籍).
   */
  residency?: Residency | null;
  /**
   * Risk tags.
   */
  tags: Array<RiskTag>;
  /**
   * 七类人.
   */
  vulnerable: Array<Vulnerable>;
  /**
   * Vehicle plate, if any.
   */
  plate?: string | null;
};

/**
 * A household to add, with its head.
 */
export type HouseholdInput = {
  /**
   * The village the household lives in.
   */
  villageId: string;
  /**
   * Group, if known.
   */
  groupId?: string | null;
  /**
   * Address within the village, e.g. 3组12号.
   */
  address: string;
  /**
   * Household phone (defaults to the head's).
   */
  phone?: string | null;
  /**
   * The head of household.
   */
  head: PersonInput;
};

/**
 * A household added with its head.
 */
export type HouseholdAdded = {
  /**
   * The new household's record id.
   */
  household_id: string;
  /**
   * Its head's record id.
   */
  person_id: string;
};

/**
 * A person added to a household.
 */
export type PersonAdded = {
  /**
   * The new person's record id.
   */
  person_id: string;
};

/**
 * The fields an edit changed (an edit to a value already held changes nothing).
 */
export type Changed = {
  /**
   * The fields' names.
   */
  changed: Array<string>;
};

/**
 * A household verified (入户核查).
 */
export type Verified = {
  /**
   * The verification's record id.
   */
  verification_id: string;
};

/**
 * What checking one form field says: `{ok, normalized}`, or `{ok: false, message, field}`.
 */
export type CheckResult = {
  /**
   * Whether the value is valid.
   */
  ok: boolean;
  /**
   * The value as the store keeps it (normalized).
   */
  normalized?: string;
  /**
   * What is wrong, in Chinese.
   */
  message?: string;
  /**
   * The field that is wrong.
   */
  field?: string;
};

/**
 * One field change in a record's history.
 */
export type HistoryEntry = {
  /**
   * When (local time of the deployment), from the change's timestamp.
   */
  at: string;
  /**
   * Device that made the change: on a relay, the name it was enrolled with (from the
   * registry, whatever the change says); elsewhere the name in the change's audit message.
   */
  device: string;
  /**
   * The device name the change's own audit message gives (empty: the change has none).
   */
  device_claimed: string;
  /**
   * On a relay, the id of the device it received the change from (or whose actor wrote it).
   */
  device_id: string | null;
  /**
   * On a relay, when it received the change (local time of the deployment); `at` is the
   * time the device claims.
   */
  received_at: string | null;
  /**
   * Actor id of that device (hex).
   */
  actor: string;
  /**
   * Kind of change: create, edit, resolve, verify, demo…
   */
  what: string;
  /**
   * Field name.
   */
  field: string;
  /**
   * Value before (a list when the field was in conflict).
   */
  old: unknown;
  /**
   * Value after (a list when the change left a conflict).
   */
  new: unknown;
  /**
   * Hash of the change (each change names its predecessors: the trail is hash-chained).
   */
  change: string;
};

/**
 * A field holding concurrent values.
 */
export type Conflict = {
  /**
   * Record id.
   */
  record_id: string;
  /**
   * The field whose values conflict.
   */
  field: string;
  /**
   * Document holding the record.
   */
  doc_id: string;
  /**
   * Every concurrent value.
   */
  values: Array<unknown>;
  /**
   * What a person calls the record: a person's name, a household's address (none for
   * other records, or a record this store no longer lists).
   */
  label: string | null;
};

/**
 * Two persons that look like one.
 */
export type Duplicate = {
  /**
   * The two persons, smaller id first.
   */
  persons: [string, string];
  /**
   * The strongest reason.
   */
  reason: DuplicateReason;
};

/**
 * Why two persons look like one.
 */
export type DuplicateReason = "same_id_number" | "same_name_birth" | "same_name_phone";

/**
 * A pair dismissed as not one person.
 */
export type DismissedPair = {
  /**
   * The two persons, smaller id first.
   */
  persons: [string, string];
  /**
   * Their names (empty for a person this store does not hold).
   */
  names: [string, string];
  /**
   * Why, as typed (may be empty).
   */
  reason: string | null;
  /**
   * When (local time).
   */
  at: string | null;
  /**
   * The device that dismissed it.
   */
  device: string | null;
};

/**
 * Two persons side by side before a merge, with the fields whose values differ.
 */
export type MergePreview = {
  /**
   * The two persons as shown.
   */
  persons: [Person, Person];
  /**
   * Their households' addresses.
   */
  addresses: [string, string];
  /**
   * Their villages.
   */
  villages: [string, string];
  /**
   * Fields (of the person row) whose values differ.
   */
  differing: Array<string>;
  /**
   * Where the two ID numbers differ, by place (the first character is 1): empty when they
   * are equal; `None` when one is empty or their lengths differ. With the persons masked,
   * this tells a township officer how the numbers compare without showing either.
   */
  id_number_places: Array<number> | null;
  /**
   * Where the two phones differ, as [`MergePreview::id_number_places`].
   */
  phone_places: Array<number> | null;
};

/**
 * A person merged into another.
 */
export type PersonMerged = {
  /**
   * The person merged.
   */
  merged: string;
  /**
   * The person it was merged into (its survivor).
   */
  into: string;
};

/**
 * A merge undone.
 */
export type PersonUnmerged = {
  /**
   * The person standing alone again.
   */
  unmerged: string;
};

/**
 * A pair of persons dismissed as not one person.
 */
export type PairDismissed = {
  /**
   * The two persons, as given.
   */
  dismissed: [string, string];
};

/**
 * A dismissed pair listed as a possible duplicate again.
 */
export type PairRestored = {
  /**
   * The two persons, as given.
   */
  restored: [string, string];
};

/**
 * Gender (性别), derived from the ID number when it is a mainland ID.
 */
export type Gender = "male" | "female" | "unknown";

/**
 * Kind of identity document.
 */
export type IdKind = "mainland" | "passport" | "hk-macau" | "taiwan";

/**
 * Relation to the head of household.
 */
export type Relation = "head" | "spouse" | "child" | "parent" | "grandchild" | "grandparent" | "sibling" | "child-in-law" | "other";

/**
 * Residency status (户籍/常住/流动/租户).
 */
export type Residency = "registered" | "resident" | "floating" | "tenant";

/**
 * Epidemiological risk tags (重点人员).
 */
export type RiskTag = "overseas" | "close-contact" | "secondary-contact" | "medium-risk" | "high-risk" | "red-code" | "yellow-code";

/**
 * The seven vulnerable groups (七类人).
 */
export type Vulnerable = "elderly-alone" | "pregnant" | "disabled" | "limited-mobility" | "dialysis" | "mental" | "chronic";

/**
 * Result of a nucleic-acid test.
 */
export type TestResult = "negative" | "positive" | "pending";

// ---- Isolation follow-ups

/**
 * A person's control state as the checkpoint shows it.
 */
export type IsolationState = {
  /**
   * The open case.
   */
  case_id: string;
  /**
   * `home-isolation`, `centralized`, `home-monitoring` or `referral`.
   */
  kind: string;
  /**
   * `居家隔离`, `集中隔离`, `居家健康监测` or `待转诊`.
   */
  kind_zh: string;
  /**
   * Kind of the case's phase on that day.
   */
  phase: string;
  /**
   * 1-based day of the case.
   */
  day: number;
  /**
   * Last day of the current phase, `YYYY-MM-DD`.
   */
  until: string;
  /**
   * The period is over, the case not released yet.
   */
  awaiting_release: boolean;
  /**
   * `居家隔离第3天，至12月18日`.
   */
  label: string;
  /**
   * The same in English.
   */
  label_en: string;
  /**
   * The village that keeps the case, when it is not the checkpoint's own: the state
   * comes from the township control list (管控名单), which says no more than this.
   */
  village?: string;
};

/**
 * One due slot of one case.
 */
export type DueRow = {
  /**
   * The case the slot belongs to.
   */
  case_id: string;
  /**
   * The person under follow-up.
   */
  person_id: string;
  /**
   * Person's name.
   */
  name: string;
  /**
   * The person's village.
   */
  village_id: string;
  /**
   * Village name.
   */
  village: string;
  /**
   * `check` or `test`.
   */
  kind: SlotKind;
  /**
   * Day of the case.
   */
  day: number;
  /**
   * Window start (`YYYY-MM-DDTHH:MM`).
   */
  window_start: string;
  /**
   * Window end, exclusive.
   */
  window_end: string;
  /**
   * due, done, overdue or missed, at this device's local time.
   */
  status: SlotStatus;
};

/**
 * A case as the case list shows it.
 */
export type CaseSummary = {
  /**
   * The case's record id (UUID).
   */
  id: string;
  /**
   * The status shown: escalated while an escalation is open, else the stored one.
   */
  status: CaseStatus;
  /**
   * Whether an escalation (a fever or symptom, a positive test) is open.
   */
  escalated: boolean;
  /**
   * Counted under 升级 (escalated or referred): the cases screen's 升级 tab and the township
   * overview's figure count by this one rule.
   */
  in_escalation: boolean;
  /**
   * Released, and visits or tests were recorded after the release: to be looked at again.
   */
  needs_review: boolean;
  /**
   * The person under follow-up.
   */
  person_id: string;
  /**
   * The person's name.
   */
  name: string;
  /**
   * The person's village.
   */
  village_id: string;
  /**
   * The person's household.
   */
  household_id: string | null;
  /**
   * The policy followed.
   */
  policy_id: string;
  /**
   * Its name, e.g. 密切接触者.
   */
  policy_name: string;
  /**
   * The policy's fever threshold in ℃.
   */
  fever_threshold: number;
  /**
   * Why the case was started (a risk tag code, or text).
   */
  reason: string | null;
  /**
   * Day 1.
   */
  start: string;
  /**
   * The last day of the last phase.
   */
  end: string;
  /**
   * `home` or `centralized`.
   */
  place: "home" | "centralized";
  /**
   * The centralized site, if any.
   */
  site: string | null;
  /**
   * The release date, once released.
   */
  released_on: string | null;
  /**
   * Visits and tests the release saw (`needs_review` compares with those now recorded).
   */
  visits_seen: number | null;
  /**
   * The 包保 team: role → `{name, phone}`.
   */
  team: { [key in string]: { [key in string]: string } };
  /**
   * When the case was recorded (local time).
   */
  created_at: string | null;
  /**
   * Where a transferred case went, or why a case was cancelled.
   */
  close_note: string | null;
  /**
   * Why the case was released despite missed follow-up days (the certificate's reason).
   */
  release_reason: string | null;
  /**
   * 旅居地, recorded when the case started (printed on the 公示单).
   */
  origin: string | null;
};

/**
 * One case with its phases, visits, tests, referrals, certificate and checkpoint entries.
 */
export type CaseDetail = {
  /**
   * The policy's phases, dated from the case's start.
   */
  phases: Array<CasePhase>;
  /**
   * Health checks (随访), in time order.
   */
  visits: Array<Visit>;
  /**
   * Nucleic-acid tests, in date order.
   */
  tests: Array<CaseTest>;
  /**
   * Referrals to the fever clinic, in time order.
   */
  referrals: Array<Referral>;
  /**
   * The release certificate's data, once released.
   */
  certificate: Certificate | null;
  /**
   * The person's checkpoint entries since the case started (the 包保 team sees them).
   */
  checkpoint_entries: Array<CaseEntry>;
  /**
   * The case's record id (UUID).
   */
  id: string;
  /**
   * The status shown: escalated while an escalation is open, else the stored one.
   */
  status: CaseStatus;
  /**
   * Whether an escalation (a fever or symptom, a positive test) is open.
   */
  escalated: boolean;
  /**
   * Counted under 升级 (escalated or referred): the cases screen's 升级 tab and the township
   * overview's figure count by this one rule.
   */
  in_escalation: boolean;
  /**
   * Released, and visits or tests were recorded after the release: to be looked at again.
   */
  needs_review: boolean;
  /**
   * The person under follow-up.
   */
  person_id: string;
  /**
   * The person's name.
   */
  name: string;
  /**
   * The person's village.
   */
  village_id: string;
  /**
   * The person's household.
   */
  household_id: string | null;
  /**
   * The policy followed.
   */
  policy_id: string;
  /**
   * Its name, e.g. 密切接触者.
   */
  policy_name: string;
  /**
   * The policy's fever threshold in ℃.
   */
  fever_threshold: number;
  /**
   * Why the case was started (a risk tag code, or text).
   */
  reason: string | null;
  /**
   * Day 1.
   */
  start: string;
  /**
   * The last day of the last phase.
   */
  end: string;
  /**
   * `home` or `centralized`.
   */
  place: "home" | "centralized";
  /**
   * The centralized site, if any.
   */
  site: string | null;
  /**
   * The release date, once released.
   */
  released_on: string | null;
  /**
   * Visits and tests the release saw (`needs_review` compares with those now recorded).
   */
  visits_seen: number | null;
  /**
   * The 包保 team: role → `{name, phone}`.
   */
  team: { [key in string]: { [key in string]: string } };
  /**
   * When the case was recorded (local time).
   */
  created_at: string | null;
  /**
   * Where a transferred case went, or why a case was cancelled.
   */
  close_note: string | null;
  /**
   * Why the case was released despite missed follow-up days (the certificate's reason).
   */
  release_reason: string | null;
  /**
   * 旅居地, recorded when the case started (printed on the 公示单).
   */
  origin: string | null;
};

/**
 * A phase of a case's policy, dated.
 */
export type CasePhase = {
  /**
   * The phase kind's code.
   */
  kind: PhaseKind;
  /**
   * Its Chinese name, e.g. 居家隔离.
   */
  kind_zh: string;
  /**
   * Its length in days.
   */
  days: number;
  /**
   * Its first day (`None` past the calendar's end).
   */
  start: string | null;
  /**
   * Its last day.
   */
  end: string | null;
  /**
   * Whether health checks are due in it.
   */
  checks: boolean;
};

/**
 * A health check (随访) of a case.
 */
export type Visit = {
  /**
   * The visit's record id.
   */
  id: string;
  /**
   * When (local time, `YYYY-MM-DDTHH:MM`).
   */
  at: string;
  /**
   * Body temperature in ℃, if taken.
   */
  temperature: number | null;
  /**
   * Symptom codes.
   */
  symptoms: Array<string>;
  /**
   * phone, video or visit.
   */
  method: string;
  /**
   * Who checked, as typed.
   */
  by: string | null;
  /**
   * The device that recorded it.
   */
  device: string | null;
  /**
   * Whether it escalated the case.
   */
  escalated: boolean;
};

/**
 * A nucleic-acid test of a case.
 */
export type CaseTest = {
  /**
   * The test's record id.
   */
  id: string;
  /**
   * The sample's date.
   */
  date: string;
  /**
   * negative, positive or pending.
   */
  result: TestResult;
  /**
   * The device that recorded it.
   */
  device: string | null;
};

/**
 * A referral to the fever clinic.
 */
export type Referral = {
  /**
   * The referral's record id.
   */
  id: string;
  /**
   * When (local time).
   */
  at: string;
  /**
   * Why the person was referred, as the grid worker wrote it.
   */
  reason: string;
  /**
   * pending, or how it was closed (cleared, …).
   */
  outcome: string;
};

/**
 * A checkpoint entry of a case's person, as the case's timeline shows it.
 */
export type CaseEntry = {
  /**
   * The entry's record id.
   */
  id: string;
  /**
   * When (local time).
   */
  at: string;
  /**
   * The day of the case it falls on (1 is the start).
   */
  day: number | null;
  /**
   * The checkpoint.
   */
  checkpoint_id: string;
  /**
   * Its name.
   */
  checkpoint: string;
  /**
   * in or out.
   */
  direction: Direction;
  /**
   * The decision the rules suggested.
   */
  suggested: Decision;
  /**
   * The volunteer's decision.
   */
  decision: Decision;
  /**
   * Whether the volunteer overrode the suggestion.
   */
  overridden: boolean;
  /**
   * The volunteer's note (the reason of an override).
   */
  note: string | null;
  /**
   * The purpose of going out, as typed.
   */
  purpose: string | null;
  /**
   * `14:05 村口卡点登记外出，覆盖：就医`.
   */
  line: string;
};

/**
 * A policy as listed.
 */
export type PolicyRow = {
  /**
   * Record id (UUID; built-ins have the same id on every device).
   */
  id: string;
  /**
   * Code of the built-in policy it is or replaces.
   */
  code: string | null;
  /**
   * The policy's name, e.g. 密切接触者.
   */
  name: string;
  /**
   * Whether it is a built-in policy as shipped (not edited by the township).
   */
  builtin: boolean;
  /**
   * `集中隔离14天+居家隔离7天`.
   */
  summary: string;
  /**
   * The whole policy.
   */
  spec: PolicySpec;
};

/**
 * An isolation or monitoring policy (管控方案).
 */
export type PolicySpec = {
  /**
   * Stable id, e.g. `high-risk-arrival`.
   */
  id: string;
  /**
   * Chinese name.
   */
  name: string;
  /**
   * English name.
   */
  name_en: string;
  /**
   * Phases in order; day 1 of the case is day 1 of the first phase.
   */
  phases: Array<PolicyPhase>;
  /**
   * Daily check windows (in phases with `checks`).
   */
  windows: Array<CheckWindow>;
  /**
   * Days with a nucleic-acid test, 1-based across all phases.
   */
  test_days: Array<number>;
  /**
   * Days of a follow-up visit (复诊随访), 1-based; a visit day has one whole-day check
   * instead of the windowed checks.
   */
  visit_days: Array<number>;
  /**
   * Fever threshold in tenths of a degree (373 = 37.3 °C); reaching it escalates.
   */
  fever_tenths: number;
  /**
   * What release requires.
   */
  release: ReleaseRule;
};

/**
 * One phase of a policy, e.g. 14 days of centralized isolation.
 */
export type PolicyPhase = {
  /**
   * Kind of phase.
   */
  kind: PhaseKind;
  /**
   * Length in days (at least 1).
   */
  days: number;
  /**
   * Whether the daily check windows apply in this phase.
   */
  checks: boolean;
};

/**
 * Kind of a phase of a case (隔离/监测方式).
 */
export type PhaseKind = "centralized" | "home-isolation" | "home-monitoring" | "daily-monitoring";

/**
 * A daily check window in local time, `[start, end)`: the end is exclusive, so a check
 * recorded at exactly `end` is late.
 */
export type CheckWindow = {
  /**
   * First minute of the window.
   */
  start: string;
  /**
   * First minute after the window.
   */
  end: string;
};

/**
 * What release (解除隔离) requires; each condition can be switched off by the township.
 */
export type ReleaseRule = {
  /**
   * Every phase is over (release on the day after the last day).
   */
  period_over: boolean;
  /**
   * Every test day has a negative sample, and no sample of the case is positive.
   */
  tests_negative: boolean;
  /**
   * No escalation (fever-clinic referral) is open.
   */
  no_open_escalation: boolean;
  /**
   * A final check (体检/测温无异常) on or after the last day: 001 releases home isolation
   * "期满后…经体检无异常后". Absent in records written before the field existed: then it
   * is on exactly for policies with a home-isolation phase (see
   * [`Policy::requires_final_check`]).
   */
  final_check?: boolean;
};

/**
 * The data of a release certificate (期满证明, 001 line 255): what the township prints.
 */
export type Certificate = {
  /**
   * Name of the person released.
   */
  person_name: string;
  /**
   * Their ID document number, as passed in.
   */
  id_number: string;
  /**
   * Id of the policy followed.
   */
  policy_id: string;
  /**
   * Chinese name of the policy.
   */
  policy_name: string;
  /**
   * English name of the policy.
   */
  policy_name_en: string;
  /**
   * `集中隔离14天+居家隔离7天`.
   */
  period_zh: string;
  /**
   * `14 days centralized isolation + 7 days home isolation`.
   */
  period_en: string;
  /**
   * Day 1.
   */
  start: string;
  /**
   * Last day of the last phase.
   */
  end: string;
  /**
   * Release date.
   */
  released_on: string;
  /**
   * Every sample of the case, in date order.
   */
  tests: Array<TestLine>;
  /**
   * `核酸检测 4 次，均为阴性`.
   */
  tests_zh: string;
  /**
   * `4 nucleic-acid tests, all negative`.
   */
  tests_en: string;
  /**
   * Days without follow-up, released with [`Certificate::reason`]. Absent in certificates
   * issued before it existed.
   */
  missed_days: Array<number>;
  /**
   * Why the case was released despite missed days, as the township officer wrote it.
   */
  reason: string | null;
};

/**
 * One sample on a certificate.
 */
export type TestLine = {
  /**
   * Day of the case.
   */
  day: number;
  /**
   * Sample date.
   */
  date: string;
  /**
   * Negative, positive or pending.
   */
  result: TestResult;
};

/**
 * What a slot asks for.
 */
export type SlotKind = "check" | "test";

/**
 * Where a slot stands at a given time.
 */
export type SlotStatus = "due" | "done" | "overdue" | "missed";

/**
 * Where a case stands.
 */
export type CaseStatus = "active" | "escalated" | "referred" | "released" | "transferred" | "cancelled";

/**
 * The form that starts a case.
 */
export type CaseForm = {
  /**
   * Person from the ledger.
   */
  person_id: string;
  /**
   * Policy id or built-in code.
   */
  policy: string;
  /**
   * Day 1, `YYYY-MM-DD`.
   */
  start: string;
  /**
   * `home` or `centralized`.
   */
  place: string;
  /**
   * Centralized site.
   */
  site?: string | null;
  /**
   * 旅居地.
   */
  origin?: string | null;
  /**
   * Reason (risk tag code); the person's first risk tag when empty.
   */
  reason?: string | null;
  /**
   * 包保 team.
   */
  team: Array<TeamMember>;
};

/**
 * One member of a 包保 team as typed.
 */
export type TeamMember = {
  /**
   * Role code (cadre, grid-worker, doctor, police, volunteer).
   */
  role: string;
  /**
   * The team member's name.
   */
  name: string;
  /**
   * Phone, optional.
   */
  phone?: string | null;
};

/**
 * The form of one check.
 */
export type CheckForm = {
  /**
   * The case the check is for.
   */
  case_id: string;
  /**
   * Temperature in °C as typed.
   */
  temp: string;
  /**
   * Symptom codes.
   */
  symptoms: Array<string>;
  /**
   * phone, video or visit.
   */
  method: string;
  /**
   * When, `YYYY-MM-DDTHH:MM`; now when empty.
   */
  at?: string | null;
};

/**
 * What recording a check or a test gave.
 */
export type FollowUpOutcome = {
  /**
   * The visit or test id.
   */
  id: string;
  /**
   * Whether it escalated the case (a referral to the fever clinic was recorded).
   */
  escalated: boolean;
  /**
   * Why, in Chinese.
   */
  reason: string | null;
  /**
   * Why, in English.
   */
  reason_en: string | null;
};

// ---- Checkpoints

/**
 * A checkpoint as listed.
 */
export type Checkpoint = {
  /**
   * The checkpoint's record id (UUID).
   */
  id: string;
  /**
   * The village that runs the checkpoint.
   */
  village_id: string;
  /**
   * Name, e.g. 村口卡点.
   */
  name: string;
  /**
   * Where it is.
   */
  place: string | null;
  /**
   * Its shifts and the staff each needs.
   */
  shift_plan: ShiftPlan;
};

/**
 * The shifts of a checkpoint day and how many people each needs.
 */
export type ShiftPlan = {
  /**
   * Shifts in time order; each starts where the previous ends, the last ends where the
   * first starts.
   */
  shifts: Array<PlanShift>;
  /**
   * People per shift.
   */
  staff_per_shift: number;
};

/**
 * One shift of the day. `end <= start` means the shift crosses midnight (16:00–00:00 ends at
 * midnight; 22:00–06:00 ends the next morning); `end == start` is a single 24-hour shift.
 */
export type PlanShift = {
  /**
   * Start, local time ("HH:MM" in JSON).
   */
  start: string;
  /**
   * End, local time, exclusive ("HH:MM" in JSON).
   */
  end: string;
};

/**
 * One shift as typed in the app: start and end, "HH:MM".
 */
export type ShiftTimes = {
  /**
   * When the shift starts (`HH:MM`, local time).
   */
  start: string;
  /**
   * End (exclusive); at or before the start means the next day.
   */
  end: string;
};

/**
 * A shift as recorded.
 */
export type ShiftRow = {
  /**
   * The shift's record id (UUID).
   */
  id: string;
  /**
   * The checkpoint the shift is at.
   */
  checkpoint_id: string;
  /**
   * The date the shift started.
   */
  date: string;
  /**
   * Index in the shift plan.
   */
  index: number;
  /**
   * Staff on duty, comma-separated.
   */
  staff: string;
  /**
   * Sign-in time.
   */
  signed_in_at: string | null;
  /**
   * Handover time.
   */
  signed_out_at: string | null;
  /**
   * Handover note.
   */
  handover_note: string | null;
};

/**
 * The shift on duty now.
 */
export type ShiftNow = {
  /**
   * The date the shift started.
   */
  date: string;
  /**
   * Index in the plan.
   */
  index: number;
  /**
   * Start, `HH:MM`.
   */
  start: string;
  /**
   * End, `HH:MM`.
   */
  end: string;
  /**
   * People the plan asks for.
   */
  staff_needed: number;
  /**
   * The latest sign-in to it not handed over yet.
   */
  signed_in: ShiftRow | null;
};

/**
 * The checkpoint screen's data.
 */
export type CheckpointDay = {
  /**
   * Today, `YYYY-MM-DD`.
   */
  date: string;
  /**
   * Today's counts.
   */
  counts: DayCounts;
  /**
   * The shift on duty.
   */
  shift: ShiftNow | null;
  /**
   * The last shift handed over, with its note.
   */
  last_handover: ShiftRow | null;
  /**
   * The latest entries of today, newest first.
   */
  recent: Array<EntryRow>;
};

/**
 * Entries in and out today, and those turned back or held for observation (counted apart
 * from in and out).
 */
export type DayCounts = {
  /**
   * Let in.
   */
  in: number;
  /**
   * Let out.
   */
  out: number;
  /**
   * Turned back (劝返).
   */
  turned_back: number;
  /**
   * Held for observation and transfer (留观转运).
   */
  observed: number;
  /**
   * Every entry of the day.
   */
  total: number;
};

/**
 * An entry as listed.
 */
export type EntryRow = {
  /**
   * The entry's record id (UUID).
   */
  id: string;
  /**
   * When, local time (fixed-width, sorts as text).
   */
  at: string;
  /**
   * Recording device (actor), part of the order.
   */
  device: string;
  /**
   * in / out.
   */
  direction: Direction;
  /**
   * The person's name as given at the checkpoint.
   */
  name: string;
  /**
   * ID document number.
   */
  id_number: string;
  /**
   * The phone given, if any.
   */
  phone: string | null;
  /**
   * The vehicle plate, if any.
   */
  plate: string | null;
  /**
   * Temperature in °C.
   */
  temperature: number;
  /**
   * Whether the temperature was a fever by the township's threshold when the entry was
   * judged (a fever reason is among its reasons).
   */
  fever: boolean;
  /**
   * Health code colour.
   */
  health_code: HealthCode;
  /**
   * Travel in the last 14 days.
   */
  travel: string;
  /**
   * Suggested decision.
   */
  suggested: Decision;
  /**
   * Decision taken.
   */
  decision: Decision;
  /**
   * Reasons of the suggestion.
   */
  reasons: Array<DecisionReason>;
  /**
   * Who decided.
   */
  volunteer: string;
  /**
   * Override note.
   */
  note: string | null;
  /**
   * Whether the decision differs from the suggestion.
   */
  overridden: boolean;
  /**
   * Device name that recorded it.
   */
  recorded_by: string;
  /**
   * Matched ledger person.
   */
  person_id: string | null;
  /**
   * Pass used.
   */
  pass_number: string | null;
  /**
   * 户口所在地.
   */
  hukou_place: string | null;
  /**
   * 常住地.
   */
  residence: string | null;
  /**
   * 事由.
   */
  purpose: string | null;
  /**
   * Risk areas the volunteer ticked.
   */
  declared_areas: Array<string>;
};

/**
 * The form of one entry at a checkpoint.
 */
export type EntryForm = {
  /**
   * Checkpoint id.
   */
  checkpoint: string;
  /**
   * in or out.
   */
  direction: Direction;
  /**
   * The person's name as typed.
   */
  name: string;
  /**
   * ID document number.
   */
  id_number: string;
  /**
   * The phone as typed (may be empty).
   */
  phone: string;
  /**
   * The vehicle plate as typed (may be empty).
   */
  plate: string;
  /**
   * Temperature in °C as typed.
   */
  temp: string;
  /**
   * green, yellow or red.
   */
  code: string;
  /**
   * Travel in the last 14 days.
   */
  travel: string;
  /**
   * 户口所在地.
   */
  hukou: string;
  /**
   * 常住地.
   */
  residence: string;
  /**
   * 事由.
   */
  purpose: string;
  /**
   * Risk areas ticked from the list.
   */
  areas: Array<string>;
  /**
   * The volunteer's decision when not the suggestion.
   */
  decision?: string | null;
  /**
   * Why (required to decide less strictly than suggested).
   */
  note?: string | null;
  /**
   * Temporary pass number.
   */
  pass?: string | null;
  /**
   * The ledger resident picked from the match (person id): the store fills the ID number
   * from the ledger, which a volunteer's match shows masked (see [`NewEntry::person`]).
   */
  person_id?: string | null;
};

/**
 * What the rules say of a form before it is saved, from what is already known of it.
 */
export type EntryPreview = {
  /**
   * Suggested decision, once the direction, temperature and health code are known.
   */
  decision: Decision | null;
  /**
   * Every reason found (none without a suggestion).
   */
  reasons: Array<DecisionReason>;
  /**
   * The decisions the volunteer may choose instead only with a note (less strict).
   */
  needs_note: Array<Decision>;
  /**
   * Whether the temperature is a fever by the township's threshold.
   */
  fever: boolean;
  /**
   * The ledger person with this ID document in the checkpoint's village, if any.
   */
  person_id: string | null;
  /**
   * The person's control state from an open case, shown before saving.
   */
  isolation: IsolationState | null;
};

/**
 * What recording an entry gave.
 */
export type EntryResult = {
  /**
   * The new entry.
   */
  entry_id: string;
  /**
   * The decision taken.
   */
  decision: Decision;
  /**
   * The decision the rules suggested.
   */
  suggested: Decision;
  /**
   * Why the rules suggested it.
   */
  reasons: Array<DecisionReason>;
  /**
   * The ledger person with this ID document in the checkpoint's village, if any.
   */
  person_id: string | null;
  /**
   * The person's control state from an open case, when under control.
   */
  isolation: IsolationState | null;
};

/**
 * Why a decision was suggested.
 */
export type DecisionReason = {
  /**
   * Stable code: `isolation`, `isolation-return`, `referral`, `monitoring`,
   * `monitoring-allowed`, `fever`, `health-code-yellow`, `health-code-red`,
   * `risk-area-medium`, `risk-area-high`, `risk-area-unlisted`, or `all-clear` when
   * nothing was found.
   */
  code: string;
  /**
   * Message in Chinese.
   */
  zh: string;
  /**
   * The same message in English.
   */
  en: string;
  /**
   * The decision this reason alone leads to.
   */
  decision: Decision;
};

/**
 * What happens to the person at the checkpoint.
 */
export type Decision = "allow" | "turn-back" | "observe";

/**
 * Which way a person crosses the checkpoint.
 */
export type Direction = "in" | "out";

/**
 * Health code colour (健康码) shown by the person.
 */
export type HealthCode = "green" | "yellow" | "red";

/**
 * The rules a checkpoint tablet applies. Every field is flat so the store can keep them in
 * an Automerge document.
 */
export type DecisionRules = {
  /**
   * Fever at or above this temperature, in tenths of a degree (373 = 37.3 °C).
   */
  fever_tenths: number;
  /**
   * Decision for a fever.
   */
  fever_decision: Decision;
  /**
   * Decision for a yellow code.
   */
  yellow_decision: Decision;
  /**
   * Decision for a red code.
   */
  red_decision: Decision;
  /**
   * Decision for travel to a medium-risk area in the last 14 days.
   */
  medium_risk_decision: Decision;
  /**
   * Decision for travel to a high-risk area in the last 14 days.
   */
  high_risk_decision: Decision;
  /**
   * The current risk areas.
   */
  risk_areas: Array<RiskArea>;
  /**
   * Decision for a person in home or centralized isolation going out. Rules records
   * written before this field existed read the default, as do the three below.
   */
  isolation_out_decision: Decision;
  /**
   * Decision for a person whose case has an open escalation (待转诊), either way.
   */
  referral_decision: Decision;
  /**
   * Decision for a person under home health monitoring going out for a purpose that is
   * not allowed.
   */
  monitoring_out_decision: Decision;
  /**
   * Purposes (事由) that let a person under home health monitoring out: the purpose given
   * at the checkpoint needs only to mention one (去卫生院就医 mentions 就医).
   */
  monitoring_allowed_purposes: Array<string>;
};

/**
 * A medium- or high-risk area (中/高风险地区), maintained by township staff and synced.
 */
export type RiskArea = {
  /**
   * Name as published, e.g. 武汉市 or 江夏区.
   */
  name: string;
  /**
   * Medium or high.
   */
  level: RiskLevel;
  /**
   * First day the area counts: entries recorded earlier are judged as they were then.
   */
  since: string;
};

/**
 * Risk level of an area as published by the authorities.
 */
export type RiskLevel = "medium" | "high";

/**
 * A temporary pass as listed, with its uses.
 */
export type PassRow = {
  /**
   * The pass's record id (UUID).
   */
  id: string;
  /**
   * Pass number (8 characters).
   */
  number: string;
  /**
   * Household it was issued to.
   */
  household_id: string;
  /**
   * Start of the window, local time.
   */
  valid_from: string;
  /**
   * End of the window (exclusive), local time.
   */
  valid_to: string;
  /**
   * Who issued the pass (a name).
   */
  issued_by: string;
  /**
   * What its QR code holds.
   */
  payload: string;
  /**
   * Crossings recorded on it, in time order.
   */
  uses: Array<PassUse>;
  /**
   * Members of the household under control today (an open isolation case): the pass does
   * not cover them.
   */
  excluded?: Array<ExcludedMember>;
};

/**
 * One crossing on a pass. The person's document number stays with the entry.
 */
export type PassUse = {
  /**
   * When the pass was used (local time).
   */
  at: string;
  /**
   * `in` or `out`.
   */
  direction: Direction;
  /**
   * The checkpoint where it was used.
   */
  checkpoint_id: string;
  /**
   * The entry that recorded it.
   */
  entry_id: string;
};

/**
 * A member of a household that a pass does not cover, and why.
 */
export type ExcludedMember = {
  /**
   * The person.
   */
  person_id: string;
  /**
   * Their name.
   */
  name: string;
  /**
   * Their control state.
   */
  isolation: IsolationState;
};

// ---- Township: overview, daily reports, tasks, devices, files

/**
 * The overview of a day.
 */
export type Overview = {
  /**
   * The day.
   */
  date: string;
  /**
   * The township's totals.
   */
  township: OverviewVillage;
  /**
   * Each village.
   */
  villages: Array<OverviewVillage>;
};

/**
 * One village of the overview (or the township's totals).
 */
export type OverviewVillage = {
  /**
   * Village id (empty for the totals).
   */
  id: string;
  /**
   * The village's name.
   */
  name: string;
  /**
   * Checkpoint crossings of the day.
   */
  checkpoint: CheckpointFigures;
  /**
   * Share of households verified in the last [`COVERAGE_DAYS`] days (0–1).
   */
  coverage: number;
  /**
   * The village's report of the day (`submitted`, `zero`, `late`, `missing`); for the
   * totals, how many villages reported.
   */
  report: string;
  /**
   * Its groups (empty for the totals).
   */
  groups: Array<OverviewGroup>;
  /**
   * Households (not deleted).
   */
  households: number;
  /**
   * Persons (not deleted).
   */
  persons: number;
  /**
   * Persons carrying a risk tag.
   */
  persons_at_risk: number;
  /**
   * Persons per risk tag code, every tag present (a person with two counts under both).
   */
  by_tag: { [key in string]: number };
  /**
   * Persons per 七类人 code, every category present.
   */
  by_vulnerable: { [key in string]: number };
  /**
   * Open cases (active, escalated or referred).
   */
  cases_active: number;
  /**
   * Open cases per kind of isolation on the day (the phase of their policy the day falls
   * in; `none` outside every phase), every kind present; they add up to `cases_active`.
   */
  cases_by_kind: { [key in string]: number };
  /**
   * Of which counted under 升级: escalated or referred (the cases screen's 升级 tab).
   */
  escalated: number;
  /**
   * Follow-ups (checks and tests) of the day still due.
   */
  due: number;
  /**
   * Follow-ups of the day already done.
   */
  done: number;
  /**
   * Past their window, not done.
   */
  overdue: number;
  /**
   * Their day is over and they were never done.
   */
  missed: number;
};

/**
 * One group on drill-down: its village's figures counted over the households of the group
 * (a case counts where its household lives). Checkpoints belong to the village, so a group
 * has no crossings of its own.
 */
export type OverviewGroup = {
  /**
   * Group id.
   */
  id: string;
  /**
   * The group's name.
   */
  name: string;
  /**
   * Share of households verified in the last [`COVERAGE_DAYS`] days (0–1).
   */
  coverage: number;
  /**
   * Its report of the day: submitted, zero, late or missing.
   */
  report: ReportState;
  /**
   * Households (not deleted).
   */
  households: number;
  /**
   * Persons (not deleted).
   */
  persons: number;
  /**
   * Persons carrying a risk tag.
   */
  persons_at_risk: number;
  /**
   * Persons per risk tag code, every tag present (a person with two counts under both).
   */
  by_tag: { [key in string]: number };
  /**
   * Persons per 七类人 code, every category present.
   */
  by_vulnerable: { [key in string]: number };
  /**
   * Open cases (active, escalated or referred).
   */
  cases_active: number;
  /**
   * Open cases per kind of isolation on the day (the phase of their policy the day falls
   * in; `none` outside every phase), every kind present; they add up to `cases_active`.
   */
  cases_by_kind: { [key in string]: number };
  /**
   * Of which counted under 升级: escalated or referred (the cases screen's 升级 tab).
   */
  escalated: number;
  /**
   * Follow-ups (checks and tests) of the day still due.
   */
  due: number;
  /**
   * Follow-ups of the day already done.
   */
  done: number;
  /**
   * Past their window, not done.
   */
  overdue: number;
  /**
   * Their day is over and they were never done.
   */
  missed: number;
};

/**
 * Checkpoint crossings of the day.
 */
export type CheckpointFigures = {
  /**
   * In (人次).
   */
  in: number;
  /**
   * Entries going out.
   */
  out: number;
  /**
   * Turned back (劝返).
   */
  turned_back: number;
  /**
   * Kept for observation (留观).
   */
  observed: number;
};

/**
 * A person on the persons-at-risk list: ID number and phone always masked.
 */
export type RiskPersonRow = {
  /**
   * The person.
   */
  person_id: string;
  /**
   * Their household.
   */
  household_id: string;
  /**
   * Their village.
   */
  village_id: string;
  /**
   * The group of their household.
   */
  group_id: string | null;
  /**
   * Full name.
   */
  name: string;
  /**
   * ID number, masked.
   */
  id_number: string;
  /**
   * Phone, masked.
   */
  phone: string | null;
  /**
   * The household's address.
   */
  address: string;
  /**
   * Risk tag codes.
   */
  tags: Array<string>;
  /**
   * 七类人 codes.
   */
  vulnerable: Array<string>;
};

/**
 * What the persons list is narrowed to. With neither `tag` nor `vulnerable`, the persons
 * carrying any risk tag.
 */
export type PersonQuery = {
  /**
   * Village id.
   */
  village: string | null;
  /**
   * Group id (a group of the village).
   */
  group: string | null;
  /**
   * A risk tag (code or label).
   */
  tag: string | null;
  /**
   * A 七类人 category (code or label).
   */
  vulnerable: string | null;
};

/**
 * Where a unit's report for a day stands.
 */
export type ReportState = "submitted" | "zero" | "late" | "missing";

/**
 * The grid level a report is made for.
 */
export type ReportLevel = "group" | "village";

/**
 * Where one unit's report of a day stands.
 */
export type ReportStatusRow = {
  /**
   * `group` or `village`.
   */
  level: ReportLevel;
  /**
   * The unit (group or village id).
   */
  id: string;
  /**
   * Its name (a group's is its own: 二组).
   */
  name: string;
  /**
   * Its village.
   */
  village_id: string;
  /**
   * The village's name.
   */
  village_name: string;
  /**
   * The day.
   */
  date: string;
  /**
   * The deadline, local time.
   */
  due: string;
  /**
   * When it was first submitted, local time.
   */
  submitted_at: string | null;
  /**
   * Submitted after the deadline.
   */
  late: boolean;
  /**
   * A 零报告.
   */
  zero: boolean;
  /**
   * `submitted`, `zero`, `late` or `missing`.
   */
  state: ReportState;
  /**
   * The report's record id, once submitted.
   */
  report_id: string | null;
  /**
   * The device that submitted it.
   */
  device: string | null;
  /**
   * The note.
   */
  note: string | null;
  /**
   * The figures it carries (none while missing).
   */
  figures: ReportFigures | null;
};

/**
 * A roll-up over a range of days.
 */
export type Rollup = {
  /**
   * First day.
   */
  date: string;
  /**
   * Last day.
   */
  to: string;
  /**
   * The township.
   */
  township: RollupPart;
  /**
   * Each village.
   */
  villages: Array<RollupVillage>;
};

/**
 * One village in a roll-up.
 */
export type RollupVillage = {
  /**
   * Village id.
   */
  id: string;
  /**
   * The village's name.
   */
  name: string;
  /**
   * Figures reported: each day the village's own report, or the sum of its groups'
   * reports on a day the village did not report.
   */
  figures: ReportFigures;
  /**
   * Reports due (the village and each group, each day).
   */
  expected: number;
  /**
   * Reports made.
   */
  actual: number;
  /**
   * Reports made by their deadline.
   */
  on_time: number;
  /**
   * Group reports made.
   */
  groups_submitted: number;
  /**
   * Group reports due.
   */
  groups_total: number;
};

/**
 * The township's totals in a roll-up.
 */
export type RollupPart = {
  /**
   * Sum of the villages' figures.
   */
  figures: ReportFigures;
  /**
   * Reports due.
   */
  expected: number;
  /**
   * Reports made.
   */
  actual: number;
  /**
   * Reports made by their deadline.
   */
  on_time: number;
};

/**
 * What a unit reports for a day. Every figure is counted from the day's records; a 零报告
 * carries the same figures (all zero when there was nothing new).
 */
export type ReportFigures = {
  /**
   * Persons registered that day (in households added that day) with a risk tag.
   */
  registered_risk: number;
  /**
   * The same persons per risk tag (code → persons; a person with two tags counts in both).
   */
  registered_by_tag: { [key in string]: number };
  /**
   * Tenants (租户) registered that day.
   */
  registered_tenants: number;
  /**
   * Persons under an open case that day, per phase kind (code → persons).
   */
  isolation: { [key in string]: number };
  /**
   * Cases started that day (新增管控).
   */
  cases_started: number;
  /**
   * Cases released that day (解除).
   */
  cases_released: number;
  /**
   * Health checks due that day.
   */
  checks_due: number;
  /**
   * Health checks done.
   */
  checks_done: number;
  /**
   * Checks past their window and not done (still possible today).
   */
  checks_overdue: number;
  /**
   * Checks whose day is over and that were never done.
   */
  checks_missed: number;
  /**
   * Referrals to the fever clinic (转诊发热门诊).
   */
  referrals: number;
  /**
   * Nucleic-acid tests of cases dated that day.
   */
  tests_done: number;
  /**
   * Of which positive.
   */
  tests_positive: number;
  /**
   * Checkpoint crossings in (人次).
   */
  checkpoint_in: number;
  /**
   * Checkpoint crossings out.
   */
  checkpoint_out: number;
  /**
   * Turned back (劝返).
   */
  turned_back: number;
  /**
   * Kept for observation and transfer (留观转运).
   */
  observed: number;
  /**
   * Households verified that day (入户核查, each household once).
   */
  households_verified: number;
};

/**
 * The figures a report of a unit and day would carry, for the grid worker to confirm.
 */
export type FiguresPreview = {
  /**
   * The figures, counted from the day's records.
   */
  figures: ReportFigures;
};

/**
 * What a submitted report says back.
 */
export type ReportSubmitResult = {
  /**
   * The report's record id (the same for the unit and day on every device).
   */
  report_id: string;
  /**
   * Whether it was made after the deadline.
   */
  late: boolean;
  /**
   * Whether it is a 零报告.
   */
  zero: boolean;
  /**
   * The figures it carries, counted from the day's records.
   */
  figures: ReportFigures;
};

/**
 * A task as lists show it (`gridbook tasks list --json`).
 */
export type TaskRow = {
  /**
   * The task.
   */
  task_id: string;
  /**
   * The matched person (`None`: matched nobody, on the township's list).
   */
  person_id: string | null;
  /**
   * Name on the list.
   */
  name: string;
  /**
   * ID number on the list (as written when it is not a valid one).
   */
  id_number: string;
  /**
   * The village that checks (`None`: on the township's list).
   */
  village_id: string | null;
  /**
   * Its name.
   */
  village_name: string | null;
  /**
   * Due (local time, to the minute).
   */
  due: string;
  /**
   * `open` or `done`.
   */
  status: string;
  /**
   * Open and past due.
   */
  overdue: boolean;
  /**
   * The latest answer's outcome: present, left or unknown.
   */
  outcome: TaskOutcome | null;
  /**
   * The list it came from.
   */
  source: string;
  /**
   * The list's category of the person.
   */
  category: string | null;
  /**
   * The date the list gives.
   */
  list_date: string | null;
  /**
   * Phone on the list.
   */
  phone: string | null;
  /**
   * Village or address text on the list.
   */
  place: string | null;
  /**
   * id_number, phone or name.
   */
  match_by: string | null;
  /**
   * When the latest answer was made.
   */
  answered_at: string | null;
  /**
   * The device (as enrolled: 甲村网格员) that made it.
   */
  answered_by: string | null;
  /**
   * Its note.
   */
  answer_note: string | null;
  /**
   * The risk tag it set.
   */
  tag: string | null;
  /**
   * The active isolation measure of the person (the policy's name), if any.
   */
  measure: string | null;
  /**
   * Row in the list's file.
   */
  row: number | null;
};

/**
 * What the grid worker found when checking a person on a pushed list.
 */
export type TaskOutcome = "present" | "left" | "unknown";

/**
 * An answer as written.
 */
export type TaskAnswered = {
  /**
   * The answer's record id.
   */
  answer_id: string;
  /**
   * The task.
   */
  task_id: string;
  /**
   * present, left or unknown.
   */
  outcome: TaskOutcome;
  /**
   * When (local time).
   */
  at: string;
  /**
   * The risk tag set on the person, if any.
   */
  tag: string | null;
};

/**
 * What importing a list did (`gridbook tasks import --json`).
 */
export type TaskImport = {
  /**
   * Rows that are tasks (matched and unmatched).
   */
  tasks: number;
  /**
   * Rows matched to a person of the ledger (their village's grid worker checks them).
   */
  matched: number;
  /**
   * Rows matched to nobody: they stay on the township's list.
   */
  unmatched: number;
  /**
   * Tasks this import created (the others were there from an earlier import).
   */
  created: number;
  /**
   * Matched by ID number, phone, name.
   */
  by_id_number: number;
  /**
   * See `by_id_number`.
   */
  by_phone: number;
  /**
   * See `by_id_number`.
   */
  by_name: number;
  /**
   * When the new tasks are due (local time, to the minute).
   */
  due: string;
  /**
   * Every row.
   */
  rows: Array<ImportedRow>;
};

/**
 * One row's outcome, for the import's result screen.
 */
export type ImportedRow = {
  /**
   * Row number in the file.
   */
  row: number;
  /**
   * Name on the list.
   */
  name: string;
  /**
   * The task (the same id when the list is imported again).
   */
  task_id: string;
  /**
   * The matched person.
   */
  person_id: string | null;
  /**
   * Their village (`None`: stays on the township's list).
   */
  village_id: string | null;
  /**
   * How it was matched.
   */
  matched_by: MatchBy | null;
  /**
   * Whether this import created the task (false: it was there already).
   */
  created: boolean;
};

/**
 * How a row was matched to the ledger.
 */
export type MatchBy = "id_number" | "phone" | "name" | "township";

/**
 * What importing a pushed list did, as the import screen shows it: the columns as read, and
 * what became of the rows.
 */
export type TaskImportResult = {
  /**
   * The columns and what each was taken for.
   */
  columns: Array<ListColumn>;
  /**
   * What became of the rows.
   */
  result: TaskImport;
};

/**
 * What a column was taken for, as the import screens show it.
 */
export type ListColumn = {
  /**
   * The column's index (0 for A), as a choice names it.
   */
  column: number;
  /**
   * The column's letter (A, B, … AA), as the sheet shows it.
   */
  letter: string;
  /**
   * The header as the file has it (blank: the column has none).
   */
  header: string;
  /**
   * Another column has the same header: the letter tells them apart.
   */
  repeated: boolean;
  /**
   * A field code of the file's kind; `None`: not used.
   */
  field: string | null;
};

/**
 * A pushed list as read, before importing: what each column was taken for, and how many
 * rows there are (`gridbook tasks import --dry-run`, the import screen's confirmation).
 */
export type TaskListPreview = {
  /**
   * The columns and what each was taken for.
   */
  columns: Array<ListColumn>;
  /**
   * Rows with a name or an ID number (each becomes a task).
   */
  rows: number;
};

/**
 * A column's field as the township chose it on an import screen.
 */
export type ColumnChoice = {
  /**
   * The header as the file has it (blank for a column without one).
   */
  header: string;
  /**
   * The column's index (0 for A): the choice is then this column's alone, whatever its
   * header; absent: every column with this header.
   */
  column?: number;
  /**
   * A field code of the file's kind; `None`: the column is not used.
   */
  field: string | null;
};

/**
 * The dry run (or the import) as the import screen shows it; `gridbook import --detail`.
 */
export type RosterReport = {
  /**
   * The header's row number; `None`: not found, the person chooses it among `head`.
   */
  header_row: number | null;
  /**
   * The first rows of the sheet.
   */
  head: Array<HeadRow>;
  /**
   * Each column's header and the field it is taken for (a code; `None`: not imported).
   */
  columns: Array<ListColumn>;
  /**
   * The fixed and refused rows, in file order (at most [`SHOWN_ROWS`]).
   */
  rows: Array<RosterRow>;
  /**
   * Fixed and refused rows left out of `rows`.
   */
  rows_left_out: number;
  /**
   * Rows whose person is already in the ledger and gets nothing new.
   */
  unchanged: number;
  /**
   * The counts (`None` without a header).
   */
  summary: RosterSummary | null;
  /**
   * Households and filled persons written (import), or to write (dry run).
   */
  done: number;
  /**
   * All of them.
   */
  total: number;
  /**
   * The import stopped on request after a whole batch.
   */
  cancelled: boolean;
};

/**
 * A row that was normalised or refused, as the screen lists it.
 */
export type RosterRow = {
  /**
   * Row number in the file.
   */
  row: number;
  /**
   * Fixed or refused.
   */
  status: RosterRowStatus;
  /**
   * What was normalised, in Chinese.
   */
  fixes: Array<string>;
  /**
   * The field refused (a code), if refused.
   */
  field: string | null;
  /**
   * Why it was refused, in Chinese.
   */
  reason: string | null;
  /**
   * What happens to its person (created, updated, unchanged), if not refused.
   */
  action: RosterAction | null;
};

/**
 * A row of the sheet as text, for choosing the header row.
 */
export type HeadRow = {
  /**
   * Row number in the file (1-based).
   */
  row: number;
  /**
   * The cells as text, from column A on.
   */
  cells: Array<string>;
};

/**
 * `gridbook import --json`: counts of rows, the refused rows, what was (or would be)
 * added and updated, and the differences with the ledger.
 */
export type RosterSummary = {
  /**
   * Data rows read.
   */
  rows: number;
  /**
   * Rows read as they were.
   */
  ok: number;
  /**
   * Rows read after normalizing.
   */
  fixed: number;
  /**
   * Rows not imported.
   */
  refused: Array<RosterRefusedRow>;
  /**
   * Households created (dry run: that would be).
   */
  households_added: number;
  /**
   * Persons created.
   */
  persons_added: number;
  /**
   * Ledger persons whose empty fields were filled.
   */
  persons_updated: number;
  /**
   * Fields where the file and the ledger disagree (left as the ledger has them).
   */
  differences: Array<RosterDifference>;
};

/**
 * A refused row.
 */
export type RosterRefusedRow = {
  /**
   * Row number in the file.
   */
  row: number;
  /**
   * Field code.
   */
  field: string;
  /**
   * Reason in Chinese.
   */
  reason: string;
};

/**
 * A field where the file and the ledger disagree: listed, never overwritten.
 */
export type RosterDifference = {
  /**
   * Row number in the file.
   */
  row: number;
  /**
   * Ledger person.
   */
  person_id: string;
  /**
   * Field code.
   */
  field: string;
  /**
   * The ledger's value.
   */
  ledger: string;
  /**
   * The file's value.
   */
  file: string;
};

/**
 * What a row is.
 */
export type RosterRowStatus = "ok" | "fixed" | "refused";

/**
 * What happens to the person of a row that is not refused.
 */
export type RosterAction = "create" | "update" | "unchanged";

/**
 * How far an import got.
 */
export type RosterProgress = {
  /**
   * Households and filled persons written so far.
   */
  done: number;
  /**
   * All of them.
   */
  total: number;
};

/**
 * A row of the township's list handed to a village (`gridbook tasks assign --json`).
 */
export type TaskAssigned = {
  /**
   * The village's new task.
   */
  task_id: string;
  /**
   * The row of the township's list it came from (now off that list).
   */
  from: string;
  /**
   * The village that checks.
   */
  village_id: string;
  /**
   * The person of its ledger, if the township named one.
   */
  person_id: string | null;
  /**
   * Due (local time, to the minute).
   */
  due: string;
};

/**
 * A device as the relay lists it for a township device.
 */
export type ListedDevice = {
  /**
   * Device id.
   */
  device_id: string;
  /**
   * Name given when added.
   */
  name: string;
  /**
   * Role: grid-worker, volunteer, doctor, township.
   */
  role: string;
  /**
   * `township`, or `village:<id>`.
   */
  scope: string;
  /**
   * Whether it was revoked.
   */
  revoked: boolean;
  /**
   * Last sync (seconds since the Unix epoch), if it ever synced.
   */
  last_sync: number | null;
};

/**
 * A device just added, with its one-time code.
 */
export type NewDevice = {
  /**
   * Device id.
   */
  device_id: string;
  /**
   * The one-time code, `ABCD-EFGH`.
   */
  code: string;
  /**
   * When the code stops working (RFC 3339, UTC).
   */
  expires_at: string;
  /**
   * What the QR code holds: the relay address and the code.
   */
  qr_text: string;
};

/**
 * An export as the app's export sheet asks for it: kind and format as their codes, the path
 * chosen in the save dialog.
 */
export type ExportForm = {
  /**
   * ledger, cases, checks, entries, reports or coverage.
   */
  kind: string;
  /**
   * xlsx or csv.
   */
  format: string;
  /**
   * The path chosen in the save dialog.
   */
  out: string;
  /**
   * Only this village (empty: every village).
   */
  village?: string | null;
  /**
   * From this date.
   */
  from?: string | null;
  /**
   * Up to this date, included.
   */
  to?: string | null;
  /**
   * Full ID numbers instead of masked ones.
   */
  fullIds: boolean;
};

/**
 * What an export wrote.
 */
export type ExportOutcome = {
  /**
   * Data rows (title and header not counted).
   */
  rows: number;
  /**
   * The file written.
   */
  path: string;
  /**
   * Whether ID numbers are in full.
   */
  full_ids: boolean;
};

/**
 * One export, printout or reveal, as the log lists it.
 */
export type ExportLogEntry = {
  /**
   * Record id.
   */
  id: string;
  /**
   * Local time.
   */
  at: string;
  /**
   * The name of the device that made it.
   */
  device: string;
  /**
   * The device's id at the relay (the document's; `None` for an entry of the local table).
   */
  device_id: string | null;
  /**
   * ledger, cases, checks, entries, reports, coverage, feedback, notice, certificate; or
   * `reveal` (a full ID number or phone shown on the device).
   */
  kind: string;
  /**
   * xlsx, csv or pdf.
   */
  format: string;
  /**
   * Village filter.
   */
  village_id: string | null;
  /**
   * Date range start.
   */
  date_from: string | null;
  /**
   * Date range end.
   */
  date_to: string | null;
  /**
   * The case of a printout; the person or household of a reveal.
   */
  subject: string | null;
  /**
   * Whose record a reveal showed: the person's name, or the household's address, when
   * this device's ledger holds the record (read from the ledger, never stored in the log).
   */
  subject_name: string | null;
  /**
   * Which field a reveal showed in full: `id_number` or `phone`; for a list, each field it
   * showed, comma-separated (`id_number,phone`).
   */
  field: string | null;
  /**
   * The list a reveal showed its values in, read by a script as JSON (`search`, `tasks`,
   * `match`, `entries`, `history`, `conflicts`: see [`crate::township::lists_shown`]); its
   * `rows` are the records it showed in full, its `subject` and `village_id` the one record
   * and village when there is one only. `None` for a value shown one at a time (a tap on
   * the card, a form, a record read whole).
   */
  via: string | null;
  /**
   * Rows written (1 for a printout).
   */
  rows: number;
  /**
   * Whether ID numbers were written in full.
   */
  full_ids: boolean;
  /**
   * The file written: its name (the folder stays on the device that wrote it).
   */
  path: string;
};

/**
 * What a printout wrote.
 */
export type Printed = {
  /**
   * The file.
   */
  path: string;
  /**
   * Its size in bytes.
   */
  bytes: number;
  /**
   * The certificate number, for a certificate.
   */
  number: string | null;
};
