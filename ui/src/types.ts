// Shapes of the JSON that the Tauri commands exchange (see the backend contract in api.ts).
//
// The Rust types' declarations are generated into ./generated/types.ts from the types
// themselves (tests/tests/ts_types.rs; regenerate with
// `GRIDBOOK_WRITE_TS=1 cargo test -p gridbook-tests --test ts_types`) and re-exported here.
// Below are only the shapes the backend builds as JSON values (serde_json::json!) or keeps in
// the app shell, and the UI's own.

import type * as G from './generated/types';
import type {
  CaseStatus,
  Certificate,
  HouseholdRow,
  OverviewVillage,
  TaskImport,
  TeamMember,
} from './generated/types';

export type * from './generated/types';

export interface HouseholdPage {
  total: number;
  rows: HouseholdRow[];
}

/** `control`: a whole ID number only the township control list knows (another village). */
export type MatchKind = 'name' | 'pinyin' | 'id' | 'phone' | 'plate' | 'control';

export type Edit = [string, string];

export type CheckableField = 'name' | 'id_number' | 'phone' | 'plate' | 'address';

export interface CheckResult {
  ok: boolean;
  message?: string;
  normalized?: string;
}

export type Language = 'zh-CN' | 'en';

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'not_enrolled';

/** The one error shape at the Tauri boundary. */
export interface ApiError {
  kind: string;
  /** The message in the UI's language (the backend sends both; `toApiError` picks one). */
  message: string;
  field?: string;
  /** A reason code: a refusal's (`already-used` for a pass) or what was not found (`pass`). */
  code?: string;
}

// ---- Isolation follow-ups: the case list and a case are JSON values built by the store ----

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

// ---- Built in the app shell (src-tauri) ----------------------------------------------------

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

/** What importing a pushed list did. */
export interface TaskImportResult {
  columns: { header: string; field: string | null }[];
  result: TaskImport;
}

/** The township's totals of the overview: a village row without its id, name and groups. */
export type OverviewFigures = Omit<OverviewVillage, 'id' | 'name' | 'groups'>;

// ---- Daily reports as the UI keeps them: api.ts flattens every `figures` (withFlatFigures) ----

/**
 * A report's figures flattened: key (registered_risk, checks_done, tag_close_contact,
 * isolation_home_isolation, …) → count. The backend sends ReportFigures.
 */
export type Figures = Record<string, number>;

type FlatFigures<T extends { figures: unknown }> = Omit<T, 'figures'> & {
  figures: null extends T['figures'] ? Figures | null : Figures;
};

export type ReportStatusRow = FlatFigures<G.ReportStatusRow>;
export type RollupPart = FlatFigures<G.RollupPart>;
export type RollupVillage = FlatFigures<G.RollupVillage>;
export type Rollup = Omit<G.Rollup, 'township' | 'villages'> & { township: RollupPart; villages: RollupVillage[] };
export type ReportSubmitResult = FlatFigures<G.ReportSubmitResult>;
