// Shapes of the JSON that the Tauri commands return (see the backend contract in api.ts).

export interface AppStatus {
  device_name: string;
  township_id: string | null;
  /** The township's name, once its grid document is on the device. */
  township_name: string | null;
  enrolled: boolean;
  relay_url: string | null;
  households: number;
  persons: number;
  unsynced: number;
  last_sync: string | null;
  online: boolean;
  syncing: boolean;
  under_follow_up: number;
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

export type MatchKind = 'name' | 'pinyin' | 'id' | 'phone' | 'plate';

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
}

export interface Conflict {
  record_id: string;
  field: string;
  doc_id: string;
  values: unknown[];
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
  refused: number;
}

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'not_enrolled';

export interface SyncStatus {
  state: SyncState;
  unsynced: number;
  last_sync: string | null;
  message?: string;
}

/** The one error shape at the Tauri boundary. */
export interface ApiError {
  kind: string;
  message: string;
  field?: string;
}
