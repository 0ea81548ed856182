// The only place that talks to the Tauri backend. Every screen calls these functions, so the
// browser tests (a fake window.__TAURI_INTERNALS__) and vitest (vi.mock of this module or of
// @tauri-apps/api/core) can replace the backend without touching the screens.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, save } from '@tauri-apps/plugin-dialog';
import type {
  CaseDetail,
  CaseForm,
  CaseSummary,
  Certificate,
  CheckForm,
  Checkpoint,
  CheckpointDay,
  DecisionRules,
  DueRow,
  EntryForm,
  EntryPreview,
  EntryResult,
  EntryRow,
  FollowUpOutcome,
  PassRow,
  PlanShift,
  PolicyRow,
  PolicySpec,
  ShiftRow,
} from './types';
import type {
  ApiError,
  AppStatus,
  CheckableField,
  CheckResult,
  Conflict,
  CoverageRow,
  Edit,
  Enrollment,
  HistoryEntry,
  HouseholdDetail,
  HouseholdAdded,
  HouseholdInput,
  HouseholdPage,
  Language,
  PersonAdded,
  PersonInput,
  SearchHit,
  Settings,
  SyncReport,
  SyncStatus,
  Verified,
  Village,
  Group,
  Changed,
} from './types';
import { i18n } from './i18n';
import { withFlatFigures } from './logic/reports';
import type { FiguresPreview, Overview, ReportLevel, ReportStatusRow, ReportSubmitResult, Rollup } from './types';
import type { PersonQuery, RiskPersonRow } from './types';
import type { QuarantineRow } from './types';
import type { ListedDevice, NewDevice } from './types';
import type { ExportForm, ExportLogEntry, ExportOutcome, Printed, TownshipInfo } from './types';
import type { ColumnChoice, TaskAnswered, TaskAssigned, TaskImportResult, TaskListPreview, TaskOutcome, TaskRow } from './types';
import type { DismissedPair, Duplicate, MergePreview, PairDismissed, PairRestored, Person, PersonMerged, PersonUnmerged } from './types';
import type { RefusedEdit } from './types';
import type { RosterProgress, RosterReport } from './types';

/** The backend's message in the UI's language: `message` is Chinese, `message_en` English. */
export function inLanguage(o: { message?: unknown; message_en?: unknown }): string {
  const en = i18n.global.locale.value === 'en' && typeof o.message_en === 'string' && o.message_en;
  return en || String(o.message ?? '');
}

/** Turns whatever a rejected invoke carried into the `{kind, message, field?}` shape. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as Record<string, unknown>;
    const err: ApiError = {
      kind: typeof o.kind === 'string' ? o.kind : 'internal',
      message: inLanguage(o),
    };
    if (typeof o.field === 'string' && o.field) err.field = o.field;
    if (typeof o.code === 'string' && o.code) err.code = o.code;
    return err;
  }
  if (typeof e === 'string') return { kind: 'internal', message: e };
  return { kind: 'internal', message: String(e) };
}

export function isApiError(e: unknown): e is ApiError {
  return !!e && typeof e === 'object' && typeof (e as ApiError).kind === 'string' &&
    typeof (e as ApiError).message === 'string';
}

/** The optional arguments that were given: one left out is not sent (the command sees None). */
function given(args: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) if (v) out[k] = v;
  return out;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/** What the lock screen shows (lock_status). */
export interface LockInfo {
  encrypted: boolean;
  locked: boolean;
  failures: number;
  wait_secs: number;
  has_recovery: boolean;
  idle_minutes: number;
  /** Enrolled without a PIN: the app asks for one before it is used. */
  pin_due: boolean;
}

/** The app lock's commands. */
export const lockApi = {
  status: () => call<LockInfo>('lock_status'),
  unlock: (pin: string) => call<null>('unlock', { pin }),
  recover: (code: string, newPin: string) => call<null>('recover', { code, newPin }),
  /** Returns the recovery code (shown once) when it encrypted a plain store. */
  setPin: (newPin: string, current?: string) => call<string | null>('set_pin', { current: current ?? null, newPin }),
  newRecoveryCode: (pin: string) => call<string>('new_recovery_code', { pin }),
  setIdle: (minutes: number) => call<number>('set_lock_idle', { minutes }),
  /** After an enrollment: a store without a PIN must get one before it is used. */
  requirePin: () => call<null>('require_pin'),
};

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  villages: () => call<Village[]>('villages'),
  villageAdd: (name: string) => call<string>('village_add', { name }),
  villageRename: (id: string, name: string) => call<Group>('village_rename', { id, name }),
  groupAdd: (villageId: string, name: string) => call<string>('group_add', { villageId, name }),
  groupRename: (id: string, name: string) => call<Group>('group_rename', { id, name }),
  /** A page of households, of one village and within it of one group (组) if given. */
  listHouseholds: (offset: number, limit: number, villageId?: string, groupId?: string) =>
    call<HouseholdPage>('list_households', { ...given({ villageId, groupId }), offset, limit }),
  searchPersons: (query: string, limit: number) => call<SearchHit[]>('search_persons', { query, limit }),
  householdDetail: (id: string) => call<HouseholdDetail>('household_detail', { id }),
  /** A person with the full ID number and phone its edit form needs; the device logs each. */
  personToEdit: (id: string) => call<Person>('person_to_edit', { id }),
  /** A household with the full phone its edit form needs; the device logs it. */
  householdToEdit: (id: string) => call<HouseholdDetail>('household_to_edit', { id }),
  /** A person's full ID number or phone, for a role that may see it; the device logs it. */
  reveal: (recordId: string, field: 'id_number' | 'phone') => call<string>('reveal', { recordId, field }),
  addHousehold: (input: HouseholdInput) =>
    call<HouseholdAdded>('add_household', { input }),
  addPerson: (householdId: string, person: PersonInput) =>
    call<PersonAdded>('add_person', { householdId, person }),
  setPerson: (id: string, edits: Edit[]) => call<Changed>('set_person', { id, edits }),
  setHousehold: (id: string, edits: Edit[]) => call<Changed>('set_household', { id, edits }),
  verifyHousehold: (id: string) => call<Verified>('verify_household', { id }),
  recordHistory: (id: string) => call<HistoryEntry[]>('record_history', { id }),
  listConflicts: () => call<Conflict[]>('list_conflicts'),
  resolveConflict: (recordId: string, field: string, value: string) =>
    call<null>('resolve_conflict', { recordId, field, value }),
  /** One value of a conflicting ID number or phone in full (`index` as listed); the device logs it. */
  revealChoice: (recordId: string, field: 'id_number' | 'phone', index: number) =>
    call<string>('reveal_choice', { recordId, field, index }),
  /** Keeps the `index`th value of a conflict; `shown` is the values as listed (masked), refused if they changed. */
  resolveChoice: (recordId: string, field: string, index: number, shown: unknown[]) =>
    call<null>('resolve_choice', { recordId, field, index, shown }),
  duplicates: () => call<Duplicate[]>('duplicates'),
  mergePreview: (a: string, b: string) => call<MergePreview>('merge_preview', { a, b }),
  mergePerson: (id: string, into: string, fill: string[]) =>
    call<PersonMerged>('merge_person', { id, into, fill }),
  unmergePerson: (id: string) => call<PersonUnmerged>('unmerge_person', { id }),
  mergedPersons: () => call<Person[]>('merged_persons'),
  dismissDuplicate: (a: string, b: string, reason: string | null) =>
    call<PairDismissed>('dismiss_duplicate', { a, b, reason }),
  restoreDuplicate: (a: string, b: string) => call<PairRestored>('restore_duplicate', { a, b }),
  dismissedDuplicates: () => call<DismissedPair[]>('dismissed_duplicates'),
  coverage: (days: number, villageId?: string, groupId?: string) =>
    call<CoverageRow[]>('coverage', { days, ...given({ villageId, groupId }) }),
  checkField: (field: CheckableField, value: string) => call<CheckResult>('check_field', { field, value }),
  settingsGet: () => call<Settings>('settings_get'),
  setDeviceName: (name: string) => call<null>('set_device_name', { name }),
  setLanguage: (lang: Language) => call<null>('set_language', { lang }),
  /** `ca`: the township CA's fingerprint to pin (from the enrollment QR code), if any. */
  enroll: (relayUrl: string, token: string, ca?: string | null) =>
    call<Enrollment>('enroll', ca ? { relayUrl, token, ca } : { relayUrl, token }),
  /** Enrolls with a one-time code (typed or scanned) instead of a token. */
  enrollCode: (relayUrl: string, code: string, ca?: string | null) =>
    call<Enrollment>('enroll_code', ca ? { relayUrl, code, ca } : { relayUrl, code }),
  syncNow: () => call<SyncReport>('sync_now'),
  /** Records this device holds back because they cannot be shown (township staff look). */
  quarantine: () => call<QuarantineRow[]>('quarantine'),
  /** Documents whose edits from this device the relay refused. */
  refusedEdits: () => call<RefusedEdit[]>('refused_edits'),
  /** Discards a refused document's edits, back to the relay's version; returns how many went. */
  discardRefused: (docId: string) => call<number>('discard_refused', { docId }),

  // Isolation follow-ups
  policies: () => call<PolicyRow[]>('policies'),
  addPolicy: (policy: PolicySpec) => call<string>('add_policy', { policy }),
  setPolicy: (id: string, policy: PolicySpec) => call<string>('set_policy', { id, policy }),
  dueList: (date?: string) => call<DueRow[]>('due_list', date ? { date } : {}),
  /**
   * Cases, by shown status and of one group (组: where the case's household lives) if given;
   * `more` narrows as the overview's figures do: to a village, to the open cases in a kind of
   * isolation on a day, to those counted under 异常/转诊 (`escalation`).
   */
  cases: (status?: string, groupId?: string, more: { villageId?: string; kind?: string; date?: string; escalation?: boolean } = {}) =>
    call<CaseSummary[]>('cases', {
      ...given({ status, groupId, villageId: more.villageId, kind: more.kind, date: more.date }),
      ...(more.escalation ? { escalation: true } : {}),
    }),
  caseDetail: (id: string) => call<CaseDetail>('case_detail', { id }),
  startCase: (form: CaseForm) => call<string>('start_case', { form }),
  recordCheck: (form: CheckForm) => call<FollowUpOutcome>('record_check', { form }),
  recordTest: (caseId: string, date: string, result: string) =>
    call<FollowUpOutcome>('record_test', { caseId, date, result }),
  closeReferral: (caseId: string, outcome: string, note: string) =>
    call<string>('close_referral', { caseId, outcome, note }),
  /** Releases a case; `reason` is needed when follow-up days were missed (kept on the case). */
  releaseCase: (id: string, reason?: string) => call<Certificate>('release_case', reason ? { id, reason } : { id }),
  closeCase: (id: string, status: 'transferred' | 'cancelled', note: string) =>
    call<null>('close_case', { id, status, note }),

  // Checkpoints
  checkpoints: () => call<Checkpoint[]>('checkpoints'),
  addCheckpoint: (villageId: string, name: string, place?: string) =>
    call<string>('add_checkpoint', place ? { villageId, name, place } : { villageId, name }),
  checkpointToday: (checkpoint: string) => call<CheckpointDay>('checkpoint_today', { checkpoint }),
  entries: (checkpoint: string, date: string) => call<EntryRow[]>('entries', { checkpoint, date }),
  matchResidents: (checkpoint: string, query: string, limit: number) =>
    call<SearchHit[]>('match_residents', { checkpoint, query, limit }),
  previewEntry: (form: EntryForm) => call<EntryPreview>('preview_entry', { form }),
  addEntry: (form: EntryForm) => call<EntryResult>('add_entry', { form }),
  shiftStart: (checkpoint: string, staff: string[]) => call<ShiftRow>('shift_start', { checkpoint, staff }),
  shiftHandover: (checkpoint: string, note: string) => call<ShiftRow>('shift_handover', { checkpoint, note }),
  /** A pass checked for a person: the ID number typed, or the resident picked at `checkpoint`
   * (`personId`), whose ID number the store takes from the ledger. */
  checkPass: (number: string, direction: 'in' | 'out', idNumber: string, checkpoint: string | null = null, personId: string | null = null) =>
    call<null>('check_pass', { number, direction, idNumber, checkpoint, personId }),
  rules: () => call<DecisionRules>('rules'),
  setRules: (rules: DecisionRules) => call<DecisionRules>('set_rules', { rules }),
  setShiftPlan: (checkpoint: string, shifts: PlanShift[], staffPerShift: number) =>
    call<Checkpoint>('set_shift_plan', { checkpoint, shifts, staffPerShift }),
  issuePass: (household: string, from: string, to: string) => call<PassRow>('issue_pass', { household, from, to }),
  passes: (household: string) => call<PassRow[]>('passes', { household }),
  /** The pass's QR code as a standalone SVG document. */
  passQr: (number: string) => call<string>('pass_qr', { number }),

  // Township: overview and daily reports (日报告 / 零报告)
  overview: (date?: string) => call<Overview>('overview', date ? { date } : {}),
  /** Persons with a risk tag (any, or the one asked for) or a 七类人 category, of a unit; masked. */
  personsListed: (query: PersonQuery) => call<RiskPersonRow[]>('persons_listed', { query }),
  /** The follow-ups of a day in one state (all if none), of a village or a group of it. */
  followUps: (date: string, state?: string, villageId?: string, groupId?: string) =>
    call<DueRow[]>('follow_ups', { date, ...given({ state, villageId, groupId }) }),
  townshipInfo: () => call<TownshipInfo | null>('township_info'),
  setTownshipInfo: (name: string | null, hotline: string | null) => call<TownshipInfo>('set_township_info', { name, hotline }),
  reportStatus: (date: string) => call<ReportStatusRow[]>('report_status', { date }).then(withFlatFigures),
  reportRollup: (date: string, to?: string) =>
    call<Rollup>('report_rollup', to ? { date, to } : { date }).then(withFlatFigures),
  /** The figures a report of the unit and day would carry, for the grid worker to confirm. */
  reportFigures: (level: ReportLevel, unitId: string, date: string) =>
    call<FiguresPreview>('report_figures', { level, unitId, date }).then(withFlatFigures),
  reportSubmit: (level: ReportLevel, unitId: string, date: string, zero: boolean, note: string | null) =>
    call<ReportSubmitResult>('report_submit', { level, unitId, date, zero, note }).then(withFlatFigures),
  /** The report as a ready WeChat text block; level `township` is the township's roll-up. */
  reportText: (level: ReportLevel | 'township', unitId: string, date: string) =>
    call<string>('report_text', { level, unitId, date }),

  // Devices, managed by a township device through the relay (设备)
  devicesList: () => call<ListedDevice[]>('devices_list'),
  deviceAdd: (name: string, role: string, village: string | null) =>
    call<NewDevice>('device_add', { name, role, village }),
  deviceRevoke: (deviceId: string) => call<null>('device_revoke', { deviceId }),

  // Files: the save dialog (Tauri's dialog plugin), exports and printouts
  /** Asks where to save; the chosen path, or null when the person cancelled. */
  saveDialog: async (defaultPath: string, filterName: string, extensions: string[]): Promise<string | null> => {
    try {
      return await save({ defaultPath, filters: [{ name: filterName, extensions }] });
    } catch (e) {
      throw toApiError(e);
    }
  },
  exportFile: (form: ExportForm) => call<ExportOutcome>('export_file', { form }),
  exportsLog: (limit: number) => call<ExportLogEntry[]>('exports_log', { limit }),
  printNotice: (caseId: string, out: string) => call<Printed>('print_notice', { caseId, out }),
  printCertificate: (caseId: string, out: string) => call<Printed>('print_certificate', { caseId, out }),

  // 核查任务: lists pushed from above, answered by the villages
  /** Asks for a file to open; its path, or null when the person cancelled. */
  openDialog: async (filterName: string, extensions: string[]): Promise<string | null> => {
    try {
      const chosen = await open({ multiple: false, directory: false, filters: [{ name: filterName, extensions }] });
      return typeof chosen === 'string' ? chosen : null;
    } catch (e) {
      throw toApiError(e);
    }
  },
  tasksList: (village: string | null, open: boolean) => call<TaskRow[]>('tasks_list', { village, open }),
  taskClose: (taskId: string, outcome: TaskOutcome, note: string | null, tag: string | null) =>
    call<TaskAnswered>('task_close', { taskId, outcome, note, tag }),
  /** What each column of the list is taken for (with the township's changes), before importing. */
  tasksPreview: (path: string, map: ColumnChoice[]) => call<TaskListPreview>('tasks_preview', { path, map }),
  tasksImport: (path: string, source: string, dueHours: number | null, map: ColumnChoice[]) =>
    call<TaskImportResult>('tasks_import', { path, source, dueHours, map }),
  /** Hands a row of the township's list to a village (optionally naming a person of its ledger). */
  taskAssign: (taskId: string, village: string, person: string | null) =>
    call<TaskAssigned>('task_assign', { taskId, village, person }),
  tasksExport: (out: string) => call<ExportOutcome>('tasks_export', { out }),

  // 导入: the household roster from a township's sheet (township devices only)
  /** The dry run: `headerRow` null lets the backend find the header; `map` the changed columns. */
  rosterCheck: (path: string, village: string | null, headerRow: number | null, map: ColumnChoice[]) =>
    call<RosterReport>('roster_check', { path, village, headerRow, map }),
  /** Writes the dry run as a sheet with a reason column to `out`; the rows written. */
  rosterReport: (path: string, village: string | null, headerRow: number | null, map: ColumnChoice[], out: string) =>
    call<number>('roster_report', { path, village, headerRow, map, out }),
  /** Imports; `roster-progress` events come after each committed batch (onRosterProgress). */
  rosterImport: (path: string, village: string | null, headerRow: number | null, map: ColumnChoice[]) =>
    call<RosterReport>('roster_import', { path, village, headerRow, map }),
  /** Stops the running import after its current batch. */
  rosterCancel: () => call<null>('roster_cancel'),
};

/** Subscribes to the import's `roster-progress` events; resolves to an unsubscribe function. */
export async function onRosterProgress(cb: (p: RosterProgress) => void): Promise<() => void> {
  const un = await listen<RosterProgress>('roster-progress', (ev) => cb(ev.payload));
  return () => {
    void un();
  };
}

/** Subscribes to the backend's `sync-status` event; resolves to an unsubscribe function. */
export async function onSyncStatus(cb: (s: SyncStatus) => void): Promise<() => void> {
  const un = await listen<SyncStatus>('sync-status', (ev) => cb(ev.payload));
  return () => {
    void un();
  };
}

/** True inside the Tauri webview (or a page where a fake backend was injected). */
export function hasBackend(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
